/**
 * Options of `domo bench`, their defaults, and their validation: every problem throws a
 * {@link BenchArgumentError} naming the flag, before anything is started.
 * @packageDocumentation
 */
import { isMatrixOp, type MatrixOp } from "../workers/matrix/request.js";
import { BenchArgumentError } from "./errors.js";
import { Encoding, Workload } from "./payload.js";

/** Everything a bench run is told. */
export interface BenchOptions {
  workload: Workload;
  /** Echo: body bytes. Matrix: elements per operand. */
  payloadSize: number;
  op: MatrixOp;
  encoding: Encoding;
  /** Measured window of each run. */
  durationMs: number;
  /** Unmeasured requests before each window. */
  warmupMs: number;
  /** Measured requests per run (ends a run early); null: no limit. */
  requests: number | null;
  /** Closed loop: requests in flight over all clients. */
  concurrency: number;
  /** Open loop (coordinated-omission aware) when set: requests per second over all clients. */
  ratePerSec: number | null;
  workers: number;
  /** Requests each worker process serves at once. */
  capacity: number;
  clients: number;
  /** Interleaved rounds per arm. */
  rounds: number;
  /** Run the forwarder and direct baselines next to domo. */
  baselines: boolean;
  timeoutMs: number;
  fullSuite: boolean;
  /** Full suite: only scenarios whose id starts with one of these. */
  scenarios: string[] | null;
  /** Full suite: requests of the RSS soak run. */
  soakRequests: number;
  /** Full suite: extra workers (one service each) of the scale run. */
  scaleWorkers: number;
  /** Where to write the results JSON (the HTML report goes next to it); null: not saved. */
  savePath: string | null;
  comparePath: string | null;
  /** Write a CPU profile of each broker process into this folder (node --cpu-prof). */
  profileBrokerDir: string | null;
  /** Run the broker with its metrics listener, as `domo broker` does by default. */
  brokerMetrics: boolean;
  /** Show the progress bar (only on a terminal). */
  progress: boolean;
}

/** Defaults of the single-scenario run (the full suite sets its own loads). */
export const BENCH_DEFAULTS = {
  workload: Workload.MATRIX,
  echoPayloadBytes: 100,
  matrixElements: 1000,
  /**
   * `add` is O(elements): the figures then measure moving the matrices through the system rather than
   * JavaScript arithmetic (a 316 x 316 multiply alone is tens of ms of compute). --op multiply for that.
   */
  op: "add" as MatrixOp,
  encoding: Encoding.BINARY,
  durationMs: 5_000,
  warmupMs: 1_000,
  concurrency: 4,
  workers: 2,
  capacity: 1,
  clients: 2,
  rounds: 3,
  timeoutMs: 10_000,
  soakRequests: 1_000_000,
  scaleWorkers: 1_000,
} as const;

/** Longest window when only --requests bounds a run. */
export const UNBOUNDED_DURATION_MS = 3_600_000;

/** Parse "5" (seconds), "500ms", "5s", "2m" into milliseconds. */
export function parseDuration(option: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new BenchArgumentError(option, `expected a duration such as 5, 5s, 500ms or 2m, got ${JSON.stringify(value)}`);
  const n = Number(match[1]);
  const ms = match[2] === "ms" ? n : match[2] === "m" ? n * 60_000 : n * 1000;
  if (ms <= 0) throw new BenchArgumentError(option, "must be more than 0");
  return Math.round(ms);
}

/** Parse a whole number >= `min`. */
export function parseWhole(option: string, value: string, min = 1): number {
  const n = Number(value.replace(/_/g, ""));
  if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new BenchArgumentError(option, `expected a whole number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parse a positive number. */
export function parsePositive(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new BenchArgumentError(option, `expected a number > 0, got ${JSON.stringify(value)}`);
  return n;
}

/** Check a matrix operation name. */
export function parseOp(value: string): MatrixOp {
  if (!isMatrixOp(value)) throw new BenchArgumentError("--op", `unknown matrix operation ${JSON.stringify(value)}`);
  return value;
}

/** Cross-option rules. Throws on the first problem. */
export function validateOptions(options: BenchOptions): BenchOptions {
  if (!options.fullSuite && options.ratePerSec === null && options.concurrency < options.clients) {
    throw new BenchArgumentError("--concurrency", `must be at least --clients (${options.clients}), so every client has a request in flight`);
  }
  if (options.scenarios !== null && !options.fullSuite) throw new BenchArgumentError("--scenarios", "only applies with --full-suite");
  return options;
}
