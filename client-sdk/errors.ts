/**
 * Errors of the client SDK: one class per way a request can end without an answer, each with a stable
 * `code` (listed in docs/client-sdk.md) and `name`. Tests and callers branch on `code`, never on text.
 * @packageDocumentation
 */

/** Stable codes of every client error. */
export const ClientErrorCode = {
  TIMEOUT: "MDP_ERR_TIMEOUT",
  CLOSED: "MDP_ERR_CLOSED",
  ABORTED: "MDP_ERR_ABORTED",
  BROKER_UNAVAILABLE: "MDP_ERR_BROKER_UNAVAILABLE",
  SERVICE_UNAVAILABLE: "MDP_ERR_SERVICE_UNAVAILABLE",
  OVERLOADED: "MDP_ERR_OVERLOADED",
  WORKER_LOST: "MDP_ERR_WORKER_LOST",
  REMOTE: "MDP_ERR_REMOTE",
  INVALID_ARGUMENT: "MDP_ERR_INVALID_ARGUMENT",
  INVALID_REPLY: "MDP_ERR_INVALID_REPLY",
} as const;
/** One of the client error codes. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Base of every error the client SDK raises. */
export abstract class ClientError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: ClientErrorCode;
}

/** Where a request was going, carried by the errors that concern one request. */
export interface RequestTarget {
  /** The broker endpoint the client is connected to. */
  readonly endpoint: string;
  /** The service the request named. */
  readonly service: string;
}

/**
 * No reply arrived within the per-attempt timeout after every retry, or the broker reported that the
 * request's deadline passed (`remoteCode` is then `DOMO_DEADLINE_EXCEEDED`).
 */
export class TimeoutError extends ClientError {
  override readonly name = "TimeoutError";
  readonly code = ClientErrorCode.TIMEOUT;
  readonly endpoint: string;
  readonly service: string;
  /** How many times the request was sent. */
  readonly attempts: number;
  /** The per-attempt timeout that applied. */
  readonly timeoutMs: number;
  /** Set when the broker, not the client's timer, ended the request. */
  readonly remoteCode?: string;

  constructor(
    target: RequestTarget & { attempts: number; timeoutMs: number; remoteCode?: string; detail?: string },
    options?: ErrorOptions,
  ) {
    super(
      target.detail ??
        `no reply from service "${target.service}" at ${target.endpoint} after ${target.attempts} attempt(s) of ` +
          `${target.timeoutMs} ms (raise timeoutMs or retries)`,
      options,
    );
    this.endpoint = target.endpoint;
    this.service = target.service;
    this.attempts = target.attempts;
    this.timeoutMs = target.timeoutMs;
    if (target.remoteCode !== undefined) this.remoteCode = target.remoteCode;
  }
}

/** The client was closed before the request ended, or a request was made on a closed client. */
export class ClosedError extends ClientError {
  override readonly name = "ClosedError";
  readonly code = ClientErrorCode.CLOSED;
  constructor(message = "the client is closed", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class AbortError extends ClientError {
  override readonly name = "AbortError";
  readonly code = ClientErrorCode.ABORTED;
  readonly service: string;
  constructor(service: string, options?: ErrorOptions) {
    super(`request to service "${service}" was aborted by its signal`, options);
    this.service = service;
  }
}

/**
 * The broker cannot be reached or will not take requests: Paranoid Pirate liveness declared it lost
 * (non-idempotent requests then fail fast), it stayed unreachable for the request's whole budget, or it
 * is shutting down (`remoteCode` `DOMO_DRAINING`).
 */
export class BrokerUnavailableError extends ClientError {
  override readonly name = "BrokerUnavailableError";
  readonly code = ClientErrorCode.BROKER_UNAVAILABLE;
  readonly endpoint: string;
  readonly service: string;
  /** Set when the broker said so in an error reply. */
  readonly remoteCode?: string;
  constructor(target: RequestTarget & { reason: string; remoteCode?: string }, options?: ErrorOptions) {
    super(`broker at ${target.endpoint} unavailable for service "${target.service}": ${target.reason}`, options);
    this.endpoint = target.endpoint;
    this.service = target.service;
    if (target.remoteCode !== undefined) this.remoteCode = target.remoteCode;
  }
}

/** No worker serves the service: the broker's `DOMO_SERVICE_UNAVAILABLE`, or an MMI `404`. */
export class ServiceUnavailableError extends ClientError {
  override readonly name = "ServiceUnavailableError";
  readonly code = ClientErrorCode.SERVICE_UNAVAILABLE;
  readonly endpoint: string;
  readonly service: string;
  readonly remoteCode?: string;
  constructor(target: RequestTarget & { detail: string; remoteCode?: string }, options?: ErrorOptions) {
    super(`service "${target.service}" unavailable at ${target.endpoint}: ${target.detail}`, options);
    this.endpoint = target.endpoint;
    this.service = target.service;
    if (target.remoteCode !== undefined) this.remoteCode = target.remoteCode;
  }
}

/**
 * A queue is full: the broker's (`remoteCode` `DOMO_OVERLOADED`) or this client's own bound on pending
 * requests (`maxPending`, no `remoteCode`).
 */
export class OverloadedError extends ClientError {
  override readonly name = "OverloadedError";
  readonly code = ClientErrorCode.OVERLOADED;
  readonly service: string;
  readonly remoteCode?: string;
  constructor(target: { service: string; detail: string; remoteCode?: string }, options?: ErrorOptions) {
    super(`request to service "${target.service}" refused: ${target.detail}`, options);
    this.service = target.service;
    if (target.remoteCode !== undefined) this.remoteCode = target.remoteCode;
  }
}

/** The worker holding the request died and the broker would not run it again (`DOMO_WORKER_LOST`). */
export class WorkerLostError extends ClientError {
  override readonly name = "WorkerLostError";
  readonly code = ClientErrorCode.WORKER_LOST;
  readonly service: string;
  readonly remoteCode: string;
  constructor(target: { service: string; detail: string; remoteCode: string }, options?: ErrorOptions) {
    super(`worker for service "${target.service}" was lost: ${target.detail}`, options);
    this.service = target.service;
    this.remoteCode = target.remoteCode;
  }
}

/** The worker answered with an error reply (`domo-error/1`): its code, message and details. */
export class RemoteError extends ClientError {
  override readonly name = "RemoteError";
  readonly code = ClientErrorCode.REMOTE;
  readonly service: string;
  /** The code the worker sent, e.g. `DOMO_HANDLER_ERROR` or `MATRIX_SINGULAR`. */
  readonly remoteCode: string;
  /** The worker's message, unchanged. */
  readonly remoteMessage: string;
  /** The worker's details (parsed JSON, or text when it was not JSON). */
  readonly details?: unknown;
  constructor(target: { service: string; remoteCode: string; message: string; details?: unknown }) {
    super(`service "${target.service}" failed with ${target.remoteCode}: ${target.message}`);
    this.service = target.service;
    this.remoteCode = target.remoteCode;
    this.remoteMessage = target.message;
    if (target.details !== undefined) this.details = target.details;
  }
}

/** The caller passed an option or argument the client cannot use; the message names it. */
export class InvalidArgumentError extends ClientError {
  override readonly name = "InvalidArgumentError";
  readonly code = ClientErrorCode.INVALID_ARGUMENT;
  /** The option or argument to change. */
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`${option} ${problem}`);
    this.option = option;
  }
}

/** A reply could not be read the way the caller asked (e.g. `requestJson` on a reply that is not JSON). */
export class InvalidReplyError extends ClientError {
  override readonly name = "InvalidReplyError";
  readonly code = ClientErrorCode.INVALID_REPLY;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** True when `err` is a client SDK error with the given code. */
export function isClientError<C extends ClientErrorCode>(err: unknown, code?: C): err is ClientError & { code: C } {
  return err instanceof ClientError && (code === undefined || err.code === code);
}
