/**
 * The single writer of one socket. zeromq.js allows one pending `send()` per socket (a second rejects
 * with EBUSY), so every outgoing message goes through this FIFO, drained by one loop. Callers push and
 * return at once: nothing on the receive path ever awaits a send.
 * @packageDocumentation
 */
import type { Writable } from "zeromq";

/** A bounded FIFO of multipart messages drained into one socket. */
export class SocketWriter {
  readonly #socket: Writable;
  readonly #limit: number;
  readonly #onError: (error: unknown) => void;
  #queue: Buffer[][] = [];
  #draining = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  /**
   * @param limit messages that may wait; a worker sends little (READY, one REPLY, heartbeats), so a
   *   queue this long only happens while the broker is unreachable.
   */
  constructor(socket: Writable, limit: number, onError: (error: unknown) => void) {
    this.#socket = socket;
    this.#limit = limit;
    this.#onError = onError;
  }

  /** Messages queued and not yet handed to libzmq. */
  get pending(): number {
    return this.#queue.length + (this.#draining ? 1 : 0);
  }

  /** Queue a message. False (message dropped) when the writer is closed or full. */
  push(frames: Buffer[], evenIfFull = false): boolean {
    if (this.#closed || (!evenIfFull && this.#queue.length >= this.#limit)) return false;
    this.#queue.push(frames);
    if (!this.#draining) void this.#drain();
    return true;
  }

  /** Resolves when everything queued has been handed to libzmq, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#idleWaiters.push(done);
    });
  }

  /** Stop draining and drop what is queued. The socket itself is closed by its owner. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#wakeIdle();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      for (let frames = this.#queue.shift(); frames !== undefined && !this.#closed; frames = this.#queue.shift()) {
        try {
          await this.#socket.send(frames);
        } catch (error) {
          // A send rejected because the socket closed under it is expected during reconnect and stop.
          if (!this.#closed) this.#onError(error);
        }
      }
    } finally {
      this.#draining = false;
      this.#wakeIdle();
    }
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
