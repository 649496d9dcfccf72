/**
 * Workers by routing id (hex). Keeps each service's idle list in LRU order.
 * @packageDocumentation
 */
import type { RequestRecord, ServiceRecord, WorkerRecord } from "./records.js";

/** The worker table. */
export class WorkerRegistry {
  readonly #workers = new Map<string, WorkerRecord>();
  #busy = 0;

  get size(): number {
    return this.#workers.size;
  }

  /** Workers holding a request. */
  get busyCount(): number {
    return this.#busy;
  }

  /** The worker with this routing id (hex), if registered. */
  get(idHex: string): WorkerRecord | undefined {
    return this.#workers.get(idHex);
  }

  /** Register a new, idle worker. */
  add(id: Buffer, idHex: string, service: ServiceRecord, nowMs: number, expiresAtMs: number): WorkerRecord {
    const worker: WorkerRecord = {
      id,
      idHex,
      service,
      registeredAtMs: nowMs,
      expiresAtMs,
      lastSentAtMs: nowMs,
      current: undefined,
    };
    this.#workers.set(idHex, worker);
    service.workers.add(worker);
    return worker;
  }

  /** Mark busy with a request: it leaves the idle list. */
  assign(worker: WorkerRecord, request: RequestRecord): void {
    worker.service.idle.delete(worker.idHex);
    if (!worker.current) this.#busy++;
    worker.current = request;
    request.worker = worker;
  }

  /** Mark idle: it goes to the back of its service's idle list (the front is least recently used). */
  release(worker: WorkerRecord): void {
    if (worker.current) {
      worker.current.worker = undefined;
      worker.current = undefined;
      this.#busy--;
    }
    worker.service.idle.delete(worker.idHex);
    worker.service.idle.set(worker.idHex, worker);
  }

  /** Forget the worker. Returns the request it held, which the caller must re-run or fail. */
  remove(worker: WorkerRecord): RequestRecord | undefined {
    const held = worker.current;
    if (held) {
      held.worker = undefined;
      worker.current = undefined;
      this.#busy--;
    }
    this.#workers.delete(worker.idHex);
    worker.service.idle.delete(worker.idHex);
    worker.service.workers.delete(worker);
    return held;
  }

  /** Every worker, idle and busy. */
  values(): IterableIterator<WorkerRecord> {
    return this.#workers.values();
  }
}
