/**
 * Messages between the bench runner and the processes it starts (Node IPC channel, JSON). Every child
 * answers `usage` (CPU and memory of its process) and `stop`; the load clients also answer `run`.
 * @packageDocumentation
 */

/** CPU and memory of one process at one moment. */
export interface UsageSample {
  /** Wall clock of the sample (Date.now() in the child). */
  atMs: number;
  /** process.cpuUsage(): cumulative user and system CPU time. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

/** Closed loop: a fixed number of requests in flight. Open loop: requests started on a fixed schedule. */
export const LoadMode = { CLOSED: "closed", OPEN: "open" } as const;
/** One of the load modes. */
export type LoadMode = (typeof LoadMode)[keyof typeof LoadMode];

/** What one load client does in one run. */
export interface LoadSpec {
  mode: LoadMode;
  /** Closed loop: requests in flight from this client. */
  concurrency: number;
  /** Open loop: requests started per second by this client. */
  ratePerSec: number;
  /** Open loop: at most this many in flight; later starts wait (their latency still counts from the schedule). */
  maxInFlight: number;
  /** Requests before the measured window, not recorded. */
  warmupMs: number;
  /** Length of the measured window (ends earlier when `maxRequests` is reached). */
  durationMs: number;
  /** Measured requests from this client; null for no limit. */
  maxRequests: number | null;
  /** A request with no answer after this long counts as a timeout. */
  timeoutMs: number;
  /** How often to report progress. */
  progressIntervalMs: number;
}

/** What one load client measured in one run. */
export interface ClientRunResult {
  /** Requests started in the measured window that ended (answered, failed or timed out). */
  completed: number;
  /** Of those, answered with a reply that is not an error reply. */
  ok: number;
  /** Failures by type (client error code, remote error code, "timeout"). */
  errors: Record<string, number>;
  /** Latency of every ok request, microseconds, HDR histogram as compressed base64. */
  histogram: string;
  /** Request and reply body bytes of ok requests. */
  sentBytes: number;
  receivedBytes: number;
  /** From the first measured send to the last completion. */
  windowMs: number;
  /** Open loop: sends that went out more than 1 ms after their scheduled time. */
  lateStarts: number;
}

/** Runner to child. */
export type ParentMessage =
  | { type: "usage"; id: number }
  | { type: "stats"; id: number }
  | { type: "run"; id: number; load: LoadSpec }
  | { type: "stop" };

/** Child to runner. */
export type ChildMessage =
  | { type: "ready"; info: Record<string, unknown> }
  | { type: "reply"; id: number; value: unknown }
  | { type: "failed"; id: number; message: string }
  | { type: "measuring"; id: number }
  | { type: "progress"; id: number; completed: number; p99Us: number }
  | { type: "fatal"; message: string };
