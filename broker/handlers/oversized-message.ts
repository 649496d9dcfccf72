/**
 * Messages larger than `transport.maxMessageBytes` in total. libzmq's ZMQ_MAXMSGSIZE bounds each
 * frame, not the message: a peer can send many frames that each pass it. Such a message is dropped
 * before it is decoded, so it never enters a queue, and counted like a malformed one; a registered
 * worker that sends one is disconnected, and the request it held fails with DOMO_REPLY_TOO_LARGE.
 * @packageDocumentation
 */
import type { BrokerContext } from "../context.js";
import { bump } from "../counters.js";
import { BrokerErrorCode } from "../../protocol/error-reply.js";
import { finishRequest } from "../request-lifecycle.js";
import { RequestOutcome, WorkerRemovalReason } from "../removal-reason.js";
import { removeWorker } from "../worker-lifecycle.js";

/** Counter key and log code of a message over `transport.maxMessageBytes` (docs/errors.md). */
export const MESSAGE_TOO_LARGE = "DOMO_MESSAGE_TOO_LARGE";

/** Total bytes of a message's frames. */
export function messageBytes(frames: readonly Buffer[]): number {
  let total = 0;
  for (const frame of frames) total += frame.length;
  return total;
}

/** Drop a message of `bytes` bytes, more than `transport.maxMessageBytes`. */
export function handleOversizedMessage(ctx: BrokerContext, frames: readonly Buffer[], bytes: number): void {
  bump(ctx.counters.invalidMessages, MESSAGE_TOO_LARGE);
  const sender = frames[0];
  const senderHex = sender?.toString("hex") ?? "";
  const maxMessageBytes = ctx.config.transport.maxMessageBytes;
  ctx.peerWarnings.warn(
    senderHex,
    MESSAGE_TOO_LARGE,
    { peerId: senderHex, bytes, frames: frames.length, maxMessageBytes },
    "dropped a message larger than transport.maxMessageBytes",
  );
  ctx.events.emit("invalidMessage", { code: MESSAGE_TOO_LARGE, ...(sender && { sender: senderHex }) });
  const worker = ctx.workers.get(senderHex);
  if (!worker) return;
  // From a busy worker this is almost surely its REPLY: running the request elsewhere would produce the
  // same oversized answer and cost one worker per attempt, so the request fails with its own code.
  const held = worker.current;
  if (held) ctx.workers.release(worker);
  removeWorker(ctx, worker, WorkerRemovalReason.PROTOCOL_VIOLATION, "malformed");
  if (held) {
    finishRequest(ctx, held, RequestOutcome.FAILED, BrokerErrorCode.REPLY_TOO_LARGE, `the worker's reply of ${bytes} bytes exceeds transport.maxMessageBytes (${maxMessageBytes})`);
  }
}
