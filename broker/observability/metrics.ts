/**
 * The broker's Prometheus metrics, on a registry of its own (never prom-client's global one, so two
 * brokers in one process, or a host application's metrics, do not collide). Request counts, latency
 * histograms and worker registrations come from broker events; gauges and the counters the broker
 * already keeps (heartbeats, DISCONNECTs, invalid messages) are read from `stats()` at scrape time.
 * Every metric is listed in docs/operations.md.
 * @packageDocumentation
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RequestDoneEvent } from "../events.js";
import type { BrokerStats } from "../stats.js";
import {
  DISCONNECT_REASONS,
  INVALID_MESSAGE_REASONS,
  REQUEST_OUTCOMES,
  UNDELIVERABLE_KINDS,
  WORKER_REMOVAL_REASONS,
  fixedLabel,
} from "./label-sets.js";
import { timingsOf } from "./request-timings.js";
import { OTHER_SERVICE_LABEL, type ServiceLabels } from "./service-labels.js";

/**
 * Latency buckets in seconds: 0.5 ms to 60 s, roughly 1-2.5-5 per decade. A broker hop is sub-millisecond,
 * matrix work runs milliseconds to seconds, and the default queue timeout is 30 s.
 */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the metrics read at scrape time. */
export interface MetricsSource {
  stats(): BrokerStats;
  /** Whether /readyz would answer 200. */
  ready(): boolean;
}

/** Options of {@link BrokerMetrics}. */
export interface BrokerMetricsOptions {
  /** Also collect prom-client's process and Node.js metrics (CPU, memory, event-loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

/** The broker's metrics on their own registry. */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly #source: MetricsSource;
  readonly #labels: ServiceLabels;
  #snapshot: BrokerStats | undefined;

  readonly #requests: Counter<"service" | "outcome">;
  readonly #queueWait: Histogram<"service">;
  readonly #serviceTime: Histogram<"service">;
  readonly #registered: Counter<"service">;
  readonly #removed: Counter<"service" | "reason">;

  constructor(source: MetricsSource, labels: ServiceLabels, options: BrokerMetricsOptions = {}) {
    this.#source = source;
    this.#labels = labels;
    const registers = [this.registry];
    this.#requests = new Counter({
      name: "domo_requests_total",
      help: "Client requests by service and outcome (replied, expired, rejected, failed); redispatched counts re-runs after a worker died, in addition to the final outcome.",
      labelNames: ["service", "outcome"],
      registers,
    });
    this.#queueWait = new Histogram({
      name: "domo_request_queue_wait_seconds",
      help: "Time from a request's arrival to its dispatch to a worker (or to its expiry), by service.",
      labelNames: ["service"],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.#serviceTime = new Histogram({
      name: "domo_request_service_seconds",
      help: "Time a worker spent on a request, from dispatch to reply, by service (replied requests only).",
      labelNames: ["service"],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.#registered = new Counter({
      name: "domo_workers_registered_total",
      help: "Workers that registered (READY), by service.",
      labelNames: ["service"],
      registers,
    });
    this.#removed = new Counter({
      name: "domo_workers_removed_total",
      help: "Workers removed, by service and reason; reason=expired is a worker that missed its heartbeats.",
      labelNames: ["service", "reason"],
      registers,
    });
    this.#defineGauges();
    this.#defineStatsCounters();
    this.serviceLabelAdded(OTHER_SERVICE_LABEL);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A service got its own label: start its outcome counters at 0 so rates and alerts see it at once. */
  serviceLabelAdded(label: string): void {
    for (const outcome of REQUEST_OUTCOMES) this.#requests.inc({ service: label, outcome }, 0);
  }

  /** A request ended. */
  requestDone(label: string, event: RequestDoneEvent): void {
    this.#requests.inc({ service: label, outcome: fixedLabel(event.outcome, REQUEST_OUTCOMES) });
    const timings = timingsOf(event);
    if (timings.queueWaitMs !== undefined) this.#queueWait.observe({ service: label }, timings.queueWaitMs / 1000);
    if (timings.serviceMs !== undefined) this.#serviceTime.observe({ service: label }, timings.serviceMs / 1000);
  }

  /** A request was queued again after its worker died. */
  requestRedispatched(label: string): void {
    this.#requests.inc({ service: label, outcome: "redispatched" });
  }

  /** A worker registered. */
  workerRegistered(label: string): void {
    this.#registered.inc({ service: label });
  }

  /** A worker was removed. */
  workerRemoved(label: string, reason: string): void {
    this.#removed.inc({ service: label, reason: fixedLabel(reason, WORKER_REMOVAL_REASONS) });
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * One stats() snapshot per scrape: prom-client calls every collect() in the same synchronous pass,
   * so the cache is dropped at the next microtask.
   */
  #stats(): BrokerStats {
    if (this.#snapshot === undefined) {
      this.#snapshot = this.#source.stats();
      queueMicrotask(() => (this.#snapshot = undefined));
    }
    return this.#snapshot;
  }

  /** Per-label sums of the per-service stats; services with their own label are always present. */
  #perLabel(): Map<string, { idle: number; busy: number; queued: number; queuedBytes: number }> {
    const sums = new Map<string, { idle: number; busy: number; queued: number; queuedBytes: number }>();
    for (const label of [...this.#labels.known(), OTHER_SERVICE_LABEL]) sums.set(label, { idle: 0, busy: 0, queued: 0, queuedBytes: 0 });
    for (const [name, service] of Object.entries(this.#stats().perService)) {
      const sum = sums.get(this.#labels.labelOf(name))!;
      sum.idle += service.idle;
      sum.busy += service.busy;
      sum.queued += service.queued;
      sum.queuedBytes += service.queuedBytes;
    }
    return sums;
  }

  #defineGauges(): void {
    const registers = [this.registry];
    const workers: Gauge<"service" | "state"> = new Gauge({
      name: "domo_workers",
      help: "Registered workers by service and state (idle, busy).",
      labelNames: ["service", "state"],
      registers,
      collect: () => {
        workers.reset();
        for (const [service, sum] of this.#perLabel()) {
          workers.set({ service, state: "idle" }, sum.idle);
          workers.set({ service, state: "busy" }, sum.busy);
        }
      },
    });
    const queued: Gauge<"service"> = new Gauge({
      name: "domo_queue_requests",
      help: "Requests waiting in a service's queue for a free worker.",
      labelNames: ["service"],
      registers,
      collect: () => {
        queued.reset();
        for (const [service, sum] of this.#perLabel()) queued.set({ service }, sum.queued);
      },
    });
    const queuedBytes: Gauge<"service"> = new Gauge({
      name: "domo_queue_bytes",
      help: "Body bytes of the requests waiting in a service's queue.",
      labelNames: ["service"],
      registers,
      collect: () => {
        queuedBytes.reset();
        for (const [service, sum] of this.#perLabel()) queuedBytes.set({ service }, sum.queuedBytes);
      },
    });
    const gauge = (name: string, help: string, read: () => number): void => {
      const metric: Gauge = new Gauge({ name, help, registers, collect: () => metric.set(read()) });
    };
    gauge("domo_services", "Services the broker knows now (with workers or queued requests).", () => this.#stats().services);
    gauge("domo_requests_held", "Requests the broker holds: queued plus in flight.", () => this.#stats().held);
    gauge("domo_writer_queue_messages", "Outbound messages waiting in the broker socket's writer queue.", () => this.#stats().writer.pending);
    gauge("domo_broker_ready", "1 while the broker is bound and serving (/readyz 200), 0 while draining or closed.", () => (this.#source.ready() ? 1 : 0));
    gauge("domo_service_labels", 'Services with a label of their own (the rest are reported as service="_other").', () => this.#labels.size);
    gauge("domo_service_labels_max", "Cap on services with a label of their own (maxServiceLabels).", () => this.#labels.maxLabels);
  }

  #defineStatsCounters(): void {
    const registers = [this.registry];
    const counters = (): BrokerStats["counters"] => this.#stats().counters;
    statsCounter(registers, "domo_requests_received_total", "Client requests received, mmi.* included.", () => counters().requestsReceived);
    statsCounter(registers, "domo_mmi_requests_total", "mmi.* requests answered by the broker itself.", () => counters().mmiRequests);
    statsCounter(registers, "domo_requests_duplicate_total", "Client retries folded into a request the broker already held.", () => counters().requestsDuplicate);
    statsCounter(registers, "domo_heartbeats_sent_total", "HEARTBEATs the broker sent to workers.", () => counters().heartbeatsSent);
    statsCounter(registers, "domo_send_dropped_total", "Outbound messages dropped because the writer queue was full or a peer was not reading.", () => counters().sendDropped);
    const invalid = "Malformed messages dropped, by decode issue code (docs/errors.md).";
    keyedStatsCounter(registers, "domo_invalid_messages_total", invalid, "reason", INVALID_MESSAGE_REASONS, () => counters().invalidMessages);
    keyedStatsCounter(registers, "domo_disconnects_sent_total", "DISCONNECTs the broker sent, by reason.", "reason", DISCONNECT_REASONS, () => counters().disconnectsSent);
    const undeliverable = "Messages the socket could not route (peer gone), by kind: reply (to a client), worker (a request to a worker), other.";
    keyedStatsCounter(registers, "domo_undeliverable_total", undeliverable, "kind", UNDELIVERABLE_KINDS, () => counters().undeliverable);
  }
}

/** A counter mirroring a monotonic stats() counter: at each scrape it is raised by what the broker added since. */
function statsCounter(registers: Registry[], name: string, help: string, read: () => number): void {
  let seen = 0;
  const counter: Counter = new Counter({
    name,
    help,
    registers,
    collect: () => {
      const now = read();
      if (now > seen) counter.inc(now - seen);
      seen = now;
    },
  });
}

/** As {@link statsCounter}, for a keyed stats() counter; keys outside `allowed` are summed under `other`. */
function keyedStatsCounter(
  registers: Registry[],
  name: string,
  help: string,
  labelName: string,
  allowed: readonly string[],
  read: () => Readonly<Record<string, number>>,
): void {
  const seen = new Map<string, number>();
  const counter: Counter = new Counter({
    name,
    help,
    labelNames: [labelName],
    registers,
    collect: () => {
      const sums = new Map<string, number>();
      for (const [key, value] of Object.entries(read())) {
        const label = fixedLabel(key, allowed);
        sums.set(label, (sums.get(label) ?? 0) + value);
      }
      for (const [label, now] of sums) {
        const before = seen.get(label) ?? 0;
        if (now > before) counter.inc({ [labelName]: label }, now - before);
        seen.set(label, now);
      }
    },
  });
  // Every known value is exported from the start, at 0, so rate() and alerts work before the first event.
  for (const label of allowed) counter.inc({ [labelName]: label }, 0);
}
