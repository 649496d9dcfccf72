/**
 * What handlers and the liveness monitor work with: the registries, the clock, the outbound queue,
 * counters, events and logs. Handlers change state and queue messages through `send`; they never
 * await a socket.
 * @packageDocumentation
 */
import type { EventEmitter } from "eventemitter3";
import type { Logger } from "pino";
import type { BrokerConfig, ServicePolicy } from "../config/schema.js";
import type { Clock } from "./clock.js";
import type { BrokerCounters } from "./counters.js";
import type { BrokerEvents } from "./events.js";
import type { RateLimitedLog } from "./rate-limited-log.js";
import type { RequestRegistry } from "./state/request-registry.js";
import type { ServiceRegistry } from "./state/service-registry.js";
import type { WorkerRegistry } from "./state/worker-registry.js";

/** Answers one extra `mmi.*` service: gets the last body frame as text, returns the answer frame's text. */
export type MmiExtension = (argument: string) => string;

/** Broker run state. */
export type BrokerStatus = "running" | "draining" | "closed";

/** The broker's state and collaborators, shared by every handler. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly workers: WorkerRegistry;
  readonly services: ServiceRegistry;
  readonly requests: RequestRegistry;
  readonly counters: BrokerCounters;
  readonly events: EventEmitter<BrokerEvents>;
  readonly log: Logger;
  readonly peerWarnings: RateLimitedLog;
  readonly startedAtMs: number;
  status: BrokerStatus;
  /** Extra `mmi.*` services registered by the embedder (for example `mmi.status` by observability). */
  readonly mmiExtensions: Map<string, MmiExtension>;
  /**
   * Queue a message on the socket's writer; false when it was dropped (writer full). `essential`
   * messages (REQUEST to a worker, any reply to a client for a held request) are never dropped for the
   * writer limit; heartbeats, DISCONNECTs and MMI answers may be.
   */
  send(frames: Buffer[], essential?: boolean): boolean;
}

/** The policy of a service: its own config entry over `serviceDefaults`. */
export function policyOf(ctx: BrokerContext, service: string): ServicePolicy {
  const own = ctx.config.services[service];
  if (!own) return ctx.config.serviceDefaults;
  return {
    maxAttempts: own.maxAttempts ?? ctx.config.serviceDefaults.maxAttempts,
    idempotent: own.idempotent ?? ctx.config.serviceDefaults.idempotent,
    maxServiceMs: own.maxServiceMs ?? ctx.config.serviceDefaults.maxServiceMs,
  };
}
