/**
 * One writer per zeromq socket: zeromq.js allows one pending send per socket (a second rejects with
 * EBUSY), so messages wait in a FIFO drained by a single loop. The broker's ROUTER uses it, and so do
 * the bench's raw peers (baselines, forwarder), so baselines pay the same per-message cost the broker does.
 * @packageDocumentation
 */

/** What the writer needs of a socket. */
export interface SendableSocket {
  send(frames: Buffer[]): Promise<void>;
}

/** Options of {@link SocketWriter}. */
export interface SocketWriterOptions {
  /** Most messages waiting before non-essential ones are dropped (and counted). Default: no limit. */
  limit?: number;
  /** Sees every failed send; the message is dropped. */
  onError?: (err: unknown, frames: Buffer[]) => void;
}

/** A FIFO of outgoing messages with one send loop. */
export class SocketWriter {
  readonly #socket: SendableSocket;
  readonly #limit: number;
  readonly #onError: (err: unknown, frames: Buffer[]) => void;
  #queue: (Buffer[] | undefined)[] = [];
  #head = 0;
  #writing = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];
  #dropped = 0;

  constructor(socket: SendableSocket, options: SocketWriterOptions = {}) {
    this.#socket = socket;
    this.#limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Messages waiting. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Messages dropped because the queue was at its limit or the writer closed. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Queue a message; false (and counted) when the queue is full or the writer closed. `essential`
   * messages skip the limit (the caller bounds them some other way).
   */
  send(frames: Buffer[], essential = false): boolean {
    if (this.#closed || (!essential && this.pending >= this.#limit)) {
      this.#dropped++;
      return false;
    }
    this.#queue.push(frames);
    if (!this.#writing) void this.#loop();
    return true;
  }

  /** Resolve once the queue is empty, or after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.pending === 0 && !this.#writing) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Drop what is queued and send nothing more. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
  }

  async #loop(): Promise<void> {
    this.#writing = true;
    while (this.#head < this.#queue.length && !this.#closed) {
      const frames = this.#queue[this.#head]!;
      this.#queue[this.#head] = undefined;
      this.#head++;
      try {
        await this.#socket.send(frames);
      } catch (err) {
        this.#onError(err, frames);
      }
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#writing = false;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
