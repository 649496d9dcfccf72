/**
 * Typed events of the broker (eventemitter3). Observability hooks, not control flow: terminal failures
 * also reject the promise of the call that failed.
 * @packageDocumentation
 */
import type { RequestOutcome, WorkerRemovalReason } from "./removal-reason.js";

/** A worker joined. */
export interface WorkerReadyEvent {
  workerId: string;
  service: string;
}

/** A worker left, and why. */
export interface WorkerRemovedEvent {
  workerId: string;
  service: string;
  reason: WorkerRemovalReason;
  /** Set when the worker held a request at the time. */
  heldRequest: boolean;
}

/** A request ended. */
export interface RequestDoneEvent {
  service: string;
  outcome: RequestOutcome;
  /** Broker error code when the broker ended it (expired, rejected, failed). */
  errorCode?: string;
  /** Request id (hex) from the client's tag, when it sent one. */
  requestId?: string;
  /** The worker that replied, or that last held it (also when that worker died); absent if never dispatched. */
  workerId?: string;
  attempts: number;
  /** Time from arrival to the last dispatch (or to the end, if never dispatched). */
  queueWaitMs: number;
  /** Time the last worker spent on it; 0 if never dispatched. */
  serviceMs: number;
}

/** A request of a dead worker was queued again. */
export interface RequestRedispatchedEvent {
  service: string;
  requestId?: string;
  attempts: number;
}

/** A malformed message was dropped. */
export interface InvalidMessageEvent {
  code: string;
  sender?: string;
}

/** Broker lifecycle. */
export interface BrokerEvents {
  workerReady: (event: WorkerReadyEvent) => void;
  workerRemoved: (event: WorkerRemovedEvent) => void;
  requestDone: (event: RequestDoneEvent) => void;
  requestRedispatched: (event: RequestRedispatchedEvent) => void;
  invalidMessage: (event: InvalidMessageEvent) => void;
  draining: () => void;
  closed: () => void;
}
