/**
 * The socket-free broker: its state and the two entry points (a message arrived; time passed).
 * Unit tests drive this directly with a manual clock and a captured `send`.
 * @packageDocumentation
 */
import { EventEmitter } from "eventemitter3";
import type { Logger } from "pino";
import type { BrokerConfig } from "../config/schema.js";
import type { Clock } from "./clock.js";
import type { BrokerContext } from "./context.js";
import { newCounters } from "./counters.js";
import type { BrokerEvents } from "./events.js";
import { RateLimitedLog } from "./rate-limited-log.js";
import { RequestRegistry } from "./state/request-registry.js";
import { ServiceRegistry } from "./state/service-registry.js";
import { WorkerRegistry } from "./state/worker-registry.js";

/** What the core needs from outside. */
export interface CoreDeps {
  config: BrokerConfig;
  clock: Clock;
  logger: Logger;
  send: (frames: Buffer[], essential?: boolean) => boolean;
  events?: EventEmitter<BrokerEvents>;
}

/** Build a fresh broker state. */
export function createBrokerContext(deps: CoreDeps): BrokerContext {
  const log = deps.logger.child({ component: "broker" });
  return {
    config: deps.config,
    clock: deps.clock,
    workers: new WorkerRegistry(),
    services: new ServiceRegistry(),
    requests: new RequestRegistry(),
    counters: newCounters(),
    events: deps.events ?? new EventEmitter<BrokerEvents>(),
    log,
    peerWarnings: new RateLimitedLog(log, () => deps.clock.now()),
    startedAtMs: deps.clock.now(),
    status: "running",
    mmiExtensions: new Map(),
    send: deps.send,
  };
}

export { dispatchFrames } from "./dispatch.js";
export { livenessTick, tickIntervalMs } from "./liveness/heartbeat-monitor.js";
