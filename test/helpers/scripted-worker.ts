/**
 * A scripted MDP/0.1 worker for client tests: a raw zeromq DEALER that speaks MDPW01 through
 * protocol/encode, independent of the worker SDK. Each request goes to `onRequest`, which answers at once
 * (return the body), later (keep the {@link ScriptedRequest} and call `reply`), or never.
 * Heartbeats go out every interval, so the broker keeps it alive while it holds a request. After a
 * DISCONNECT (say the test process stalled and the broker expired it) it re-registers on a new socket, as
 * RFC 7 tells a worker to, so a slow machine does not turn into a missing worker.
 */
import { Dealer } from "zeromq";
import { decodeWorkerInbound } from "../../protocol/decode.js";
import { encodeReady, encodeWorkerDisconnect, encodeWorkerHeartbeat, encodeWorkerReply } from "../../protocol/encode.js";
import { encodeErrorReply, type ErrorReply } from "../../protocol/error-reply.js";
import { isDecodeIssue } from "../../protocol/errors.js";

/** A request the worker received. */
export interface ScriptedRequest {
  readonly clientAddress: Buffer;
  readonly body: readonly Buffer[];
  /** The body as UTF-8 text (frames concatenated). */
  readonly text: string;
  /** Send the reply now (once). */
  reply(body: string | Buffer | readonly Buffer[]): void;
  /** Send an error reply (domo-error/1) now. */
  fail(error: ErrorReply): void;
}

/** What to do with a request: return the reply body, or undefined to answer later (or never). */
export type RequestScript = (req: ScriptedRequest) => string | Buffer | readonly Buffer[] | undefined;

/** Options of {@link ScriptedWorker.start}. */
export interface ScriptedWorkerOptions {
  /** Must match the broker's interval (and be short in tests). */
  heartbeatIntervalMs: number;
  /** Default: echo the body. */
  onRequest?: RequestScript;
}

const toBody = (body: string | Buffer | readonly Buffer[]): Buffer[] =>
  typeof body === "string" ? [Buffer.from(body, "utf8")] : Buffer.isBuffer(body) ? [body] : [...body];

/** A raw worker. */
export class ScriptedWorker {
  readonly service: string;
  /** Every request received, in order. */
  readonly received: ScriptedRequest[] = [];
  readonly #endpoint: string;
  #socket: Dealer;
  readonly #onRequest: RequestScript;
  #queue: Buffer[][] = [];
  #writing = false;
  readonly #heartbeat: NodeJS.Timeout;
  #loop: Promise<void>;
  #closed = false;
  #disconnects = 0;

  private constructor(endpoint: string, service: string, options: ScriptedWorkerOptions) {
    this.service = service;
    this.#endpoint = endpoint;
    this.#onRequest = options.onRequest ?? ((req) => req.body);
    this.#socket = this.#open();
    this.#heartbeat = setInterval(() => this.#send(encodeWorkerHeartbeat()), options.heartbeatIntervalMs);
    this.#loop = this.#receive(this.#socket);
  }

  /** Connect and send READY. */
  static start(endpoint: string, service: string, options: ScriptedWorkerOptions): ScriptedWorker {
    return new ScriptedWorker(endpoint, service, options);
  }

  /** How many times the broker sent DISCONNECT. */
  get disconnects(): number {
    return this.#disconnects;
  }

  /** Send DISCONNECT (best effort) and close. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    if (!this.#socket.closed) {
      try {
        this.#socket.sendTimeout = 0;
        await this.#socket.send(encodeWorkerDisconnect());
      } catch {
        // busy or unroutable: closing is what matters
      }
      this.#socket.close();
    }
    await this.#loop;
  }

  #open(): Dealer {
    const socket = new Dealer({ linger: 0 });
    socket.connect(this.#endpoint);
    this.#socket = socket;
    this.#send(encodeReady(this.service));
    return socket;
  }

  /** Queue frames for the single writer (zeromq.js allows one pending send per socket). */
  #send(frames: Buffer[]): void {
    this.#queue.push(frames);
    this.#kick();
  }

  #kick(): void {
    if (this.#writing) return;
    this.#writing = true;
    void (async () => {
      try {
        while (this.#queue.length > 0 && !this.#socket.closed) {
          await this.#socket.send(this.#queue.shift()!);
        }
      } catch {
        // the socket was closed under the writer (close, or re-registration)
      } finally {
        this.#writing = false;
        // Frames queued for a new socket while the old send was failing still have to go.
        if (this.#queue.length > 0 && !this.#socket.closed) this.#kick();
      }
    })();
  }

  async #receive(socket: Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const msg = decodeWorkerInbound(frames);
        if (isDecodeIssue(msg)) continue;
        if (msg.kind === "broker-disconnect") {
          this.#disconnects += 1;
          if (this.#closed) return;
          // Re-register on a fresh socket (new routing id), as RFC 7 asks of a disconnected worker.
          socket.close();
          this.#queue = [];
          const next = this.#open();
          this.#loop = this.#receive(next);
          return;
        }
        if (msg.kind !== "broker-request") continue;
        let answered = false;
        const req: ScriptedRequest = {
          clientAddress: msg.clientAddress,
          body: msg.body,
          text: Buffer.concat(msg.body).toString("utf8"),
          reply: (body) => {
            if (answered || socket.closed) return;
            answered = true;
            this.#send(encodeWorkerReply(msg.clientAddress, toBody(body)));
          },
          fail: (error) => {
            if (answered || socket.closed) return;
            answered = true;
            this.#send(encodeWorkerReply(msg.clientAddress, encodeErrorReply(error)));
          },
        };
        this.received.push(req);
        const answer = this.#onRequest(req);
        if (answer !== undefined) req.reply(answer);
      }
    } catch {
      // closed
    }
  }
}
