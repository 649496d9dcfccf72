/**
 * One writer per zeromq socket for the bench's raw peers (baselines, raw clients): zeromq.js allows one
 * pending send per socket, so messages wait in a FIFO drained by a single loop. The same design as the
 * broker's writer, so the baselines pay the same per-message cost the broker does.
 * @packageDocumentation
 */

/** What the writer needs of a socket. */
export interface SendableSocket {
  send(frames: Buffer[]): Promise<void>;
}

/** A FIFO of outgoing messages with one send loop. */
export class SocketWriter {
  readonly #socket: SendableSocket;
  readonly #onError: (err: unknown, frames: Buffer[]) => void;
  #queue: (Buffer[] | undefined)[] = [];
  #head = 0;
  #writing = false;
  #closed = false;

  /** `onError` sees every failed send (the message is dropped). */
  constructor(socket: SendableSocket, onError: (err: unknown, frames: Buffer[]) => void = () => undefined) {
    this.#socket = socket;
    this.#onError = onError;
  }

  /** Messages waiting. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Queue one message. */
  send(frames: Buffer[]): void {
    if (this.#closed) return;
    this.#queue.push(frames);
    if (!this.#writing) void this.#loop();
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
  }
}
