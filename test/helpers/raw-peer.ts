/**
 * A peer that speaks raw frames to a broker: a DEALER (or REQ) whose received messages are buffered,
 * so a test can send exact bytes and wait for exact replies, with deadlines.
 */
import { Dealer, Request } from "zeromq";

/** Frames from a string list: strings become latin1 frames, Buffers pass through. */
export function frames(...parts: (string | Buffer | number[])[]): Buffer[] {
  return parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Array.isArray(p) ? Buffer.from(p) : p));
}

/** Render frames as strings for assertions (latin1; one-byte command frames as \\xNN). */
export function show(message: readonly Buffer[]): string[] {
  return message.map((f) => (f.length === 1 && f[0]! < 0x20 ? `\\x${f[0]!.toString(16).padStart(2, "0")}` : f.toString("latin1")));
}

/** A raw-frame peer. */
export class RawPeer {
  readonly socket: Dealer | Request;
  readonly #inbox: Buffer[][] = [];
  #wake: (() => void) | undefined;
  #sending: Promise<void> = Promise.resolve();
  #ended = false;
  readonly #loop: Promise<void>;

  private constructor(socket: Dealer | Request) {
    this.socket = socket;
    this.#loop = this.#receive();
  }

  /** A DEALER connected to `endpoint`. */
  static dealer(endpoint: string, routingId?: string): RawPeer {
    const socket = new Dealer({ linger: 0, ...(routingId !== undefined && { routingId }) });
    socket.connect(endpoint);
    return new RawPeer(socket);
  }

  /** A REQ connected to `endpoint`. */
  static req(endpoint: string, routingId?: string): RawPeer {
    const socket = new Request({ linger: 0, ...(routingId !== undefined && { routingId }) });
    socket.connect(endpoint);
    return new RawPeer(socket);
  }

  /** Send one message (sends are serialised, so callers may fire several). */
  send(message: Buffer[]): Promise<void> {
    this.#sending = this.#sending.then(() => this.socket.send(message));
    return this.#sending;
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.#inbox.length;
  }

  /** Take the next message; reject after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inbox.length === 0) {
      if (this.#ended) throw new Error("peer closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.#inbox.shift()!;
  }

  /** Take messages until one satisfies `match`; others are discarded. Reject after `timeoutMs`. */
  async nextMatching(match: (m: Buffer[]) => boolean, timeoutMs = 3000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = await this.next(Math.max(1, deadline - Date.now()));
      if (match(m)) return m;
    }
  }

  /**
   * Resolve true if no message matching `match` arrives within `windowMs`. Used only to show
   * that something does *not* happen; the window is a bound on the claim, not a wait for an event.
   */
  async staysQuiet(windowMs: number, match: (m: Buffer[]) => boolean = () => true): Promise<boolean> {
    try {
      await this.nextMatching(match, windowMs);
      return false;
    } catch {
      return true;
    }
  }

  /** Close the socket. */
  async close(): Promise<void> {
    this.socket.close();
    await this.#loop;
  }

  async #receive(): Promise<void> {
    try {
      for await (const message of this.socket) {
        this.#inbox.push(message);
        this.#wake?.();
      }
    } catch {
      // closed
    }
    // Wake a pending next() so it fails now instead of at its deadline (which would hold the process open).
    this.#ended = true;
    this.#wake?.();
  }
}
