/**
 * Worker READY: register the worker and give it queued work at once.
 * @packageDocumentation
 */
import { MMI_PREFIX } from "../../protocol/constants.js";
import type { WorkerReady } from "../../protocol/messages.js";
import type { BrokerContext } from "../context.js";
import { workerFree } from "../request-lifecycle.js";
import { WorkerRemovalReason } from "../removal-reason.js";
import { removeWorker, sendDisconnect } from "../worker-lifecycle.js";
import { livenessDeadline } from "./worker-heartbeat.js";

/** Handle READY. */
export function handleWorkerReady(ctx: BrokerContext, message: WorkerReady, senderHex: string): void {
  const known = ctx.workers.get(senderHex);
  if (known) {
    // 7/MDP: READY from a registered worker is a protocol error -> DISCONNECT.
    removeWorker(ctx, known, WorkerRemovalReason.PROTOCOL_VIOLATION, "ready-twice");
    return;
  }
  if (message.service.startsWith(MMI_PREFIX)) {
    // 8/MMI: the mmi.* namespace belongs to the broker; a worker claiming it is disconnected.
    ctx.peerWarnings.warn(senderHex, "mmi-service", { worker: senderHex, peer: { service: message.service } }, "worker tried to register an mmi.* service");
    sendDisconnect(ctx, message.sender, "mmi-service");
    return;
  }
  const now = ctx.clock.now();
  const service = ctx.services.require(message.service);
  const worker = ctx.workers.add(message.sender, senderHex, service, now, livenessDeadline(ctx, now));
  ctx.counters.workersRegistered++;
  ctx.log.info({ worker: senderHex, peer: { service: message.service } }, "worker registered");
  ctx.events.emit("workerReady", { workerId: senderHex, service: message.service });
  workerFree(ctx, worker);
}
