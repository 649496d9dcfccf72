/**
 * Typed events of a {@link Worker} (eventemitter3). Terminal failures also resolve `worker.stopped`;
 * an `error` event that nobody listens to is silently dropped by eventemitter3, never thrown.
 * @packageDocumentation
 */

/** Why a worker connection (one capacity slot) closed. */
export const DisconnectReason = {
  /** The broker sent DISCONNECT (7/MDP: close, open a new socket, READY again). */
  BROKER_DISCONNECT: "broker-disconnect",
  /** Nothing arrived from the broker for liveness x interval: it is considered dead. */
  BROKER_SILENT: "broker-silent",
  /**
   * The transport connection to the broker dropped (TCP reset, broker process gone). libzmq would
   * reconnect the same socket by itself, but a REQUEST or REPLY lost in the gap would leave the broker
   * believing this worker busy forever; a new socket (new identity) makes the broker expire the old
   * one and re-run its request.
   */
  TRANSPORT_LOST: "transport-lost",
  /** A socket operation failed; the slot starts over on a new socket. */
  SOCKET_ERROR: "socket-error",
  /** The worker is stopping. */
  STOPPING: "stopping",
} as const;
/** One of the disconnect reasons. */
export type DisconnectReason = (typeof DisconnectReason)[keyof typeof DisconnectReason];

/** A slot opened a new socket and sent READY. MDP has no answer to READY: this is not a confirmation. */
export interface ConnectedEvent {
  readonly slot: number;
  /** Routing id of the new socket as the broker sees it, in hex. */
  readonly routingId: string;
  readonly endpoint: string;
}

/** A slot's socket closed. */
export interface DisconnectedEvent {
  readonly slot: number;
  readonly routingId: string;
  readonly reason: DisconnectReason;
  /** Delay before the slot opens a new socket; absent when the worker is stopping. */
  readonly reconnectDelayMs?: number;
}

/** A request arrived on a slot. */
export interface RequestEvent {
  readonly slot: number;
  /** The client's address frame as sent by the broker, in hex. */
  readonly clientAddress: string;
  readonly bodyFrames: number;
}

/** What an error event is about. */
export const WorkerErrorKind = {
  /** A handler threw or rejected; the client got an error reply. */
  HANDLER: "handler",
  /** A socket operation failed. */
  SOCKET: "socket",
} as const;
/** One of the error kinds. */
export type WorkerErrorKind = (typeof WorkerErrorKind)[keyof typeof WorkerErrorKind];

/** Something failed; the worker keeps running. */
export interface WorkerErrorEvent {
  readonly kind: WorkerErrorKind;
  readonly error: Error;
  readonly slot: number;
}

/** The worker's events, for `worker.on(name, listener)`. */
export interface WorkerEvents {
  connected: (event: ConnectedEvent) => void;
  disconnected: (event: DisconnectedEvent) => void;
  request: (event: RequestEvent) => void;
  error: (event: WorkerErrorEvent) => void;
}
