/**
 * The one error-reply form of domo (docs/protocol.md, "Extension 2"): an ordinary MDP REPLY whose body is
 * ```
 * [ "domo-error/1" ][ code ][ message ][ details JSON ]?
 * ```
 * Workers send it when a handler fails (every client receives it: it is readable text for plain
 * clients); the broker sends it only to clients whose request tag opted in to error replies.
 * @packageDocumentation
 */

/** First body frame of an error reply; the suffix is the form's version. */
export const ERROR_REPLY_MARKER = "domo-error/1";
const MARKER_FRAME = Buffer.from(ERROR_REPLY_MARKER, "latin1");

/** Codes of the errors the broker itself produces. Listed in docs/errors.md. */
export const BrokerErrorCode = {
  /** The request waited for a worker of its service longer than allowed, and none was registered. */
  SERVICE_UNAVAILABLE: "DOMO_SERVICE_UNAVAILABLE",
  /** The request's deadline (or the broker's queue timeout) passed before a worker took it. */
  DEADLINE_EXCEEDED: "DOMO_DEADLINE_EXCEEDED",
  /** The service or broker queue is full. */
  OVERLOADED: "DOMO_OVERLOADED",
  /** The worker holding the request died and the request could not be run again. */
  WORKER_LOST: "DOMO_WORKER_LOST",
  /** The worker's reply was larger than the broker's transport.maxMessageBytes; re-running would not help. */
  REPLY_TOO_LARGE: "DOMO_REPLY_TOO_LARGE",
  /** The broker is shutting down and takes no new requests. */
  DRAINING: "DOMO_DRAINING",
} as const;
/** One of the broker's error codes. */
export type BrokerErrorCode = (typeof BrokerErrorCode)[keyof typeof BrokerErrorCode];

/** Code a worker SDK uses when a handler throws without a code of its own. */
export const HANDLER_ERROR_CODE = "DOMO_HANDLER_ERROR";

/** A decoded error reply. */
export interface ErrorReply {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** Build the body frames of an error reply. */
export function encodeErrorReply(error: ErrorReply): Buffer[] {
  const frames = [MARKER_FRAME, Buffer.from(error.code, "utf8"), Buffer.from(error.message, "utf8")];
  if (error.details !== undefined) frames.push(Buffer.from(JSON.stringify(error.details), "utf8"));
  return frames;
}

/** Read a reply body as an error reply; `undefined` when it is an ordinary reply. */
export function decodeErrorReply(body: readonly Buffer[]): ErrorReply | undefined {
  const [marker, code, message, details] = body;
  if (marker === undefined || code === undefined || message === undefined || !marker.equals(MARKER_FRAME)) {
    return undefined;
  }
  if (body.length > 4) return undefined;
  const base = { code: code.toString("utf8"), message: message.toString("utf8") };
  if (details === undefined) return base;
  try {
    return { ...base, details: JSON.parse(details.toString("utf8")) as unknown };
  } catch {
    // A details frame that is not JSON is kept as text rather than losing the error.
    return { ...base, details: details.toString("utf8") };
  }
}
