/**
 * Services by name. A service exists while it has workers or queued requests, and is deleted as soon
 * as it has neither, so a flood of unknown service names cannot grow memory.
 * @packageDocumentation
 */
import { RequestQueue } from "./request-queue.js";
import type { RequestRecord, ServiceRecord } from "./records.js";

/** The service table. */
export class ServiceRegistry {
  readonly #services = new Map<string, ServiceRecord>();

  get size(): number {
    return this.#services.size;
  }

  /** The service, if it exists. */
  get(name: string): ServiceRecord | undefined {
    return this.#services.get(name);
  }

  /** The service, created empty if needed. */
  require(name: string): ServiceRecord {
    let service = this.#services.get(name);
    if (!service) {
      service = {
        name,
        idle: new Map(),
        workers: new Set(),
        queue: new RequestQueue<RequestRecord>(),
        queuedBytes: 0,
        softLimitWarned: false,
      };
      this.#services.set(name, service);
    }
    return service;
  }

  /** Delete the service when nothing refers to it any more. */
  releaseIfUnused(service: ServiceRecord): void {
    if (service.workers.size === 0 && service.queue.size === 0) this.#services.delete(service.name);
  }

  /** Every service. */
  values(): IterableIterator<ServiceRecord> {
    return this.#services.values();
  }
}
