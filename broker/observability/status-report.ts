/**
 * /status.json: what the status page shows, as one JSON document (versioned, so scripts can rely on
 * it). Services are listed under the same bounded labels as the metrics, so a flood of unknown service
 * names is one `_other` row, not thousands.
 * @packageDocumentation
 */
import type { BrokerStatus } from "../context.js";
import type { BrokerStats } from "../stats.js";
import type { ActivityHistory, RecentActivity, TrafficSummary } from "./recent-activity.js";
import { OTHER_SERVICE_LABEL, type ServiceLabels } from "./service-labels.js";

/** Version of the status.json shape; raised when a field changes meaning or goes away. */
export const STATUS_REPORT_VERSION = 1;

/** One row of the services table. */
export interface ServiceStatus {
  /** The service name, or `_other` for every service without its own label. */
  name: string;
  /** False for the `_other` row. */
  ownLabel: boolean;
  workers: number;
  idle: number;
  busy: number;
  queued: number;
  queuedBytes: number;
  /** Rates and latency percentiles over the report's window. */
  traffic: TrafficSummary;
}

/** The whole report. */
export interface StatusReport {
  version: typeof STATUS_REPORT_VERSION;
  generatedAtMs: number;
  broker: {
    status: BrokerStatus;
    ready: boolean;
    uptimeMs: number;
    endpoints: string[];
  };
  totals: {
    workers: number;
    idleWorkers: number;
    busyWorkers: number;
    services: number;
    queued: number;
    queuedBytes: number;
    held: number;
  };
  /** Seconds the rates and percentiles cover: the configured window, or less just after start. */
  windowSeconds: number;
  /** Broker-wide rates and percentiles over the window. */
  traffic: TrafficSummary;
  services: ServiceStatus[];
  counters: BrokerStats["counters"];
  /** Per-second broker-wide history for the charts. */
  history: ActivityHistory;
}

/** What the report is built from. */
export interface StatusInputs {
  stats: BrokerStats;
  endpoints: string[];
  ready: boolean;
  labels: ServiceLabels;
  activity: RecentActivity;
  nowMs: number;
}

const EMPTY = { workers: 0, idle: 0, busy: 0, queued: 0, queuedBytes: 0 };

/** Build the report. */
export function buildStatusReport(inputs: StatusInputs): StatusReport {
  const { stats, labels, activity } = inputs;
  const rows = new Map<string, Omit<ServiceStatus, "traffic">>();
  const row = (name: string): Omit<ServiceStatus, "traffic"> => {
    let found = rows.get(name);
    if (!found) {
      found = { name, ownLabel: name !== OTHER_SERVICE_LABEL, ...EMPTY };
      rows.set(name, found);
    }
    return found;
  };
  for (const name of labels.known()) row(name);
  for (const [name, service] of Object.entries(stats.perService)) {
    const sum = row(labels.labelOf(name));
    sum.workers += service.workers;
    sum.idle += service.idle;
    sum.busy += service.busy;
    sum.queued += service.queued;
    sum.queuedBytes += service.queuedBytes;
  }
  const summary = activity.summary();
  // `_other` only shows when something is in it now or was in the window.
  if (summary.byLabel.has(OTHER_SERVICE_LABEL)) row(OTHER_SERVICE_LABEL);
  const idle = summarizeNothing(summary.total);
  const services = [...rows.values()]
    .map((r) => ({ ...r, traffic: summary.byLabel.get(r.name) ?? idle }))
    .sort((a, b) => Number(b.ownLabel) - Number(a.ownLabel) || a.name.localeCompare(b.name));
  return {
    version: STATUS_REPORT_VERSION,
    generatedAtMs: inputs.nowMs,
    broker: { status: stats.status, ready: inputs.ready, uptimeMs: stats.uptimeMs, endpoints: inputs.endpoints },
    totals: {
      workers: stats.workers,
      idleWorkers: stats.idleWorkers,
      busyWorkers: stats.busyWorkers,
      services: stats.services,
      queued: stats.queued,
      queuedBytes: stats.queuedBytes,
      held: stats.held,
    },
    windowSeconds: summary.windowSeconds,
    traffic: summary.total,
    services,
    counters: stats.counters,
    history: activity.history(),
  };
}

/** A summary with the same shape as `like`, all zero: for rows with no traffic in the window. */
function summarizeNothing(like: TrafficSummary): TrafficSummary {
  const zero = { count: 0, p50: null, p90: null, p99: null, max: null };
  const ratePerSecond = { ...like.ratePerSecond };
  for (const key of Object.keys(ratePerSecond) as (keyof typeof ratePerSecond)[]) ratePerSecond[key] = 0;
  return { ratePerSecond, queueWaitMs: { ...zero }, serviceMs: { ...zero } };
}
