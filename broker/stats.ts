/**
 * stats(): a plain snapshot of the broker for tests, probes and the metrics endpoint.
 * @packageDocumentation
 */
import type { BrokerContext, BrokerStatus } from "./context.js";
import type { BrokerCounters } from "./counters.js";

/** Per-service counts. */
export interface ServiceStats {
  workers: number;
  idle: number;
  busy: number;
  queued: number;
  queuedBytes: number;
}

/** A point-in-time view of the broker. */
export interface BrokerStats {
  status: BrokerStatus;
  uptimeMs: number;
  workers: number;
  idleWorkers: number;
  busyWorkers: number;
  services: number;
  /** Requests waiting in queues. */
  queued: number;
  queuedBytes: number;
  /** Requests held: queued plus in flight. */
  held: number;
  perService: Record<string, ServiceStats>;
  counters: BrokerCounters;
  writer: { pending: number; dropped: number };
}

/** Take a snapshot. `perService` is bounded by the live services (empty ones are deleted). */
export function snapshot(ctx: BrokerContext, writer: { pending: number; dropped: number }): BrokerStats {
  const perService: Record<string, ServiceStats> = {};
  for (const service of ctx.services.values()) {
    perService[service.name] = {
      workers: service.workers.size,
      idle: service.idle.size,
      busy: service.workers.size - service.idle.size,
      queued: service.queue.size,
      queuedBytes: service.queuedBytes,
    };
  }
  return {
    status: ctx.status,
    uptimeMs: Math.round(ctx.clock.now() - ctx.startedAtMs),
    workers: ctx.workers.size,
    idleWorkers: ctx.workers.size - ctx.workers.busyCount,
    busyWorkers: ctx.workers.busyCount,
    services: ctx.services.size,
    queued: ctx.requests.queuedCount,
    queuedBytes: ctx.requests.queuedBytes,
    held: ctx.requests.heldCount,
    perService,
    counters: structuredClone(ctx.counters),
    writer,
  };
}
