/**
 * Client and request options: their types, named defaults and validation. Bad caller input throws
 * {@link InvalidArgumentError} at once, naming the option to change.
 * @packageDocumentation
 */
import type { Logger } from "pino";
import { REFERENCE_ENDPOINT, REFERENCE_HEARTBEAT_INTERVAL_MS, REFERENCE_HEARTBEAT_LIVENESS } from "../protocol/constants.js";
import { InvalidArgumentError } from "./errors.js";

/**
 * How requests are framed and correlated.
 * - `tagged`: each request carries a request tag envelope frame (docs/protocol.md §6); any number in flight.
 * - `plain`: no extra frame, one request in flight at a time, correlated by order and service; for brokers
 *   that pop exactly one address frame (mdbroker.c, mdbroker.py).
 */
export const EnvelopeMode = {
  TAGGED: "tagged",
  PLAIN: "plain",
} as const;
/** One of the envelope modes. */
export type EnvelopeMode = (typeof EnvelopeMode)[keyof typeof EnvelopeMode];

/** Paranoid Pirate settings: the broker is declared lost after `heartbeatLiveness` silent intervals. */
export interface HeartbeatOptions {
  /** Interval of ZMTP heartbeats and MMI liveness probes. */
  readonly heartbeatIntervalMs: number;
  /** Silent intervals before the broker is declared lost. */
  readonly heartbeatLiveness: number;
}

/** Exponential backoff between Lazy Pirate retries: `initialDelayMs × multiplier^n`, capped. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  /** Pick each delay at random in [delay/2, delay] so many clients do not retry in step. */
  readonly jitter: boolean;
}

/** Options of a {@link Client}. Every field is optional; the defaults are below. */
export interface ClientOptions {
  /** Broker endpoint to connect to. Default `tcp://127.0.0.1:5555`. */
  readonly endpoint?: string;
  /** Default per-attempt timeout. Default 2500 ms (the reference REQUEST_TIMEOUT). */
  readonly timeoutMs?: number;
  /** Default number of re-sends after the first attempt times out. Default 3. */
  readonly retries?: number;
  /** Backoff between retries. */
  readonly backoff?: Partial<BackoffOptions>;
  /**
   * Lazy Pirate: replace the socket after this many attempts in a row timed out with nothing received in
   * between. Default 2. Ignored in `plain` mode (every timeout replaces the socket there) and when
   * `heartbeat` is set (liveness decides).
   */
  readonly resetAfterTimeouts?: number;
  /** Turns on Paranoid Pirate broker liveness. */
  readonly heartbeat?: HeartbeatOptions;
  /** Framing. Default `tagged`. */
  readonly envelope?: EnvelopeMode;
  /** Default for {@link RequestOptions.idempotent}. Default true (RFC 7 assumes idempotent services). */
  readonly idempotent?: boolean;
  /** Most requests pending at once; more are refused with OverloadedError. Default 100000. */
  readonly maxPending?: number;
  /** pino logger; lines carry `requestId`. Default: silent. */
  readonly logger?: Logger;
}

/** Options of one request; unset fields come from the client. */
export interface RequestOptions {
  /** Per-attempt timeout. */
  readonly timeoutMs?: number;
  /** Re-sends after the first attempt. */
  readonly retries?: number;
  /** Abort the request; it rejects with AbortError whose `cause` is the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Whether running the request twice is harmless. Non-idempotent requests are never re-sent on a new
   * connection or after the broker was lost (they fail with BrokerUnavailableError instead), and the
   * broker is told not to re-run them when a worker dies.
   */
  readonly idempotent?: boolean;
}

/** Default per-attempt timeout (reference lpclient REQUEST_TIMEOUT). */
export const DEFAULT_TIMEOUT_MS = 2500;
/** Default retries after the first attempt. */
export const DEFAULT_RETRIES = 3;
/** Default Lazy Pirate socket reset threshold. */
export const DEFAULT_RESET_AFTER_TIMEOUTS = 2;
/** Default bound on pending requests. */
export const DEFAULT_MAX_PENDING = 100_000;
/** Default backoff: 100 ms doubling to 2 s, with jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 2000, multiplier: 2, jitter: true };
/** Reference heartbeat settings (2500 ms × 3), used by paranoidPirateRequest when none are given. */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = {
  heartbeatIntervalMs: REFERENCE_HEARTBEAT_INTERVAL_MS,
  heartbeatLiveness: REFERENCE_HEARTBEAT_LIVENESS,
};
/** Longest timeout accepted: a 32-bit timer limit (setTimeout clamps larger values to 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** Client options with every default applied. */
export interface ResolvedClientOptions {
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoff: BackoffOptions;
  readonly resetAfterTimeouts: number;
  readonly heartbeat: HeartbeatOptions | undefined;
  readonly envelope: EnvelopeMode;
  readonly idempotent: boolean;
  readonly maxPending: number;
  readonly logger: Logger | undefined;
}

/** Throw unless `value` is an integer in [min, max]. */
export function checkInteger(option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(option, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function checkTimeout(option: string, value: unknown): number {
  return checkInteger(option, value, 1, MAX_TIMER_MS);
}

function resolveBackoff(input: Partial<BackoffOptions> | undefined): BackoffOptions {
  const backoff = { ...DEFAULT_BACKOFF, ...input };
  checkInteger("backoff.initialDelayMs", backoff.initialDelayMs, 0, MAX_TIMER_MS);
  checkInteger("backoff.maxDelayMs", backoff.maxDelayMs, backoff.initialDelayMs, MAX_TIMER_MS);
  if (typeof backoff.multiplier !== "number" || !(backoff.multiplier >= 1) || !Number.isFinite(backoff.multiplier)) {
    throw new InvalidArgumentError("backoff.multiplier", `must be a finite number >= 1, got ${String(backoff.multiplier)}`);
  }
  if (typeof backoff.jitter !== "boolean") {
    throw new InvalidArgumentError("backoff.jitter", "must be true or false");
  }
  return backoff;
}

/** Validate heartbeat settings (shared with paranoidPirateRequest). */
export function resolveHeartbeat(input: HeartbeatOptions): HeartbeatOptions {
  if (typeof input !== "object" || input === null) {
    throw new InvalidArgumentError("heartbeat", "must be { heartbeatIntervalMs, heartbeatLiveness }");
  }
  return {
    // ZMTP heartbeat TTLs travel in deciseconds: below 100 ms they would round to "no timeout".
    heartbeatIntervalMs: checkInteger("heartbeat.heartbeatIntervalMs", input.heartbeatIntervalMs, 10, 6_553_500),
    heartbeatLiveness: checkInteger("heartbeat.heartbeatLiveness", input.heartbeatLiveness, 1, 1000),
  };
}

/** Apply defaults and validate; throws InvalidArgumentError naming the bad option. */
export function resolveClientOptions(options: ClientOptions = {}): ResolvedClientOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options", "must be an object");
  }
  const endpoint = options.endpoint ?? REFERENCE_ENDPOINT;
  if (typeof endpoint !== "string" || !/^[a-z]+:\/\/./.test(endpoint)) {
    throw new InvalidArgumentError("endpoint", `must be a ZeroMQ endpoint such as tcp://127.0.0.1:5555, got ${String(endpoint)}`);
  }
  const envelope = options.envelope ?? EnvelopeMode.TAGGED;
  if (envelope !== EnvelopeMode.TAGGED && envelope !== EnvelopeMode.PLAIN) {
    throw new InvalidArgumentError("envelope", `must be "tagged" or "plain", got ${String(envelope)}`);
  }
  const idempotent = options.idempotent ?? true;
  if (typeof idempotent !== "boolean") throw new InvalidArgumentError("idempotent", "must be true or false");
  return {
    endpoint,
    timeoutMs: checkTimeout("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    retries: checkInteger("retries", options.retries ?? DEFAULT_RETRIES, 0, 1000),
    backoff: resolveBackoff(options.backoff),
    resetAfterTimeouts: checkInteger("resetAfterTimeouts", options.resetAfterTimeouts ?? DEFAULT_RESET_AFTER_TIMEOUTS, 1),
    heartbeat: options.heartbeat === undefined ? undefined : resolveHeartbeat(options.heartbeat),
    envelope,
    idempotent,
    maxPending: checkInteger("maxPending", options.maxPending ?? DEFAULT_MAX_PENDING, 1),
    logger: options.logger,
  };
}

/** Per-request settings after defaults. */
export interface ResolvedRequestOptions {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly idempotent: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Merge request options over the client's; throws InvalidArgumentError on bad values. */
export function resolveRequestOptions(client: ResolvedClientOptions, options: RequestOptions = {}): ResolvedRequestOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("request options", "must be an object");
  }
  const idempotent = options.idempotent ?? client.idempotent;
  if (typeof idempotent !== "boolean") throw new InvalidArgumentError("idempotent", "must be true or false");
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError("signal", "must be an AbortSignal");
  }
  return {
    timeoutMs: options.timeoutMs === undefined ? client.timeoutMs : checkTimeout("timeoutMs", options.timeoutMs),
    retries: options.retries === undefined ? client.retries : checkInteger("retries", options.retries, 0, 1000),
    idempotent,
    signal,
  };
}
