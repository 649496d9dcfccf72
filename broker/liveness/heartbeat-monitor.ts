/**
 * The periodic pass: heartbeat every worker that heard nothing from us for an interval, remove every
 * worker silent past its liveness deadline (idle or busy: the whole table is scanned, not just a
 * prefix), and expire queued requests whose time is up.
 * @packageDocumentation
 */
import { encodeBrokerHeartbeat } from "../../protocol/encode.js";
import { policyOf, type BrokerContext } from "../context.js";
import type { WorkerRecord } from "../state/records.js";
import { expire, sendToWorker, unqueue } from "../request-lifecycle.js";
import { WorkerRemovalReason } from "../removal-reason.js";
import { removeWorker } from "../worker-lifecycle.js";

function heldTooLong(ctx: BrokerContext, worker: WorkerRecord, now: number): boolean {
  const request = worker.current;
  if (request?.dispatchedAtMs === undefined) return false;
  const { maxServiceMs } = policyOf(ctx, worker.service.name);
  return maxServiceMs > 0 && now - request.dispatchedAtMs >= maxServiceMs;
}

/** How often the pass runs: often enough for request deadlines, never slower than the heartbeat. */
export function tickIntervalMs(ctx: BrokerContext): number {
  return Math.min(ctx.config.heartbeat.intervalMs, 100);
}

/** Options of one pass. */
export interface TickOptions {
  /**
   * False skips removing expired workers for this pass. The broker passes false right after its own
   * event loop stalled: heartbeats that arrived meanwhile sit unread in the socket, and a purge now
   * would expire live workers for the broker's pause, not theirs. The next pass purges as usual.
   */
  purge?: boolean;
}

/** Run one pass at the clock's current time. */
export function livenessTick(ctx: BrokerContext, options: TickOptions = {}): void {
  const now = ctx.clock.now();
  const intervalMs = ctx.config.heartbeat.intervalMs;
  const purge = options.purge ?? true;
  const expired: WorkerRecord[] = [];
  const overdue: WorkerRecord[] = [];
  for (const worker of ctx.workers.values()) {
    if (now >= worker.expiresAtMs) {
      if (purge) expired.push(worker);
    } else if (heldTooLong(ctx, worker, now)) {
      overdue.push(worker);
    } else if (now - worker.lastSentAtMs >= intervalMs) {
      ctx.counters.heartbeatsSent++;
      sendToWorker(ctx, worker, encodeBrokerHeartbeat(worker.id));
    }
  }
  // Take every expired worker off its idle list first: a busy one's request is re-run at once, and
  // must not be handed to another worker this same pass is about to remove.
  for (const worker of expired) worker.service.idle.delete(worker.idHex);
  for (const worker of expired) removeWorker(ctx, worker, WorkerRemovalReason.EXPIRED);
  // A worker past maxServiceMs may be alive but stuck, or its REQUEST/REPLY was lost in transit: it is
  // told to go (DISCONNECT) and its request is re-run or failed like a dead worker's.
  for (const worker of overdue) {
    if (ctx.workers.get(worker.idHex) === worker) removeWorker(ctx, worker, WorkerRemovalReason.SERVICE_TIMEOUT, "service-timeout");
  }
  for (const request of ctx.requests.dueForExpiry(now)) {
    const service = ctx.services.require(request.service);
    unqueue(ctx, service, request);
    expire(ctx, request, service.workers.size === 0, now);
    ctx.services.releaseIfUnused(service);
  }
}
