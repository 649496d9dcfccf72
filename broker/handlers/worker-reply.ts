/**
 * Worker REPLY: forward to the envelope the broker recorded for this worker's request, then give the
 * worker its next request. The address frame the worker sent back is never used for routing.
 * @packageDocumentation
 */
import { encodeClientReply } from "../../protocol/encode.js";
import type { WorkerReply } from "../../protocol/messages.js";
import type { BrokerContext } from "../context.js";
import { finishRequest, workerFree } from "../request-lifecycle.js";
import { RequestOutcome, WorkerRemovalReason } from "../removal-reason.js";
import { removeWorker, sendDisconnect } from "../worker-lifecycle.js";
import { refreshLiveness } from "./worker-heartbeat.js";

/** Handle REPLY. */
export function handleWorkerReply(ctx: BrokerContext, message: WorkerReply, senderHex: string): void {
  const worker = ctx.workers.get(senderHex);
  if (!worker) {
    sendDisconnect(ctx, message.sender, "unknown-worker");
    return;
  }
  const request = worker.current;
  if (!request) {
    // Stricter than the reference broker, which would list the worker as idle twice.
    ctx.peerWarnings.warn(senderHex, "reply-while-idle", { worker: senderHex }, "worker sent REPLY with no request assigned");
    removeWorker(ctx, worker, WorkerRemovalReason.PROTOCOL_VIOLATION, "reply-while-idle");
    return;
  }
  refreshLiveness(ctx, worker);
  ctx.send(encodeClientReply(request.envelope, request.serviceFrame, message.body), true);
  finishRequest(ctx, request, RequestOutcome.REPLIED);
  workerFree(ctx, worker);
}
