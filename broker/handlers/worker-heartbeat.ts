/**
 * Worker HEARTBEAT, and the liveness rule every worker message shares.
 * @packageDocumentation
 */
import type { BrokerContext } from "../context.js";
import type { WorkerRecord } from "../state/records.js";
import { sendDisconnect } from "../worker-lifecycle.js";

/** When a worker heard from at `nowMs` expires: liveness x interval of silence. */
export function livenessDeadline(ctx: BrokerContext, nowMs: number): number {
  return nowMs + ctx.config.heartbeat.intervalMs * ctx.config.heartbeat.liveness;
}

/** Any message from a worker proves it alive. */
export function refreshLiveness(ctx: BrokerContext, worker: WorkerRecord): void {
  worker.expiresAtMs = livenessDeadline(ctx, ctx.clock.now());
}

/** Handle HEARTBEAT. */
export function handleWorkerHeartbeat(ctx: BrokerContext, sender: Buffer, senderHex: string): void {
  const worker = ctx.workers.get(senderHex);
  if (worker) {
    refreshLiveness(ctx, worker);
    return;
  }
  // 7/MDP: a heartbeat from a peer that never sent READY (or was forgotten, e.g. after a broker
  // restart) gets DISCONNECT, which makes a conforming worker reconnect and register again.
  sendDisconnect(ctx, sender, "unknown-worker");
}
