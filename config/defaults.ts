/**
 * Built-in defaults: the broker runs on these with no config file at all. Units are in the names.
 * @packageDocumentation
 */
import {
  REFERENCE_ENDPOINT,
  REFERENCE_HEARTBEAT_INTERVAL_MS,
  REFERENCE_HEARTBEAT_LIVENESS,
} from "../protocol/constants.js";

/** Default bind list: the reference endpoint, restricted to loopback so a fresh install is not exposed. */
export const DEFAULT_BIND = [REFERENCE_ENDPOINT] as const;

/** Heartbeats: the reference values every MDP worker (mdwrkapi) expects. They must match on both sides. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = REFERENCE_HEARTBEAT_INTERVAL_MS;
export const DEFAULT_HEARTBEAT_LIVENESS = REFERENCE_HEARTBEAT_LIVENESS;

/** How long a request may wait in a queue for a worker before it expires (RFC 7 SHOULD expire). */
export const DEFAULT_QUEUE_TIMEOUT_MS = 30_000;
/** Queue bounds: past these a request is rejected at once with DOMO_OVERLOADED. */
export const DEFAULT_MAX_QUEUED_PER_SERVICE = 10_000;
export const DEFAULT_MAX_QUEUED_TOTAL = 100_000;
/** 256 MiB of queued request bodies across all services. */
export const DEFAULT_MAX_QUEUED_BYTES = 256 * 1024 * 1024;
/** A warning is logged when a queue passes this share of its bound. */
export const DEFAULT_QUEUE_SOFT_LIMIT_RATIO = 0.8;

/** A request is dispatched at most this many times when workers die holding it. */
export const DEFAULT_MAX_ATTEMPTS = 2;
/** No limit on how long a worker may hold a request: long jobs are legitimate while it heartbeats. */
export const DEFAULT_MAX_SERVICE_MS = 0;

/** Largest message the broker socket accepts (ZMQ_MAXMSGSIZE); bigger ones are dropped by libzmq. 64 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** ZMQ high-water marks, in messages, per peer. */
export const DEFAULT_SEND_HIGH_WATER_MARK = 10_000;
export const DEFAULT_RECEIVE_HIGH_WATER_MARK = 10_000;
/** Messages the broker's single writer may hold before it drops (and counts) new ones. */
export const DEFAULT_WRITER_QUEUE_LIMIT = 100_000;
/** How long close() lets queued DISCONNECTs and replies leave before the socket is dropped. */
export const DEFAULT_LINGER_MS = 1_000;
/** SIGTERM drain: how long in-flight requests may take to finish before the broker stops anyway. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** Metrics/health HTTP listener. */
export const DEFAULT_METRICS_LISTEN = "127.0.0.1:9555";
