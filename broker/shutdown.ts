/**
 * Ending the broker's work: stop taking requests (drain), then DISCONNECT every worker and end every
 * request still held with DOMO_DRAINING, so nothing is dropped without a reason.
 * @packageDocumentation
 */
import { BrokerErrorCode } from "../protocol/error-reply.js";
import type { BrokerContext } from "./context.js";
import { finishRequest, unqueue } from "./request-lifecycle.js";
import { RequestOutcome, WorkerRemovalReason } from "./removal-reason.js";
import { removeWorker } from "./worker-lifecycle.js";

/** Refuse new requests from now on; queued and in-flight ones carry on. */
export function beginDrain(ctx: BrokerContext): void {
  if (ctx.status !== "running") return;
  ctx.status = "draining";
  ctx.log.info({ held: ctx.requests.heldCount }, "draining: new requests are refused");
  ctx.events.emit("draining");
}

/** DISCONNECT every worker and fail every held request. */
export function endAllWork(ctx: BrokerContext): void {
  ctx.status = "closed";
  const message = "the broker shut down before the request completed";
  for (const worker of [...ctx.workers.values()]) {
    const held = worker.current;
    removeWorker(ctx, worker, WorkerRemovalReason.SHUTDOWN, "shutdown");
    if (held) finishRequest(ctx, held, RequestOutcome.FAILED, BrokerErrorCode.DRAINING, message);
  }
  for (const service of [...ctx.services.values()]) {
    for (const request of [...service.queue]) {
      unqueue(ctx, service, request);
      finishRequest(ctx, request, RequestOutcome.FAILED, BrokerErrorCode.DRAINING, message);
    }
    ctx.services.releaseIfUnused(service);
  }
}
