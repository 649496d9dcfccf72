/**
 * The records the broker keeps: plain data, mutated only by handlers and the liveness monitor.
 * @packageDocumentation
 */
import type { RequestTag } from "../../protocol/request-tag.js";
import type { QueueLinks, RequestQueue } from "./request-queue.js";

/** A client request the broker holds, queued or in flight. */
export interface RequestRecord extends QueueLinks<RequestRecord> {
  /** Broker-local sequence number, for logs. */
  readonly seq: number;
  readonly service: string;
  readonly serviceFrame: Buffer;
  /** The client's return envelope, routing id first. Replaced when a duplicate retry arrives. */
  envelope: readonly Buffer[];
  /** Emptied when the request ends, so a record still referenced (expiry heap entries) holds no body. */
  body: readonly Buffer[];
  /** Size of the whole message (envelope, service, body), counted against the byte bound while queued. */
  readonly sizeBytes: number;
  /** The SDK request tag, when the client sent one (docs/protocol.md, Extension 1). */
  tag: RequestTag | undefined;
  /** Request id as hex: the duplicate-detection key. */
  readonly requestKey: string | undefined;
  readonly receivedAtMs: number;
  /** Absolute client deadline, when the tag carried one. */
  readonly deadlineAtMs: number | undefined;
  /** When a queued request expires; set on every enqueue. */
  expiresAtMs: number;
  /** Times dispatched to a worker so far. */
  attempts: number;
  /** When the current attempt was handed to a worker. */
  dispatchedAtMs: number | undefined;
  /** The worker holding it now. */
  worker: WorkerRecord | undefined;
  /** Id (hex) of the last worker it was dispatched to, kept after that worker is gone, for logs and events. */
  lastWorkerHex?: string;
}

/** A registered worker. */
export interface WorkerRecord {
  readonly id: Buffer;
  readonly idHex: string;
  readonly service: ServiceRecord;
  readonly registeredAtMs: number;
  /** Silent past this instant, the worker is expired. */
  expiresAtMs: number;
  /** Last time anything was sent to it: a heartbeat is due one interval later. */
  lastSentAtMs: number;
  /** The one request it holds; undefined when idle. */
  current: RequestRecord | undefined;
}

/** A service: its workers (idle ones in least-recently-used order) and its queue. */
export interface ServiceRecord {
  readonly name: string;
  /** Idle workers, oldest idle first (Map keeps insertion order; re-inserting moves to the back). */
  readonly idle: Map<string, WorkerRecord>;
  /** Every live worker of the service, idle or busy. */
  readonly workers: Set<WorkerRecord>;
  readonly queue: RequestQueue<RequestRecord>;
  /** Bytes of queued bodies. */
  queuedBytes: number;
  /** Set once a soft-limit warning was logged, cleared when the queue falls back under it. */
  softLimitWarned: boolean;
}
