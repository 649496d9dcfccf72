/**
 * Messages larger than `transport.maxMessageBytes` in total. libzmq's ZMQ_MAXMSGSIZE bounds each
 * frame, not the message: a peer can send many frames that each pass it. Such a message is dropped
 * before it is decoded, so it never enters a queue, and counted like a malformed one; a registered
 * worker that sends one is disconnected (its request re-run or failed), as for any protocol violation.
 * @packageDocumentation
 */
import type { BrokerContext } from "../context.js";
import { bump } from "../counters.js";
import { WorkerRemovalReason } from "../removal-reason.js";
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
  if (worker) removeWorker(ctx, worker, WorkerRemovalReason.PROTOCOL_VIOLATION, "malformed");
}
