/**
 * How a worker leaves: one path for expiry, DISCONNECT, protocol violations, unreachable peers and
 * shutdown, so the request it held is always re-run or failed, never forgotten.
 * @packageDocumentation
 */
import { encodeBrokerDisconnect } from "../protocol/encode.js";
import type { BrokerContext } from "./context.js";
import { bump } from "./counters.js";
import { recover } from "./request-lifecycle.js";
import { WorkerRemovalReason } from "./removal-reason.js";
import type { WorkerRecord } from "./state/records.js";

/** Send DISCONNECT to a peer that is not (or no longer) a registered worker. */
export function sendDisconnect(ctx: BrokerContext, peer: Buffer, why: string): void {
  bump(ctx.counters.disconnectsSent, why);
  ctx.send(encodeBrokerDisconnect(peer));
}

/**
 * Remove a worker for `reason`. `disconnectWhy`, when given, sends it a DISCONNECT counted under that
 * label (7/MDP: a worker that breaks the protocol is disconnected).
 */
export function removeWorker(
  ctx: BrokerContext,
  worker: WorkerRecord,
  reason: WorkerRemovalReason,
  disconnectWhy?: string,
): void {
  const held = ctx.workers.remove(worker);
  if (disconnectWhy !== undefined) sendDisconnect(ctx, worker.id, disconnectWhy);
  bump(ctx.counters.workersRemoved, reason);
  const level = reason === WorkerRemovalReason.DISCONNECTED || reason === WorkerRemovalReason.SHUTDOWN ? "debug" : "info";
  ctx.log[level](
    { worker: worker.idHex, peer: { service: worker.service.name }, reason, heldRequest: held !== undefined },
    "worker removed",
  );
  ctx.events.emit("workerRemoved", {
    workerId: worker.idHex,
    service: worker.service.name,
    reason,
    heldRequest: held !== undefined,
  });
  if (held && reason !== WorkerRemovalReason.SHUTDOWN) recover(ctx, held);
  ctx.services.releaseIfUnused(worker.service);
}
