/**
 * Observability for one broker: Prometheus metrics, health and readiness probes, status.json and the
 * status page, all on one HTTP listener. It only watches the broker (events and stats()), never
 * changes it, and `close()` detaches it completely.
 * @packageDocumentation
 */
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Broker } from "../broker.js";
import type { RequestDoneEvent, RequestRedispatchedEvent, WorkerReadyEvent, WorkerRemovedEvent } from "../events.js";
import { silentLogger } from "../logger.js";
import { ObservabilityServer } from "./http-server.js";
import { REQUEST_OUTCOMES } from "./label-sets.js";
import { BrokerMetrics } from "./metrics.js";
import { RecentActivity, type ActivityOutcome } from "./recent-activity.js";
import { timingsOf } from "./request-timings.js";
import { ServiceLabels } from "./service-labels.js";
import { buildStatusReport, type StatusReport } from "./status-report.js";

/** Gauges for the status page charts are sampled this often. */
const SAMPLE_INTERVAL_MS = 1000;

/** Options of {@link startObservability}. */
export interface ObservabilityOptions {
  /** `host:port` to listen on; port 0 picks a free one. Default: the broker's `metrics.listen`. */
  listen?: string;
  /** Where "metrics listening" and listener errors go; silent when absent. */
  logger?: Logger;
  /** Cap on services with their own `service` label (default 200, see DEFAULT_MAX_SERVICE_LABELS). */
  maxServiceLabels?: number;
  /** Include prom-client's process and Node.js metrics (default true). */
  defaultMetrics?: boolean;
  /** Seconds of broker-wide history on the status page (default 300). */
  historySeconds?: number;
  /** Seconds the per-service rates and percentiles cover (default 60). */
  serviceWindowSeconds?: number;
  /** Wall clock in ms for the per-second history (tests). */
  now?: () => number;
}

/** A running metrics/health listener attached to a broker. */
export interface Observability {
  /** Base URL with the real port, e.g. `http://127.0.0.1:9555`. */
  readonly url: string;
  /** The broker's own prom-client registry (not the global one). */
  readonly registry: Registry;
  /** What /readyz says: bound and serving, not draining or closed. */
  readonly ready: boolean;
  /** Turn /readyz to 503 from now on (the daemon calls this when a shutdown signal arrives). */
  markNotReady(): void;
  /** The status.json document. */
  status(): StatusReport;
  /** Stop listening and detach from the broker. Idempotent. */
  close(): Promise<void>;
}

/** The MMI service that answers with the status report (docs/protocol.md §4). */
export const MMI_STATUS = "mmi.status";

/**
 * Attach metrics to `broker` and start the HTTP listener. Rejects with MetricsListenError when the
 * address cannot be used; the broker is left running either way.
 *
 * @example
 * ```ts
 * const broker = await Broker.start();
 * const observability = await startObservability(broker, { listen: "127.0.0.1:0" });
 * console.log(`${observability.url}/metrics`);
 * ```
 */
export async function startObservability(broker: Broker, options: ObservabilityOptions = {}): Promise<Observability> {
  const log = (options.logger ?? silentLogger()).child({ component: "observability" });
  const now = options.now ?? Date.now;
  const labels = new ServiceLabels(options.maxServiceLabels);
  const activity = new RecentActivity({
    now,
    ...(options.historySeconds !== undefined && { historySeconds: options.historySeconds }),
    ...(options.serviceWindowSeconds !== undefined && { serviceWindowSeconds: options.serviceWindowSeconds }),
  });
  let brokerServing = broker.stats().status === "running";
  let markedNotReady = false;
  let listening = false;
  const ready = (): boolean => listening && brokerServing && !markedNotReady;
  const metrics = new BrokerMetrics({ stats: () => broker.stats(), ready }, labels, {
    ...(options.defaultMetrics !== undefined && { defaultMetrics: options.defaultMetrics }),
  });

  let capWarned = false;
  const registerService = (service: string): void => {
    const result = labels.register(service);
    if (result === "added") metrics.serviceLabelAdded(service);
    if (result === "full" && !capWarned) {
      capWarned = true;
      log.warn({ maxServiceLabels: labels.maxLabels, peer: { service } }, "service label cap reached: further services are reported as service=_other");
    }
  };
  // Services that registered before we attached (embedders may attach late).
  for (const [name, service] of Object.entries(broker.stats().perService)) if (service.workers > 0) registerService(name);

  const onWorkerReady = (event: WorkerReadyEvent): void => {
    registerService(event.service);
    metrics.workerRegistered(labels.labelOf(event.service));
  };
  const onWorkerRemoved = (event: WorkerRemovedEvent): void => metrics.workerRemoved(labels.labelOf(event.service), event.reason);
  const onRequestDone = (event: RequestDoneEvent): void => {
    const label = labels.labelOf(event.service);
    metrics.requestDone(label, event);
    if ((REQUEST_OUTCOMES as readonly string[]).includes(event.outcome)) {
      activity.record(label, event.outcome as ActivityOutcome, timingsOf(event));
    }
  };
  const onRedispatched = (event: RequestRedispatchedEvent): void => {
    const label = labels.labelOf(event.service);
    metrics.requestRedispatched(label);
    activity.record(label, "redispatched");
  };
  const onStopping = (): void => {
    brokerServing = false;
  };
  broker.on("workerReady", onWorkerReady);
  broker.on("workerRemoved", onWorkerRemoved);
  broker.on("requestDone", onRequestDone);
  broker.on("requestRedispatched", onRedispatched);
  broker.on("draining", onStopping);
  broker.on("closed", onStopping);
  const detach = (): void => {
    broker.off("workerReady", onWorkerReady);
    broker.off("workerRemoved", onWorkerRemoved);
    broker.off("requestDone", onRequestDone);
    broker.off("requestRedispatched", onRedispatched);
    broker.off("draining", onStopping);
    broker.off("closed", onStopping);
  };

  const status = (): StatusReport =>
    buildStatusReport({ stats: broker.stats(), endpoints: broker.endpoints, ready: ready(), labels, activity, nowMs: now() });

  // The same report over MDP, for `domo status` and for operators without HTTP access. The per-second
  // history is left out: it feeds the page's charts and would make every MMI reply tens of KB.
  const removeMmiStatus = broker.addMmiService(MMI_STATUS, () => JSON.stringify({ ...status(), history: undefined }));

  let server: ObservabilityServer;
  try {
    server = await ObservabilityServer.listen(options.listen ?? broker.config.metrics.listen, { metrics: () => metrics.render(), ready, status }, log);
  } catch (err) {
    detach();
    removeMmiStatus();
    throw err;
  }
  listening = true;
  const sampleGauges = (): void => {
    const stats = broker.stats();
    activity.sample({ queued: stats.queued, workers: stats.workers, busyWorkers: stats.busyWorkers });
  };
  sampleGauges();
  const sampleTimer = setInterval(sampleGauges, SAMPLE_INTERVAL_MS);
  sampleTimer.unref();
  log.info({ url: server.url, metrics: `${server.url}/metrics` }, "metrics listening");

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    registry: metrics.registry,
    get ready() {
      return ready();
    },
    markNotReady() {
      markedNotReady = true;
    },
    status,
    close() {
      closing ??= (async () => {
        listening = false;
        clearInterval(sampleTimer);
        detach();
        removeMmiStatus();
        await server.close();
      })();
      return closing;
    },
  };
}
