/**
 * Errors of the worker SDK. One class per failure kind, each with a stable `code` (listed in
 * docs/worker-sdk.md) and a message that names the option or call to change.
 * @packageDocumentation
 */

/** Stable codes of the errors the worker SDK throws or produces. */
export const WorkerErrorCode = {
  /** An option or argument is invalid; the message names it. */
  INVALID_ARGUMENT: "DOMO_WORKER_INVALID_ARGUMENT",
  /** A call that needs a running worker was made after `stop()`. */
  STOPPED: "DOMO_WORKER_STOPPED",
  /** The worker was used in two serving modes at once (`handle()` and `for await`), or `handle()` twice. */
  USAGE: "DOMO_WORKER_USAGE",
  /** `reply()` or `fail()` was called on a request that was already answered. */
  ALREADY_REPLIED: "DOMO_WORKER_ALREADY_REPLIED",
  /** The connection a request came on was lost before it was answered; the answer cannot be delivered. */
  CONNECTION_LOST: "DOMO_WORKER_CONNECTION_LOST",
  /** A thread pool task was given to a pool that is closed. */
  POOL_CLOSED: "DOMO_THREAD_POOL_CLOSED",
  /** The thread running a task exited or crashed before it answered. */
  THREAD_CRASHED: "DOMO_THREAD_CRASHED",
} as const;
/** One of the worker SDK's error codes. */
export type WorkerErrorCode = (typeof WorkerErrorCode)[keyof typeof WorkerErrorCode];

/** Caller misuse: a bad option or argument. Thrown at once, synchronously. */
export class InvalidArgumentError extends Error {
  override readonly name = "InvalidArgumentError";
  readonly code = WorkerErrorCode.INVALID_ARGUMENT;
  /** Option or argument at fault, e.g. `"capacity"`. */
  readonly property: string;

  constructor(property: string, message: string, options?: ErrorOptions) {
    super(`${property}: ${message}`, options);
    this.property = property;
  }
}

/** The worker is stopping or stopped. */
export class WorkerStoppedError extends Error {
  override readonly name = "WorkerStoppedError";
  readonly code = WorkerErrorCode.STOPPED;
}

/** The connection a request arrived on was lost: its answer can no longer be delivered. */
export class ConnectionLostError extends Error {
  override readonly name = "ConnectionLostError";
  readonly code = WorkerErrorCode.CONNECTION_LOST;
}

/** The worker was used in a way its serving modes do not allow. */
export class WorkerUsageError extends Error {
  override readonly name = "WorkerUsageError";
  readonly code = WorkerErrorCode.USAGE;
}

/** A request was answered twice. */
export class AlreadyRepliedError extends Error {
  override readonly name = "AlreadyRepliedError";
  readonly code = WorkerErrorCode.ALREADY_REPLIED;
}

/** A task was given to a closed thread pool. */
export class ThreadPoolClosedError extends Error {
  override readonly name = "ThreadPoolClosedError";
  readonly code = WorkerErrorCode.POOL_CLOSED;
}

/** A pool thread exited or crashed while it held a task. */
export class ThreadCrashedError extends Error {
  override readonly name = "ThreadCrashedError";
  readonly code = WorkerErrorCode.THREAD_CRASHED;
}

/**
 * Throw this from a handler to answer with your own error code: the client receives an error reply
 * (`domo-error/1`) with `code`, `message` and, when given, `details` (any JSON value).
 *
 * Any thrown error that has a string `code` property is treated the same way; one without a code is
 * answered as `DOMO_HANDLER_ERROR`.
 *
 * @example
 * ```ts
 * worker.handle((req) => {
 *   if (req.body.length !== 2) throw new ServiceError("ECHO_BAD_BODY", "send exactly two frames", { got: req.body.length });
 *   return req.body;
 * });
 * ```
 */
export class ServiceError extends Error {
  override readonly name: string = "ServiceError";
  /** Stable code the client sees in the error reply. */
  readonly code: string;
  /** Optional JSON-serialisable detail sent with the error reply. */
  readonly details?: unknown;

  constructor(code: string, message: string, details?: unknown, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}
