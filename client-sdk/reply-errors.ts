/**
 * Error replies (`domo-error/1`, docs/protocol.md §7) to typed client errors: the broker's `DOMO_*`
 * codes each map to the error class that says what happened; anything else came from the worker.
 * @packageDocumentation
 */
import { BrokerErrorCode, type ErrorReply } from "../protocol/error-reply.js";
import {
  BrokerUnavailableError,
  OverloadedError,
  RemoteError,
  ServiceUnavailableError,
  TimeoutError,
  WorkerLostError,
  type ClientError,
} from "./errors.js";

/** The request an error reply answered. */
export interface ErrorReplyContext {
  readonly endpoint: string;
  readonly service: string;
  /** Times the request was sent so far. */
  readonly attempts: number;
  readonly timeoutMs: number;
}

/** The client error for an error reply. */
export function errorFromReply(error: ErrorReply, context: ErrorReplyContext): ClientError {
  const target = { endpoint: context.endpoint, service: context.service };
  switch (error.code) {
    case BrokerErrorCode.SERVICE_UNAVAILABLE:
      return new ServiceUnavailableError({ ...target, detail: error.message, remoteCode: error.code });
    case BrokerErrorCode.DEADLINE_EXCEEDED:
      return new TimeoutError({
        ...target,
        attempts: context.attempts,
        timeoutMs: context.timeoutMs,
        remoteCode: error.code,
        detail:
          `broker at ${context.endpoint} ended the request to service "${context.service}" at its deadline after ` +
          `${context.attempts} attempt(s): ${error.message} (raise timeoutMs or retries)`,
      });
    case BrokerErrorCode.OVERLOADED:
      return new OverloadedError({ service: context.service, detail: error.message, remoteCode: error.code });
    case BrokerErrorCode.DRAINING:
      return new BrokerUnavailableError({ ...target, reason: error.message, remoteCode: error.code });
    case BrokerErrorCode.WORKER_LOST:
      return new WorkerLostError({ service: context.service, detail: error.message, remoteCode: error.code });
    default:
      return new RemoteError({
        service: context.service,
        remoteCode: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      });
  }
}
