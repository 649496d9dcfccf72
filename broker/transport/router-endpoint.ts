/**
 * The broker's one ROUTER socket: binding, a single receive loop, and a single bounded writer.
 *
 * Socket options, decided (docs/configuration.md has the knobs):
 * - `mandatory = true`: a message to a vanished peer fails with EHOSTUNREACH instead of vanishing, so a
 *   dead worker is noticed at send time and an undeliverable reply is counted.
 * - `sendTimeout = 0`: with `mandatory`, a peer at its high-water mark would otherwise block the send,
 *   and with it every other peer; instead the send fails at once with EAGAIN and the message is counted
 *   as dropped. One slow peer never stalls the broker.
 * - `maxMessageSize`: libzmq drops the connection of a peer that sends more, so one oversized message
 *   cannot exhaust memory.
 * - `linger`: bounded, so close() returns and the process exits even with peers gone.
 * - `handover = true`: a peer that reconnects with the routing id it set itself (the worker SDK does)
 *   takes the id over at once; without it libzmq would refuse the new connection while the old pipe
 *   lingers, and the worker would look alive (heartbeats) yet be unreachable.
 * - high-water marks per peer, from config.
 * @packageDocumentation
 */
import { Router } from "zeromq";
import { SocketWriter } from "./socket-writer.js";

/** Socket settings of the endpoint. */
export interface RouterEndpointOptions {
  maxMessageBytes: number;
  sendHighWaterMark: number;
  receiveHighWaterMark: number;
  writerQueueLimit: number;
  lingerMs: number;
}

/** Why a queued message was not sent. */
export type SendFailure = "unroutable" | "peer-full" | "error";

/** Callbacks of the endpoint. */
export interface RouterEndpointHandlers {
  onMessage(frames: Buffer[]): void;
  /** A message could not be delivered; `frames[0]` is the peer's routing id. */
  onSendFailure(frames: Buffer[], failure: SendFailure, error: unknown): void;
}

/** Thrown when an address cannot be bound; `code` tells why (EADDRINUSE, EINVAL, ...). */
export class BindError extends Error {
  override readonly name = "BindError";
  readonly code: string;
  readonly address: string;
  constructor(address: string, code: string, options?: ErrorOptions) {
    const fix =
      code === "EADDRINUSE"
        ? "another process (perhaps another broker) is using it; stop it or set a different address with --bind or `bind:` in the config"
        : "check the address in --bind or `bind:` in the config (for example tcp://127.0.0.1:5555)";
    super(`cannot bind ${address}: ${code}; ${fix}`, options);
    this.code = code;
    this.address = address;
  }
}

/** A bound ROUTER with one reader and one writer. */
export class RouterEndpoint {
  readonly #socket: Router;
  readonly #writer: SocketWriter;
  readonly #handlers: RouterEndpointHandlers;
  #closed = false;
  /** Resolved bind addresses (tcp ports filled in). */
  readonly endpoints: string[] = [];
  /** Settles when the receive loop ends. */
  readonly received: Promise<void>;

  private constructor(socket: Router, options: RouterEndpointOptions, handlers: RouterEndpointHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.#writer = new SocketWriter(socket, {
      limit: options.writerQueueLimit,
      onError: (err, frames) => {
        const code = (err as { code?: unknown }).code;
        const failure: SendFailure = code === "EHOSTUNREACH" ? "unroutable" : code === "EAGAIN" ? "peer-full" : "error";
        handlers.onSendFailure(frames, failure, err);
      },
    });
    this.received = Promise.resolve();
  }

  /** Create the socket, bind every address, and start the receive loop. */
  static async bind(
    addresses: readonly string[],
    options: RouterEndpointOptions,
    handlers: RouterEndpointHandlers,
  ): Promise<RouterEndpoint> {
    const socket = new Router({
      mandatory: true,
      handover: true,
      sendTimeout: 0,
      linger: options.lingerMs,
      maxMessageSize: options.maxMessageBytes,
      sendHighWaterMark: options.sendHighWaterMark,
      receiveHighWaterMark: options.receiveHighWaterMark,
    });
    const endpoint = new RouterEndpoint(socket, options, handlers);
    for (const address of addresses) {
      try {
        await socket.bind(address);
      } catch (err) {
        socket.linger = 0;
        socket.close();
        const code = (err as { code?: unknown }).code;
        throw new BindError(address, typeof code === "string" ? code : "EINVAL", { cause: err });
      }
      endpoint.endpoints.push(socket.lastEndpoint ?? address);
    }
    (endpoint as { received: Promise<void> }).received = endpoint.#receiveLoop();
    return endpoint;
  }

  /** Messages dropped because the writer queue was at its limit. */
  get dropped(): number {
    return this.#writer.dropped;
  }

  /** Messages waiting for the writer. */
  get pending(): number {
    return this.#writer.pending;
  }

  /**
   * Queue a message; false (and counted) when the queue is full or the socket closed. `essential`
   * messages (a REQUEST to a worker, a reply to a client) skip the limit: there is at most one per
   * request held, so they are bounded by the request bounds, and dropping one would strand a request.
   */
  send(frames: Buffer[], essential = false): boolean {
    return this.#writer.send(frames, essential);
  }

  /** Resolve once the writer queue is empty, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void> {
    return this.#writer.flush(timeoutMs);
  }

  /** Close the socket (linger bounds how long queued frames may still leave). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.close();
    this.#socket.close();
    await this.received;
  }

  async #receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.#socket) this.#handlers.onMessage(frames);
    } catch (err) {
      // The loop ends when the socket closes; anything else would be our bug, surfaced to the caller.
      if (!this.#closed) throw err;
    }
  }
}
