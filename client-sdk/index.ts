/**
 * `domo/client`: call MDP/0.1 services by name. One {@link Client} per broker: any number of requests in
 * flight on one DEALER, Lazy Pirate retries, optional Paranoid Pirate broker liveness, typed errors.
 * @packageDocumentation
 */
export { Client, type BrokerState, type ClientEvents, type ClientStats } from "./client.js";
export {
  EnvelopeMode,
  DEFAULT_BACKOFF,
  DEFAULT_HEARTBEAT,
  DEFAULT_MAX_PENDING,
  DEFAULT_RESET_AFTER_TIMEOUTS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type BackoffOptions,
  type ClientOptions,
  type HeartbeatOptions,
  type RequestOptions,
} from "./options.js";
export { replyJson, replyText, type BodyFrame, type RequestBody } from "./body.js";
export {
  AbortError,
  BrokerUnavailableError,
  ClientError,
  ClientErrorCode,
  ClosedError,
  InvalidArgumentError,
  InvalidReplyError,
  isClientError,
  OverloadedError,
  RemoteError,
  ServiceUnavailableError,
  TimeoutError,
  WorkerLostError,
  type RequestTarget,
} from "./errors.js";
export { DEFAULT_PIRATE_SERVICE, lazyPirateRequest, paranoidPirateRequest, type PirateRequestOptions } from "./pirate.js";
