/**
 * One DEALER socket to the broker with its single writer queue and single receive loop. zeromq.js allows
 * one pending send() and one pending receive() per socket (a second one rejects with EBUSY), so every
 * outgoing message goes through {@link Connection.enqueue} and one loop drains them in order.
 * The client replaces a Connection (never reconnects it) to drop stale queued messages and get a new
 * routing id, so late replies to the old one die at the broker's ROUTER.
 * @packageDocumentation
 */
import type { Logger } from "pino";
import { Dealer } from "zeromq";
import type { HeartbeatOptions } from "./options.js";

/** One outgoing message; `stillWanted` is checked just before writing, so abandoned attempts are skipped. */
export interface OutgoingMessage {
  readonly frames: Buffer[];
  readonly stillWanted: () => boolean;
}

/** Transport-level events, seen only when heartbeats are configured (socket monitor). */
export type TransportEvent = "handshake" | "disconnect";

/** What a Connection reports to its owner. Callbacks must not throw. */
export interface ConnectionHandlers {
  readonly onMessage: (frames: Buffer[], connection: Connection) => void;
  readonly onTransport?: (event: TransportEvent, connection: Connection) => void;
}

/** Settings of one connection. */
export interface ConnectionOptions {
  readonly endpoint: string;
  /** Sequence number of this socket in its client; logged and used to tell stale attempts apart. */
  readonly generation: number;
  readonly heartbeat: HeartbeatOptions | undefined;
  readonly logger: Logger;
}

/** A DEALER connected to the broker. */
export class Connection {
  readonly generation: number;
  readonly #socket: Dealer;
  readonly #handlers: ConnectionHandlers;
  readonly #log: Logger;
  readonly #queue: OutgoingMessage[] = [];
  #queueHead = 0;
  #writing = false;
  #closed = false;

  constructor(options: ConnectionOptions, handlers: ConnectionHandlers) {
    this.generation = options.generation;
    this.#handlers = handlers;
    this.#log = options.logger;
    const hb = options.heartbeat;
    this.#socket = new Dealer({
      // Everything unsent is abandoned on close: pending requests are re-sent or rejected by the client,
      // and linger 0 guarantees close() never holds the process.
      linger: 0,
      ...(hb === undefined
        ? {}
        : {
            // ZMTP PING/PONG: libzmq drops a connection whose peer stops answering, which the monitor
            // reports as "disconnect" even when no TCP FIN ever arrives (cable pulled, host frozen).
            heartbeatInterval: hb.heartbeatIntervalMs,
            heartbeatTimeout: hb.heartbeatIntervalMs * hb.heartbeatLiveness,
            heartbeatTimeToLive: Math.max(100, hb.heartbeatIntervalMs * hb.heartbeatLiveness),
          }),
    });
    if (handlers.onTransport !== undefined) {
      const onTransport = handlers.onTransport;
      this.#socket.events.on("handshake", () => {
        if (!this.#closed) onTransport("handshake", this);
      });
      this.#socket.events.on("disconnect", () => {
        if (!this.#closed) onTransport("disconnect", this);
      });
    }
    this.#socket.connect(options.endpoint);
    this.#receiveLoop().catch((err: unknown) => this.#log.error({ err, generation: this.generation }, "client receive loop failed"));
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Messages waiting for the writer. */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** Queue a message for the single writer. Never awaits, never throws. */
  enqueue(message: OutgoingMessage): void {
    if (this.#closed) return;
    this.#queue.push(message);
    if (!this.#writing) {
      this.#writing = true;
      this.#drain().catch((err: unknown) => this.#log.error({ err, generation: this.generation }, "client writer failed"));
    }
  }

  /** Close the socket at once (linger 0). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#queueHead = 0;
    if (!this.#socket.closed) {
      // Closing the socket also closes its monitor, which ends the observer's loop.
      this.#socket.close();
    }
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#closed && this.#queueHead < this.#queue.length) {
        const message = this.#queue[this.#queueHead]!;
        this.#queueHead += 1;
        if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
          this.#queue.splice(0, this.#queueHead);
          this.#queueHead = 0;
        }
        if (!message.stillWanted()) continue;
        try {
          await this.#socket.send(message.frames);
        } catch (err) {
          // Closed under us (replaced or client closed): the owner has already dealt with its requests.
          if (this.#closed || this.#socket.closed) return;
          this.#log.warn({ err, generation: this.generation }, "client send failed; the request will time out or be retried");
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #receiveLoop(): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await this.#socket.receive();
      } catch (err) {
        if (this.#closed || this.#socket.closed) return;
        this.#log.error({ err, generation: this.generation }, "client receive failed");
        return;
      }
      if (this.#closed) return;
      try {
        this.#handlers.onMessage(frames, this);
      } catch (err) {
        // Replies come from a peer: a bug in handling one must not end the loop for everyone else.
        this.#log.error({ err, generation: this.generation }, "client failed to handle a reply");
      }
    }
  }
}
