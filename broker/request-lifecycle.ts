/**
 * How a request moves: to an idle worker or into its queue, back to the head of the queue when its
 * worker dies, and out of the broker with an outcome. Every exit goes through `finishRequest`.
 * @packageDocumentation
 */
import { encodeClientReply, encodeWorkerRequest } from "../protocol/encode.js";
import { BrokerErrorCode, encodeErrorReply } from "../protocol/error-reply.js";
import { policyOf, type BrokerContext } from "./context.js";
import { RequestOutcome } from "./removal-reason.js";
import type { RequestRecord, ServiceRecord, WorkerRecord } from "./state/records.js";

/** Send to a worker, remembering when, so heartbeats are only sent on otherwise silent links. */
export function sendToWorker(ctx: BrokerContext, worker: WorkerRecord, frames: Buffer[], essential = false): void {
  worker.lastSentAtMs = ctx.clock.now();
  ctx.send(frames, essential);
}

/** Hand a request to an idle worker. */
export function dispatch(ctx: BrokerContext, worker: WorkerRecord, request: RequestRecord): void {
  ctx.workers.assign(worker, request);
  request.attempts++;
  request.dispatchedAtMs = ctx.clock.now();
  request.lastWorkerHex = worker.idHex;
  // 7/MDP carries exactly one address frame to the worker; the full envelope stays in this record.
  sendToWorker(ctx, worker, encodeWorkerRequest(worker.id, request.envelope[0]!, request.body), true);
}

/** Put a request in its service queue (at the head when it is being re-run) and schedule its expiry. */
export function enqueue(ctx: BrokerContext, service: ServiceRecord, request: RequestRecord, atHead: boolean): void {
  const now = ctx.clock.now();
  const queueExpiry = now + ctx.config.requests.queueTimeoutMs;
  request.expiresAtMs = request.deadlineAtMs === undefined ? queueExpiry : Math.min(queueExpiry, request.deadlineAtMs);
  if (atHead) service.queue.unshift(request);
  else service.queue.push(request);
  service.queuedBytes += request.sizeBytes;
  ctx.requests.queued(request);
  warnAtSoftLimit(ctx, service);
}

/** Take a request out of its queue (dispatch or expiry). */
export function unqueue(ctx: BrokerContext, service: ServiceRecord, request: RequestRecord): void {
  service.queue.remove(request);
  service.queuedBytes -= request.sizeBytes;
  ctx.requests.unqueued(request);
  const soft = ctx.config.requests.maxQueuedPerService * ctx.config.requests.softLimitRatio;
  if (service.softLimitWarned && service.queue.size < soft) service.softLimitWarned = false;
}

/** Give a request to the least recently used idle worker of its service, or queue it. */
export function route(ctx: BrokerContext, service: ServiceRecord, request: RequestRecord, atHead: boolean): void {
  const worker = firstIdle(service);
  if (worker) dispatch(ctx, worker, request);
  else enqueue(ctx, service, request, atHead);
}

/**
 * A worker is free: give it the head of its queue, or leave it on the idle list. Queued requests whose
 * time is up are expired on the way instead of dispatched: the expiry pass runs on a tick, and a
 * request whose client stopped waiting between two ticks must not be run (issue: "never dispatched").
 */
export function workerFree(ctx: BrokerContext, worker: WorkerRecord): void {
  ctx.workers.release(worker);
  // A non-empty queue means no other worker of this service is idle, so this one is the right taker.
  const queue = worker.service.queue;
  const now = ctx.clock.now();
  for (let next = queue.peek(); next; next = queue.peek()) {
    unqueue(ctx, worker.service, next);
    if (now >= next.expiresAtMs) {
      expire(ctx, next, worker.service.workers.size === 0, now);
      continue;
    }
    dispatch(ctx, worker, next);
    return;
  }
}

/**
 * End a request that left its queue because its time is up (its client deadline or
 * `requests.queueTimeoutMs`), with the error reply that says which. The caller has unqueued it.
 */
export function expire(ctx: BrokerContext, request: RequestRecord, noWorkers: boolean, now: number): void {
  const deadlinePassed = request.deadlineAtMs !== undefined && now >= request.deadlineAtMs;
  const code = noWorkers && !deadlinePassed ? BrokerErrorCode.SERVICE_UNAVAILABLE : BrokerErrorCode.DEADLINE_EXCEEDED;
  const queueTimeout = `requests.queueTimeoutMs (${ctx.config.requests.queueTimeoutMs} ms)`;
  const message = noWorkers
    ? `no worker for service '${request.service}' within ${deadlinePassed ? "the request deadline" : queueTimeout}`
    : deadlinePassed
      ? "the request deadline passed while it waited for a worker"
      : `waited longer than ${queueTimeout} for a free worker`;
  finishRequest(ctx, request, RequestOutcome.EXPIRED, code, message);
}

/** A worker died holding `request`: run it again at the head of its queue, or fail it. */
export function recover(ctx: BrokerContext, request: RequestRecord): void {
  if (request.deadlineAtMs !== undefined && ctx.clock.now() >= request.deadlineAtMs) {
    // Its client has stopped waiting: running it again would be work nobody waits for.
    finishRequest(ctx, request, RequestOutcome.EXPIRED, BrokerErrorCode.DEADLINE_EXCEEDED, "the worker holding the request died after its deadline had passed; not run again");
    return;
  }
  const policy = policyOf(ctx, request.service);
  const idempotent = policy.idempotent && (request.tag?.idempotent ?? true);
  if (!idempotent || request.attempts >= policy.maxAttempts) {
    const why = idempotent ? `attempts exhausted (${request.attempts} of maxAttempts ${policy.maxAttempts})` : "not idempotent";
    finishRequest(ctx, request, RequestOutcome.FAILED, BrokerErrorCode.WORKER_LOST, `the worker holding the request died; ${why}`);
    return;
  }
  ctx.counters.requestsRedispatched++;
  ctx.log[ctx.config.log.requests ? "info" : "debug"](
    { ...correlation(request), outcome: "redispatched", attempts: request.attempts },
    "request queued again: its worker was lost",
  );
  ctx.events.emit("requestRedispatched", {
    service: request.service,
    ...(request.requestKey !== undefined && { requestId: request.requestKey }),
    attempts: request.attempts,
  });
  route(ctx, ctx.services.require(request.service), request, true);
}

/**
 * End a request: forget it, count it, tell observers, and, for a broker-made failure, send an error
 * reply if the client opted in (plain MDP clients cannot be told; the log line and counter say it).
 */
export function finishRequest(
  ctx: BrokerContext,
  request: RequestRecord,
  outcome: RequestOutcome,
  errorCode?: string,
  errorMessage?: string,
): void {
  ctx.requests.release(request);
  const now = ctx.clock.now();
  const dispatchedAt = request.dispatchedAtMs;
  const timings = {
    attempts: request.attempts,
    queueWaitMs: (dispatchedAt ?? now) - request.receivedAtMs,
    serviceMs: dispatchedAt === undefined ? 0 : now - dispatchedAt,
  };
  const workerHex = request.worker?.idHex ?? request.lastWorkerHex;
  const event = {
    service: request.service,
    outcome,
    ...timings,
    ...(errorCode !== undefined && { errorCode }),
    ...(request.requestKey !== undefined && { requestId: request.requestKey }),
    ...(workerHex !== undefined && { workerId: workerHex }),
  };
  // Built only when a line is logged: the replied path runs per request.
  const fields = (): Record<string, unknown> => ({ ...correlation(request), outcome, ...timings });
  switch (outcome) {
    case RequestOutcome.REPLIED:
      ctx.counters.requestsReplied++;
      break;
    case RequestOutcome.EXPIRED:
      ctx.counters.requestsExpired++;
      break;
    case RequestOutcome.REJECTED:
      ctx.counters.requestsRejected++;
      break;
    case RequestOutcome.FAILED:
      ctx.counters.requestsFailed++;
      break;
    case RequestOutcome.INTERNAL:
      break;
  }
  if (errorCode !== undefined) {
    const optedIn = request.tag?.acceptsErrorReplies === true;
    // One line per code per window (with a count of the rest): under a flood or an outage every
    // request ends this way, and the counters and metrics carry the totals.
    ctx.peerWarnings.log("info", "request-end", errorCode, { ...fields(), errorReplySent: optedIn }, "request ended without a worker reply");
    if (optedIn) {
      const body = encodeErrorReply({ code: errorCode, message: errorMessage ?? errorCode });
      ctx.send(encodeClientReply(request.envelope, request.serviceFrame, body), true);
    }
  } else if (ctx.config.log.requests) {
    ctx.log.info(fields(), "request done");
  }
  ctx.events.emit("requestDone", event);
  // Stale expiry-heap entries keep finished records reachable until they are due; without this their
  // bodies (megabytes for large matrices) would stay alive with them.
  request.body = [];
}

/**
 * The fields every log line about a request carries: broker sequence number, the client's request id
 * (when it sent one), the service (under `peer`, as it is peer-supplied) and the worker that holds or
 * last held it.
 */
function correlation(request: RequestRecord): Record<string, unknown> {
  return {
    requestSeq: request.seq,
    requestId: request.requestKey,
    peer: { service: request.service },
    worker: request.worker?.idHex ?? request.lastWorkerHex,
  };
}

function firstIdle(service: ServiceRecord): WorkerRecord | undefined {
  for (const worker of service.idle.values()) return worker;
  return undefined;
}

function warnAtSoftLimit(ctx: BrokerContext, service: ServiceRecord): void {
  const { maxQueuedPerService, softLimitRatio } = ctx.config.requests;
  if (!service.softLimitWarned && service.queue.size >= maxQueuedPerService * softLimitRatio) {
    service.softLimitWarned = true;
    ctx.log.warn(
      { peer: { service: service.name }, queued: service.queue.size, maxQueuedPerService },
      "service queue passed its soft limit",
    );
  }
}
