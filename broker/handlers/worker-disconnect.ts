/**
 * Worker DISCONNECT, and worker commands that are well formed but never valid from a worker.
 * @packageDocumentation
 */
import type { BrokerContext } from "../context.js";
import { WorkerRemovalReason } from "../removal-reason.js";
import { removeWorker, sendDisconnect } from "../worker-lifecycle.js";

/** Handle DISCONNECT: the worker leaves; its request, if any, is re-run or failed. */
export function handleWorkerDisconnect(ctx: BrokerContext, senderHex: string): void {
  const worker = ctx.workers.get(senderHex);
  // From an unknown peer there is nothing to undo and nothing to answer.
  if (worker) removeWorker(ctx, worker, WorkerRemovalReason.DISCONNECTED);
}

/** 7/MDP: a valid but unexpected command (a worker sending REQUEST) gets DISCONNECT. */
export function handleWorkerUnexpected(ctx: BrokerContext, sender: Buffer, senderHex: string, command: number): void {
  ctx.peerWarnings.warn(senderHex, "unexpected-command", { worker: senderHex, command }, "worker sent a command only the broker may send");
  const worker = ctx.workers.get(senderHex);
  if (worker) removeWorker(ctx, worker, WorkerRemovalReason.PROTOCOL_VIOLATION, "unexpected-command");
  else sendDisconnect(ctx, sender, "unexpected-command");
}
