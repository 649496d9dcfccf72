/**
 * Metrics, health probes and the status page of a broker.
 * @packageDocumentation
 */
export { startObservability, type Observability, type ObservabilityOptions } from "./observability.js";
export { MetricsListenError } from "./errors.js";
export { DEFAULT_MAX_SERVICE_LABELS, OTHER_SERVICE_LABEL } from "./service-labels.js";
export { LATENCY_BUCKETS_SECONDS } from "./metrics.js";
export { STATUS_REPORT_VERSION, type StatusReport, type ServiceStatus } from "./status-report.js";
export type { ActivityHistory, LatencySummary, TrafficSummary } from "./recent-activity.js";
