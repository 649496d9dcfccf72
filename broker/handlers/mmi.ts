/**
 * 8/MMI: the broker answers `mmi.*` itself. The reply echoes the body with its last frame replaced by
 * the answer, as the reference broker does. Bodies are documented in docs/protocol.md §4.
 * @packageDocumentation
 */
import { MmiStatus } from "../../protocol/constants.js";
import { encodeClientReply } from "../../protocol/encode.js";
import type { ClientRequest } from "../../protocol/messages.js";
import type { BrokerContext } from "../context.js";

type MmiAnswer = (ctx: BrokerContext, argument: string) => string;

const answers: Record<string, MmiAnswer> = {
  "mmi.service": (ctx, name) => ((ctx.services.get(name)?.workers.size ?? 0) > 0 ? MmiStatus.OK : MmiStatus.NOT_FOUND),
  "mmi.services": (ctx) => JSON.stringify(liveServiceNames(ctx)),
  "mmi.workers": (ctx, name) => JSON.stringify(workerCounts(ctx, name)),
  "mmi.health": (ctx) => JSON.stringify(health(ctx)),
};

/** Names of the MMI services the broker always answers itself. */
export const BUILT_IN_MMI: ReadonlySet<string> = new Set(Object.keys(answers));

/** Answer an mmi.* request. */
export function handleMmi(ctx: BrokerContext, message: ClientRequest): void {
  ctx.counters.mmiRequests++;
  const last = message.body[message.body.length - 1];
  const argument = last === undefined ? "" : last.toString("latin1");
  const answer =
    answers[message.service]?.(ctx, argument) ?? ctx.mmiExtensions.get(message.service)?.(argument) ?? MmiStatus.NOT_IMPLEMENTED;
  const body = [...message.body.slice(0, -1), Buffer.from(answer, "utf8")];
  ctx.send(encodeClientReply(message.envelope, message.serviceFrame, body));
}

function liveServiceNames(ctx: BrokerContext): string[] {
  const names: string[] = [];
  for (const service of ctx.services.values()) if (service.workers.size > 0) names.push(service.name);
  return names.sort();
}

interface ServiceCounts {
  idle: number;
  busy: number;
  queued: number;
}

function workerCounts(ctx: BrokerContext, name: string): Record<string, ServiceCounts> {
  const counts = (service = ctx.services.get(name)): ServiceCounts => ({
    idle: service?.idle.size ?? 0,
    busy: service ? service.workers.size - service.idle.size : 0,
    queued: service?.queue.size ?? 0,
  });
  if (name !== "") return { [name]: counts() };
  const all: Record<string, ServiceCounts> = {};
  for (const service of ctx.services.values()) all[service.name] = counts(service);
  return all;
}

/** The facts mmi.health carries; also what the daemon's health probe reports. */
export function health(ctx: BrokerContext): Record<string, unknown> {
  const c = ctx.counters;
  const failed = c.requestsExpired + c.requestsRejected + c.requestsFailed;
  return {
    status: ctx.status === "running" ? "ok" : ctx.status,
    uptimeMs: Math.round(ctx.clock.now() - ctx.startedAtMs),
    requests: {
      processed: c.requestsReplied + failed,
      succeeded: c.requestsReplied,
      failed,
      queued: ctx.requests.queuedCount,
      inFlight: ctx.workers.busyCount,
    },
    workers: ctx.workers.size,
    services: ctx.services.size,
  };
}
