/**
 * Worker options: their defaults and their validation. Validated once, in the constructor; a bad value
 * throws {@link InvalidArgumentError} naming the option.
 * @packageDocumentation
 */
import type { Logger } from "pino";
import { MMI_PREFIX, REFERENCE_HEARTBEAT_INTERVAL_MS, REFERENCE_HEARTBEAT_LIVENESS } from "../protocol/constants.js";
import { InvalidArgumentError } from "./errors.js";

/** Reconnect backoff after a dead broker: PPP's reference values (ppworker.c), 1 s doubling to 32 s. */
export const DEFAULT_RECONNECT_INITIAL_DELAY_MS = 1_000;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 32_000;
/** Each delay is drawn from [delay x (1 - ratio), delay]: a fleet of workers does not reconnect in step. */
export const DEFAULT_RECONNECT_JITTER_RATIO = 0.5;
/** How long `stop()` lets in-flight requests finish before it aborts them and disconnects anyway. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** How long a stopping worker's sockets may keep trying to deliver their last REPLY and DISCONNECT. */
export const DEFAULT_STOP_LINGER_MS = 1_000;

/** Options of a {@link Worker}. Only `service` and `broker` are required. */
export interface WorkerOptions {
  /** Service name the worker registers (READY). Must not be empty or start with `mmi.` (8/MMI reserves it). */
  readonly service: string;
  /** Broker endpoint to connect to, e.g. `tcp://127.0.0.1:5555`. */
  readonly broker: string;
  /** Requests served at once; each slot is its own MDP connection (DEALER). Default 1. */
  readonly capacity?: number;
  /** Heartbeat interval; must match the broker's. Default 2500 (the MDP reference value). */
  readonly heartbeatIntervalMs?: number;
  /** Silent intervals after which the broker is considered dead. Default 3 (the MDP reference value). */
  readonly heartbeatLiveness?: number;
  /** First reconnect delay after a dead broker. Default 1000. */
  readonly reconnectInitialDelayMs?: number;
  /** Cap of the doubling reconnect delay. Default 32000. */
  readonly reconnectMaxDelayMs?: number;
  /** Share of each delay that is random, 0..1 (0 = no jitter). Default 0.5. */
  readonly reconnectJitterRatio?: number;
  /** Default for `stop()`: how long in-flight requests may take to finish. Default 10000. */
  readonly drainTimeoutMs?: number;
  /** ZMQ linger of the sockets `stop()` closes, so the last REPLY and DISCONNECT leave. Default 1000. */
  readonly stopLingerMs?: number;
  /** A pino logger; the worker logs nothing without one. */
  readonly logger?: Logger;
}

/** Options with every default filled in. */
export interface ResolvedWorkerOptions {
  readonly service: string;
  readonly broker: string;
  readonly capacity: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatLiveness: number;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly reconnectJitterRatio: number;
  readonly drainTimeoutMs: number;
  readonly stopLingerMs: number;
}

const ENDPOINT = /^(tcp|ipc|inproc):\/\/.+$/;
/** A capacity beyond this is almost surely a typo; each slot is a socket. */
const MAX_CAPACITY = 1024;

function integer(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(name, `must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

/** Validate options and fill in defaults. Throws {@link InvalidArgumentError} naming the first bad option. */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options", "must be an object with at least service and broker");
  }
  const { service, broker } = options;
  if (typeof service !== "string" || service.length === 0) {
    throw new InvalidArgumentError("service", "must be a non-empty string");
  }
  if (service.startsWith(MMI_PREFIX)) {
    throw new InvalidArgumentError("service", `"${MMI_PREFIX}*" names are reserved for the broker (8/MMI)`);
  }
  if (Buffer.byteLength(service, "latin1") > 255 || /[^\x20-\x7e]/.test(service)) {
    throw new InvalidArgumentError("service", "must be 1..255 printable ASCII characters");
  }
  if (typeof broker !== "string" || !ENDPOINT.test(broker)) {
    throw new InvalidArgumentError("broker", `must be a ZeroMQ endpoint such as tcp://127.0.0.1:5555, got ${String(broker)}`);
  }
  const heartbeatIntervalMs = integer("heartbeatIntervalMs", options.heartbeatIntervalMs, REFERENCE_HEARTBEAT_INTERVAL_MS, 1);
  const reconnectInitialDelayMs = integer("reconnectInitialDelayMs", options.reconnectInitialDelayMs, DEFAULT_RECONNECT_INITIAL_DELAY_MS, 0);
  const reconnectMaxDelayMs = integer("reconnectMaxDelayMs", options.reconnectMaxDelayMs, DEFAULT_RECONNECT_MAX_DELAY_MS, 0);
  if (reconnectMaxDelayMs < reconnectInitialDelayMs) {
    throw new InvalidArgumentError(
      "reconnectMaxDelayMs",
      `must be at least reconnectInitialDelayMs (${reconnectInitialDelayMs}), got ${reconnectMaxDelayMs}`,
    );
  }
  const jitter = options.reconnectJitterRatio ?? DEFAULT_RECONNECT_JITTER_RATIO;
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) {
    throw new InvalidArgumentError("reconnectJitterRatio", `must be a number in 0..1, got ${String(jitter)}`);
  }
  return {
    service,
    broker,
    capacity: integer("capacity", options.capacity, 1, 1, MAX_CAPACITY),
    heartbeatIntervalMs,
    heartbeatLiveness: integer("heartbeatLiveness", options.heartbeatLiveness, REFERENCE_HEARTBEAT_LIVENESS, 1, 100),
    reconnectInitialDelayMs,
    reconnectMaxDelayMs,
    reconnectJitterRatio: jitter,
    drainTimeoutMs: integer("drainTimeoutMs", options.drainTimeoutMs, DEFAULT_DRAIN_TIMEOUT_MS, 0),
    stopLingerMs: integer("stopLingerMs", options.stopLingerMs, DEFAULT_STOP_LINGER_MS, 0),
  };
}
