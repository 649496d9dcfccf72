/**
 * `domo/worker`: serve an MDP/0.1 service from Node.js.
 *
 * A {@link Worker} registers one service with a broker over `capacity` plain MDP/0.1 connections,
 * heartbeats (also while handlers run), reconnects with backoff when the broker dies or restarts, and
 * answers handler failures with error replies. {@link ThreadPool} keeps CPU-bound work off the event loop
 * so heartbeats keep flowing. See docs/worker-sdk.md.
 * @packageDocumentation
 */
export { Worker, type RequestHandler, type StopOptions, type WorkerStats } from "./worker.js";
export type { WorkerRequest, ReplyBody, ReplyFrame } from "./request.js";
export {
  type WorkerOptions,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_RECONNECT_INITIAL_DELAY_MS,
  DEFAULT_RECONNECT_JITTER_RATIO,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  DEFAULT_STOP_LINGER_MS,
} from "./options.js";
export {
  DisconnectReason,
  WorkerErrorKind,
  type ConnectedEvent,
  type DisconnectedEvent,
  type RequestEvent,
  type WorkerErrorEvent,
  type WorkerEvents,
} from "./events.js";
export {
  WorkerErrorCode,
  AlreadyRepliedError,
  ConnectionLostError,
  InvalidArgumentError,
  ServiceError,
  ThreadCrashedError,
  ThreadPoolClosedError,
  WorkerStoppedError,
  WorkerUsageError,
} from "./errors.js";
export { ThreadPool, ThreadTaskError, type RunOptions, type ThreadPoolOptions, type ThreadPoolStats } from "./thread-pool.js";
export { serveThreadTasks, withTransfer, type Transferred } from "./thread-task.js";
export { Backoff, type BackoffOptions } from "./backoff.js";
