/**
 * Why a worker or a request left a registry. Every removal carries one: it shows in the log line,
 * the event and the counters.
 * @packageDocumentation
 */

/** Why a worker was removed. */
export const WorkerRemovalReason = {
  /** Silent for liveness x interval. */
  EXPIRED: "expired",
  /** The worker sent DISCONNECT. */
  DISCONNECTED: "disconnected",
  /** The worker broke the protocol and was sent DISCONNECT. */
  PROTOCOL_VIOLATION: "protocol-violation",
  /** It held one request longer than the service's maxServiceMs. */
  SERVICE_TIMEOUT: "service-timeout",
  /** The socket could no longer route to it (peer gone). */
  UNREACHABLE: "unreachable",
  /** The broker is shutting down. */
  SHUTDOWN: "shutdown",
} as const;
/** One of the worker removal reasons. */
export type WorkerRemovalReason = (typeof WorkerRemovalReason)[keyof typeof WorkerRemovalReason];

/** How a request left the broker. */
export const RequestOutcome = {
  /** A worker's reply was forwarded to the client. */
  REPLIED: "replied",
  /** Waited in a queue past the queue timeout or its deadline. */
  EXPIRED: "expired",
  /** Refused on arrival: queue bounds, or the broker is draining. */
  REJECTED: "rejected",
  /** Its worker died and it could not be run again. */
  FAILED: "failed",
  /** Answered by the broker itself (mmi.*). */
  INTERNAL: "internal",
} as const;
/** One of the request outcomes. */
export type RequestOutcome = (typeof RequestOutcome)[keyof typeof RequestOutcome];
