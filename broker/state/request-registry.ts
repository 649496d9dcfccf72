/**
 * Requests the broker holds across all services: the duplicate index (request id -> record), totals
 * against the global bounds, and the expiry heap of queued requests.
 * @packageDocumentation
 */
import { ExpiryHeap } from "./expiry-heap.js";
import type { RequestRecord } from "./records.js";

/** Cross-service request bookkeeping. */
export class RequestRegistry {
  readonly #byKey = new Map<string, RequestRecord>();
  readonly #expiry = new ExpiryHeap<RequestRecord>();
  #queuedCount = 0;
  #queuedBytes = 0;
  #held = 0;
  #nextSeq = 1;

  /** Requests waiting in any queue. */
  get queuedCount(): number {
    return this.#queuedCount;
  }

  /** Body bytes of requests waiting in any queue. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Requests held, queued or in flight. */
  get heldCount(): number {
    return this.#held;
  }

  /** A fresh sequence number for a new request. */
  nextSeq(): number {
    return this.#nextSeq++;
  }

  /** The held request of `service` with this request id, if any. */
  byKey(service: string, key: string): RequestRecord | undefined {
    return this.#byKey.get(indexKey(service, key));
  }

  /** Start holding a request. */
  hold(request: RequestRecord): void {
    this.#held++;
    if (request.requestKey !== undefined) this.#byKey.set(indexKey(request.service, request.requestKey), request);
  }

  /** Stop holding a request (it ended). */
  release(request: RequestRecord): void {
    this.#held--;
    if (request.requestKey === undefined) return;
    const key = indexKey(request.service, request.requestKey);
    if (this.#byKey.get(key) === request) this.#byKey.delete(key);
  }

  /** Account for a request entering a queue and schedule its expiry. */
  queued(request: RequestRecord): void {
    this.#queuedCount++;
    this.#queuedBytes += request.sizeBytes;
    this.#expiry.push(request.expiresAtMs, request);
    // Entries of requests that left their queue stay in the heap until due, and keep the finished
    // request (and its body) reachable: rebuild once they outnumber the live ones. Amortised O(log n).
    if (this.#expiry.size > 2 * this.#queuedCount + 64) this.#rebuildExpiry();
  }

  /** Account for a request leaving a queue. */
  unqueued(request: RequestRecord): void {
    this.#queuedCount--;
    this.#queuedBytes -= request.sizeBytes;
  }

  /** Queued requests whose expiry is due, each once. */
  dueForExpiry(nowMs: number): RequestRecord[] {
    // A request re-queued after its worker died can have two live-looking entries with the same time
    // (same deadline, or same clock reading): the Set keeps it from being expired twice.
    const due = new Set<RequestRecord>();
    for (const entry of this.#expiry.popDue(nowMs)) {
      if (entry.item.queued && entry.item.expiresAtMs === entry.atMs) due.add(entry.item);
    }
    return [...due];
  }

  #rebuildExpiry(): void {
    const live = new Set<RequestRecord>();
    for (const entry of this.#expiry.popDue(Number.POSITIVE_INFINITY)) {
      if (entry.item.queued && entry.item.expiresAtMs === entry.atMs) live.add(entry.item);
    }
    for (const request of live) this.#expiry.push(request.expiresAtMs, request);
  }
}

/** Request ids are chosen by clients: the same id for two services is two requests. */
function indexKey(service: string, requestKey: string): string {
  return `${service}\u0000${requestKey}`;
}
