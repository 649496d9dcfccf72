/**
 * `domo/broker`: the embeddable broker.
 * @packageDocumentation
 */
export { Broker, type BrokerOptions } from "./broker.js";
export type { BrokerStats, ServiceStats } from "./stats.js";
export type * from "./events.js";
export { BindError } from "./transport/router-endpoint.js";
export { WorkerRemovalReason, RequestOutcome } from "./removal-reason.js";
export { ManualClock, systemClock, type Clock } from "./clock.js";
export { createLogger, silentLogger } from "./logger.js";
export * from "./observability/index.js";
