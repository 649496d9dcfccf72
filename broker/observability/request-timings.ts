/**
 * Which timings of a finished request feed the latency views (Prometheus histograms and the status
 * page alike), so both tell the same story.
 * @packageDocumentation
 */
import type { RequestDoneEvent } from "../events.js";
import { RequestOutcome } from "../removal-reason.js";

/** The timings of one request worth recording; a field is absent when it would mislead. */
export interface RequestTimings {
  /** Time spent queued: for replied and failed requests, and for expired ones (how long they waited in vain). */
  queueWaitMs?: number;
  /** Time a worker spent on it: replied requests only, so a dead worker's timeout does not pose as latency. */
  serviceMs?: number;
}

/** Pick the timings of `event` (rejected and broker-answered requests were never queued: none). */
export function timingsOf(event: RequestDoneEvent): RequestTimings {
  switch (event.outcome) {
    case RequestOutcome.REPLIED:
      return { queueWaitMs: event.queueWaitMs, serviceMs: event.serviceMs };
    case RequestOutcome.FAILED:
    case RequestOutcome.EXPIRED:
      return { queueWaitMs: event.queueWaitMs };
    case RequestOutcome.REJECTED:
    case RequestOutcome.INTERNAL:
      return {};
  }
}
