/**
 * Typed MDP/0.1 messages. Everything after the edge of a socket works on these, never on frame indexes.
 * @packageDocumentation
 */

/**
 * A client REQUEST as the broker's ROUTER sees it.
 * `envelope` is every frame before the first empty frame, the ROUTER's routing id first; the broker
 * returns the whole envelope with the reply, which is how SDK clients correlate requests.
 */
export interface ClientRequest {
  readonly kind: "client-request";
  readonly envelope: readonly Buffer[];
  readonly service: string;
  /** Raw service frame, echoed unchanged where a reply must repeat it. */
  readonly serviceFrame: Buffer;
  readonly body: readonly Buffer[];
}

/** Worker READY: the worker offers one service. */
export interface WorkerReady {
  readonly kind: "worker-ready";
  readonly sender: Buffer;
  readonly service: string;
}

/** Worker REPLY. `clientAddress` is what the worker sent back; the broker trusts its own record instead. */
export interface WorkerReply {
  readonly kind: "worker-reply";
  readonly sender: Buffer;
  readonly clientAddress: Buffer;
  readonly body: readonly Buffer[];
}

/** Worker HEARTBEAT. */
export interface WorkerHeartbeat {
  readonly kind: "worker-heartbeat";
  readonly sender: Buffer;
}

/** Worker DISCONNECT. */
export interface WorkerDisconnect {
  readonly kind: "worker-disconnect";
  readonly sender: Buffer;
}

/**
 * A well-formed worker command that a worker must never send (REQUEST flows broker to worker only).
 * 7/MDP: the broker answers it with DISCONNECT.
 */
export interface WorkerUnexpected {
  readonly kind: "worker-unexpected";
  readonly sender: Buffer;
  readonly command: number;
}

/** Everything a broker can receive on its ROUTER. */
export type BrokerInbound =
  | ClientRequest
  | WorkerReady
  | WorkerReply
  | WorkerHeartbeat
  | WorkerDisconnect
  | WorkerUnexpected;

/** A REQUEST the broker sends to a worker (the DEALER's view: no routing id). */
export interface BrokerRequest {
  readonly kind: "broker-request";
  readonly clientAddress: Buffer;
  readonly body: readonly Buffer[];
}

/** HEARTBEAT from the broker. */
export interface BrokerHeartbeat {
  readonly kind: "broker-heartbeat";
}

/** DISCONNECT from the broker. */
export interface BrokerDisconnect {
  readonly kind: "broker-disconnect";
}

/** Everything a worker can receive from a broker. */
export type WorkerInbound = BrokerRequest | BrokerHeartbeat | BrokerDisconnect;

/** A client REPLY as a DEALER client receives it: envelope frames (without the routing id) come first. */
export interface ClientReply {
  readonly kind: "client-reply";
  readonly envelope: readonly Buffer[];
  readonly service: string;
  readonly body: readonly Buffer[];
}
