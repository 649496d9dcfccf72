/**
 * Malformed input: dropped, counted by code, logged at warn (rate-limited per peer and code). A
 * malformed worker command also gets DISCONNECT, and a registered sender is removed, so no record leaks.
 * @packageDocumentation
 */
import type { DecodeIssue } from "../../protocol/errors.js";
import type { BrokerContext } from "../context.js";
import { bump } from "../counters.js";
import { WorkerRemovalReason } from "../removal-reason.js";
import { removeWorker, sendDisconnect } from "../worker-lifecycle.js";

/** Handle a message that did not decode. */
export function handleInvalidMessage(ctx: BrokerContext, issue: DecodeIssue): void {
  bump(ctx.counters.invalidMessages, issue.code);
  const senderHex = issue.sender?.toString("hex") ?? "";
  ctx.peerWarnings.warn(senderHex, issue.code, { peerId: senderHex, detail: issue.detail }, "dropped malformed message");
  ctx.events.emit("invalidMessage", { code: issue.code, ...(issue.sender && { sender: senderHex }) });
  if (!issue.fromWorker || !issue.sender) return;
  const worker = ctx.workers.get(senderHex);
  if (worker) removeWorker(ctx, worker, WorkerRemovalReason.PROTOCOL_VIOLATION, "malformed");
  else sendDisconnect(ctx, issue.sender, "malformed");
}
