/**
 * Client REQUEST: answer mmi.* here, refuse when draining or over the queue bounds, fold duplicate
 * retries into the request already held, otherwise route to the LRU idle worker or queue.
 * @packageDocumentation
 */
import { MMI_PREFIX } from "../../protocol/constants.js";
import { BrokerErrorCode } from "../../protocol/error-reply.js";
import type { ClientRequest } from "../../protocol/messages.js";
import { decodeRequestTag } from "../../protocol/request-tag.js";
import type { BrokerContext } from "../context.js";
import { finishRequest, route } from "../request-lifecycle.js";
import { RequestOutcome } from "../removal-reason.js";
import type { RequestRecord } from "../state/records.js";
import { handleMmi } from "./mmi.js";

/** Handle one client REQUEST. */
export function handleClientRequest(ctx: BrokerContext, message: ClientRequest): void {
  ctx.counters.requestsReceived++;
  if (message.service.startsWith(MMI_PREFIX)) {
    handleMmi(ctx, message);
    return;
  }
  // The tag, if any, is the last envelope frame, after the routing id (docs/protocol.md, Extension 1).
  const tag = message.envelope.length >= 2 ? decodeRequestTag(message.envelope[message.envelope.length - 1]) : undefined;
  const requestKey = tag?.requestId.toString("hex");

  if (requestKey !== undefined) {
    const held = ctx.requests.byKey(message.service, requestKey);
    // Fold only a true retry: same id, same service, same body. Request ids are chosen by clients, so
    // two clients could pick the same one; those are different requests and both run.
    if (held && held.service === message.service && sameFrames(held.body, message.body)) {
      // A retry of a request still queued or in flight: keep one copy, reply to the newest attempt.
      held.envelope = message.envelope;
      held.tag = tag;
      ctx.counters.requestsDuplicate++;
      const worker = held.worker?.idHex ?? held.lastWorkerHex;
      ctx.log.debug({ requestSeq: held.seq, requestId: requestKey, peer: { service: held.service }, worker, attempt: tag?.attempt }, "duplicate request folded");
      return;
    }
  }

  const now = ctx.clock.now();
  // The whole message counts against requests.maxQueuedBytes: a peer could otherwise park its bulk in
  // envelope frames or the service name.
  let sizeBytes = message.serviceFrame.length;
  for (const frame of message.body) sizeBytes += frame.length;
  for (const frame of message.envelope) sizeBytes += frame.length;
  const request: RequestRecord = {
    seq: ctx.requests.nextSeq(),
    service: message.service,
    serviceFrame: message.serviceFrame,
    envelope: message.envelope,
    body: message.body,
    sizeBytes,
    tag,
    requestKey,
    receivedAtMs: now,
    deadlineAtMs: tag && tag.ttlMs > 0 ? now + tag.ttlMs : undefined,
    expiresAtMs: now,
    attempts: 0,
    dispatchedAtMs: undefined,
    worker: undefined,
    queuePrev: undefined,
    queueNext: undefined,
    queued: false,
  };
  ctx.requests.hold(request);

  if (ctx.status !== "running") {
    finishRequest(ctx, request, RequestOutcome.REJECTED, BrokerErrorCode.DRAINING, "the broker is shutting down");
    return;
  }
  const service = ctx.services.require(message.service);
  if (service.idle.size === 0) {
    const limit = overLimit(ctx, service.queue.size, sizeBytes);
    if (limit) {
      ctx.services.releaseIfUnused(service);
      finishRequest(ctx, request, RequestOutcome.REJECTED, BrokerErrorCode.OVERLOADED, `queue full: ${limit}`);
      return;
    }
  }
  route(ctx, service, request, false);
}

function sameFrames(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  return a.length === b.length && a.every((frame, i) => frame.equals(b[i]!));
}

function overLimit(ctx: BrokerContext, serviceQueued: number, sizeBytes: number): string | undefined {
  const { maxQueuedPerService, maxQueuedTotal, maxQueuedBytes } = ctx.config.requests;
  if (serviceQueued >= maxQueuedPerService) return `service has ${serviceQueued} queued (requests.maxQueuedPerService)`;
  if (ctx.requests.queuedCount >= maxQueuedTotal) return `broker has ${ctx.requests.queuedCount} queued (requests.maxQueuedTotal)`;
  if (ctx.requests.queuedBytes + sizeBytes > maxQueuedBytes) return `queued bytes would pass requests.maxQueuedBytes (${maxQueuedBytes})`;
  return undefined;
}
