/**
 * A client without the SDK: one DEALER connected to one or more endpoints (libzmq round-robins between
 * them), many requests in flight, correlated by a 4-byte id frame that the far side returns.
 * - baselines: `[id][body...]` out, `[id][reply...]` back (no MDP);
 * - `mdp-raw`: `[id][""][MDPC01][service][body...]` out and back: plain MDP/0.1, the id being the one
 *   envelope frame the broker returns (docs/protocol.md §2), with none of the SDK's work.
 * @packageDocumentation
 */
import { Dealer } from "zeromq";
import { MDPC01 } from "../../protocol/constants.js";
import { decodeErrorReply } from "../../protocol/error-reply.js";
import { SocketWriter } from "../../broker/transport/socket-writer.js";
import { LoadRemoteError, LoadTimeoutError, type LoadTransport } from "./transport.js";

/** How often pending requests are checked for timeouts. */
const TIMEOUT_SWEEP_MS = 50;
/** Same high-water marks as the broker's socket (config/defaults.ts), so no side queues more. */
const HIGH_WATER_MARK = 10_000;

interface Pending {
  resolve(frames: Buffer[]): void;
  reject(err: Error): void;
  deadline: number;
}

/** How requests are framed around the id and the body. */
export interface RawFraming {
  /** Frames between the id and the body. */
  prefix: readonly Buffer[];
  /** Frames of a reply before its body, the id included. */
  replyHeaderFrames: number;
}

/** No framing: the baselines. */
export const BARE_FRAMING: RawFraming = { prefix: [], replyHeaderFrames: 1 };

/** Plain MDP/0.1 client framing for `service`. */
export function mdpFraming(service: string): RawFraming {
  return { prefix: [Buffer.alloc(0), MDPC01, Buffer.from(service, "latin1")], replyHeaderFrames: 4 };
}

/** A raw DEALER client. */
export class RawTransport implements LoadTransport {
  readonly #socket: Dealer;
  readonly #writer: SocketWriter;
  // Insertion order is send order, and every request has the same timeout: the oldest expires first.
  readonly #pending = new Map<number, Pending>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #framing: RawFraming;
  #nextId = 0;
  #closed = false;

  constructor(endpoints: readonly string[], framing: RawFraming = BARE_FRAMING) {
    this.#framing = framing;
    this.#socket = new Dealer({ linger: 0, sendHighWaterMark: HIGH_WATER_MARK, receiveHighWaterMark: HIGH_WATER_MARK });
    for (const endpoint of endpoints) this.#socket.connect(endpoint);
    this.#writer = new SocketWriter(this.#socket);
    this.#sweeper = setInterval(() => this.#sweep(), TIMEOUT_SWEEP_MS);
    void this.#receive();
  }

  request(body: Buffer[], timeoutMs: number): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId;
      this.#nextId = (this.#nextId + 1) >>> 0;
      const idFrame = Buffer.allocUnsafe(4);
      idFrame.writeUInt32BE(id, 0);
      this.#pending.set(id, { resolve, reject, deadline: performance.now() + timeoutMs });
      this.#writer.send([idFrame, ...this.#framing.prefix, ...body]);
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#writer.close();
    this.#socket.close();
    const error = new Error("transport closed");
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    return Promise.resolve();
  }

  async #receive(): Promise<void> {
    try {
      for await (const frames of this.#socket) {
        const idFrame = frames[0];
        if (idFrame === undefined || idFrame.length !== 4) continue;
        const id = idFrame.readUInt32BE(0);
        const pending = this.#pending.get(id);
        if (!pending) continue; // late reply to a request that already timed out
        this.#pending.delete(id);
        const body = frames.slice(this.#framing.replyHeaderFrames);
        const error = decodeErrorReply(body);
        if (error) pending.reject(new LoadRemoteError(error.code, error.message));
        else pending.resolve(body);
      }
    } catch (err) {
      if (!this.#closed) throw err;
    }
  }

  #sweep(): void {
    const now = performance.now();
    for (const [id, pending] of this.#pending) {
      if (pending.deadline > now) break;
      this.#pending.delete(id);
      pending.reject(new LoadTimeoutError("no reply in time"));
    }
  }
}
