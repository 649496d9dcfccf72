/**
 * The MDP/0.1 client: many requests in flight on one DEALER, Lazy Pirate retries and Paranoid Pirate
 * broker liveness. See docs/client-sdk.md for the behaviour in prose.
 *
 * Request lifecycle (one record per request, one timer at a time):
 * - `sent`: written (or queued) on the current connection; the attempt timer runs.
 * - `held`: Paranoid mode with the broker down; waits for it to come back; the attempt timer runs.
 * - `waiting`: `plain` envelope mode, queued behind the one request in flight; no timer yet.
 * - `backoff`: an attempt timed out; the backoff timer runs, then the request is sent again.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "eventemitter3";
import { pino, type Logger } from "pino";
import { decodeClientReply } from "../protocol/decode.js";
import { encodeClientRequest } from "../protocol/encode.js";
import { decodeErrorReply, type ErrorReply } from "../protocol/error-reply.js";
import { isDecodeIssue } from "../protocol/errors.js";
import type { ClientReply } from "../protocol/messages.js";
import { decodeRequestTag, encodeRequestTag } from "../protocol/request-tag.js";
import { backoffDelayMs, requestBudgetMs } from "./backoff.js";
import { replyJson, replyText, toBodyFrames, type RequestBody } from "./body.js";
import { Connection, type TransportEvent } from "./connection.js";
import {
  AbortError,
  BrokerUnavailableError,
  ClosedError,
  InvalidArgumentError,
  InvalidReplyError,
  OverloadedError,
  TimeoutError,
  type ClientError,
} from "./errors.js";
import { errorFromReply } from "./reply-errors.js";
import { LivenessMonitor } from "./liveness.js";
import {
  EnvelopeMode,
  resolveClientOptions,
  resolveRequestOptions,
  type ClientOptions,
  type RequestOptions,
  type ResolvedClientOptions,
  type ResolvedRequestOptions,
} from "./options.js";

/** Events of a {@link Client} (Paranoid mode only). Listeners must not throw; if one does, it is logged. */
export interface ClientEvents {
  /** The broker answered after being unknown or lost. */
  connected: (info: { readonly endpoint: string }) => void;
  /** The broker was declared lost (socket closed, or liveness probes unanswered). */
  disconnected: (info: { readonly endpoint: string; readonly reason: string }) => void;
}

/** What the client believes about the broker. Always `unknown` in Lazy mode. */
export type BrokerState = "unknown" | "up" | "down";

/** Counters and gauges of one client. */
export interface ClientStats {
  readonly pending: number;
  readonly sent: number;
  /** Attempts that timed out and were sent again. */
  readonly retries: number;
  /** Sends after the first for a request, for any reason (retry, reset, broker back). */
  readonly resent: number;
  /** Messages received from the broker (replies, error replies, probe answers). */
  readonly received: number;
  /** Replies for requests no longer pending (late, duplicate); never handed to another request. */
  readonly droppedReplies: number;
  /** Messages that were not a well-formed client REPLY. */
  readonly malformedReplies: number;
  /** Times the socket was replaced. */
  readonly connectionResets: number;
  readonly probesSent: number;
  readonly brokerState: BrokerState;
}

type RequestState = "sent" | "held" | "waiting" | "backoff";

interface PendingRequest {
  readonly id: string;
  readonly idFrame: Buffer;
  readonly service: string;
  readonly body: Buffer[];
  readonly options: ResolvedRequestOptions;
  readonly deadlineAt: number;
  readonly resolve: (frames: Buffer[]) => void;
  readonly reject: (err: ClientError) => void;
  state: RequestState;
  /** Times sent; the tag's attempt number. */
  sends: number;
  /** Attempt windows that ended without a reply. */
  timeouts: number;
  /** Connection generation of the latest send. */
  generation: number;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  onAbort: (() => void) | undefined;
}

const MMI_SERVICE = "mmi.service";
const PROBE_BODY = [Buffer.alloc(0)];
/** Request ids are `<prefix>-<base36 n>`, probe ids `<prefix>~<base36 n>`: they can never collide. */
const PROBE_ID_MARK = "~";

/**
 * A client of an MDP/0.1 broker.
 *
 * ```ts
 * await using client = new Client({ endpoint: "tcp://127.0.0.1:5555" });
 * const frames = await client.request("echo", "hello", { timeoutMs: 1000, retries: 2 });
 * ```
 */
export class Client extends EventEmitter<ClientEvents> {
  /** The broker endpoint. */
  readonly endpoint: string;
  readonly #options: ResolvedClientOptions;
  readonly #log: Logger;
  readonly #paranoid: boolean;
  readonly #plain: boolean;
  readonly #idPrefix = randomBytes(4).toString("hex");
  readonly #pending = new Map<string, PendingRequest>();
  readonly #waiting: PendingRequest[] = [];
  readonly #liveness: LivenessMonitor | undefined;
  #connection: Connection;
  #slot: PendingRequest | undefined;
  #sequence = 0;
  #probeSequence = 0;
  #probeId: string | undefined;
  #plainProbeOutstanding = false;
  #consecutiveTimeouts = 0;
  #brokerState: BrokerState = "unknown";
  #closed = false;
  readonly #counters = {
    sent: 0,
    retries: 0,
    resent: 0,
    received: 0,
    droppedReplies: 0,
    malformedReplies: 0,
    connectionResets: 0,
    probesSent: 0,
  };

  /** Connect (lazily: libzmq connects in the background and reconnects by itself). */
  constructor(options: ClientOptions = {}) {
    super();
    this.#options = resolveClientOptions(options);
    this.endpoint = this.#options.endpoint;
    this.#paranoid = this.#options.heartbeat !== undefined;
    this.#plain = this.#options.envelope === EnvelopeMode.PLAIN;
    this.#log = (this.#options.logger ?? pino({ level: "silent" })).child({ component: "domo-client", endpoint: this.endpoint });
    this.#connection = this.#connect(1);
    if (this.#options.heartbeat !== undefined) {
      this.#liveness = new LivenessMonitor(this.#options.heartbeat, {
        sendProbe: () => this.#sendProbe(),
        onSilent: (silentMs) =>
          this.#onBrokerLost(`no answer to ${this.#options.heartbeat?.heartbeatLiveness} liveness probes in ${silentMs} ms`),
      });
      this.#liveness.start();
    }
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** What the client believes about the broker (Paranoid mode); `unknown` in Lazy mode. */
  get brokerState(): BrokerState {
    return this.#brokerState;
  }

  /** A snapshot of the counters. */
  stats(): ClientStats {
    return { ...this.#counters, pending: this.#pending.size, brokerState: this.#brokerState };
  }

  /**
   * Send a request to `service` and resolve with the reply's body frames. Rejects with TimeoutError,
   * BrokerUnavailableError, ServiceUnavailableError, OverloadedError, WorkerLostError, RemoteError,
   * AbortError, ClosedError or InvalidArgumentError (see their `code`s).
   */
  async request(service: string, body: RequestBody, options?: RequestOptions): Promise<Buffer[]> {
    if (typeof service !== "string" || service.length === 0 || /[^\x20-\xff]/.test(service)) {
      throw new InvalidArgumentError("service", `must be a non-empty name of printable latin1 characters, got ${JSON.stringify(service)}`);
    }
    const resolved = resolveRequestOptions(this.#options, options);
    const frames = toBodyFrames(body);
    if (this.#closed) throw new ClosedError(`the client for ${this.endpoint} is closed; create a new one`);
    const signal = resolved.signal;
    if (signal?.aborted === true) throw new AbortError(service, { cause: signal.reason });
    if (this.#pending.size >= this.#options.maxPending) {
      throw new OverloadedError({ service, detail: `${this.#options.maxPending} requests already pending (raise maxPending)` });
    }
    return new Promise<Buffer[]>((resolve, reject) => {
      this.#sequence += 1;
      const id = `${this.#idPrefix}-${this.#sequence.toString(36)}`;
      const req: PendingRequest = {
        id,
        idFrame: Buffer.from(id, "latin1"),
        service,
        body: frames,
        options: resolved,
        deadlineAt: Date.now() + requestBudgetMs(resolved.timeoutMs, resolved.retries, this.#options.backoff),
        resolve,
        reject,
        state: "waiting",
        sends: 0,
        timeouts: 0,
        generation: 0,
        timer: undefined,
        settled: false,
        onAbort: undefined,
      };
      if (signal !== undefined) {
        req.onAbort = () => this.#settle(req, new AbortError(service, { cause: signal.reason }));
        signal.addEventListener("abort", req.onAbort, { once: true });
      }
      this.#pending.set(id, req);
      this.#dispatch(req, true);
    });
  }

  /** {@link request}, with the reply read as UTF-8 text. */
  async requestText(service: string, body: RequestBody, options?: RequestOptions): Promise<string> {
    return replyText(await this.request(service, body, options));
  }

  /** {@link request}, with the reply parsed as JSON (InvalidReplyError when it is not JSON). */
  async requestJson<T = unknown>(service: string, body: RequestBody, options?: RequestOptions): Promise<T> {
    return replyJson<T>(await this.request(service, body, options));
  }

  /** Ask the broker (MMI `mmi.service`) whether `service` has a live worker: `200` → true, `404` → false. */
  async serviceAvailable(service: string, options?: RequestOptions): Promise<boolean> {
    const code = await this.requestText(MMI_SERVICE, service, options);
    if (code === "200") return true;
    if (code === "404") return false;
    throw new InvalidReplyError(`mmi.service answered ${JSON.stringify(code)}, expected "200" or "404"`);
  }

  /** Reject every pending request with ClosedError and close the socket (linger 0). Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#liveness?.stop();
    for (const req of [...this.#pending.values()]) {
      this.#settle(req, new ClosedError(`the client for ${this.endpoint} was closed before service "${req.service}" answered`));
    }
    this.#waiting.length = 0;
    this.#connection.close();
    this.#log.debug("client closed");
    return Promise.resolve();
  }

  /** `await using client = new Client(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- sending ----

  #connect(generation: number): Connection {
    return new Connection(
      { endpoint: this.endpoint, generation, heartbeat: this.#options.heartbeat, logger: this.#log },
      {
        onMessage: (frames, connection) => this.#onMessage(frames, connection),
        ...(this.#paranoid ? { onTransport: (event: TransportEvent, c: Connection) => this.#onTransport(event, c) } : {}),
      },
    );
  }

  /** Send `req` now, or hold it (broker down) or queue it (plain mode, another request in flight). */
  #dispatch(req: PendingRequest, newWindow: boolean): void {
    if (this.#closed || req.settled) return;
    if (this.#paranoid && this.#brokerState === "down") {
      if (!req.options.idempotent) {
        this.#settle(req, this.#brokerUnavailable(req, "the broker is unreachable and the request is not idempotent"));
        return;
      }
      req.state = "held";
      if (newWindow || req.timer === undefined) this.#armAttemptTimer(req);
      return;
    }
    if (this.#plain) {
      if (this.#slot !== undefined && this.#slot !== req) {
        clearTimeout(req.timer);
        req.timer = undefined;
        req.state = "waiting";
        if (!this.#waiting.includes(req)) this.#waiting.push(req);
        return;
      }
      this.#slot = req;
    }
    this.#send(req);
    if (newWindow || req.timer === undefined) this.#armAttemptTimer(req);
  }

  #send(req: PendingRequest): void {
    req.sends += 1;
    req.state = "sent";
    req.generation = this.#connection.generation;
    const sendNumber = req.sends;
    const envelope = this.#plain
      ? []
      : [
          encodeRequestTag({
            acceptsErrorReplies: true,
            idempotent: req.options.idempotent,
            attempt: sendNumber,
            ttlMs: Math.max(1, req.deadlineAt - Date.now()),
            requestId: req.idFrame,
          }),
        ];
    this.#connection.enqueue({
      frames: encodeClientRequest(envelope, req.service, req.body),
      stillWanted: () => !req.settled && req.state === "sent" && req.sends === sendNumber,
    });
    this.#counters.sent += 1;
    if (sendNumber > 1) this.#counters.resent += 1;
    this.#log.debug({ requestId: req.id, service: req.service, attempt: sendNumber, generation: req.generation }, "request sent");
  }

  #armAttemptTimer(req: PendingRequest): void {
    clearTimeout(req.timer);
    req.timer = setTimeout(() => this.#onAttemptTimeout(req), req.options.timeoutMs);
  }

  #onAttemptTimeout(req: PendingRequest): void {
    req.timer = undefined;
    if (req.settled || this.#closed) return;
    const wasSent = req.state === "sent";
    const wasHeld = req.state === "held";
    req.timeouts += 1;
    // No longer in flight on the connection: a reset below must not re-send it.
    req.state = "backoff";
    if (wasSent && req.generation === this.#connection.generation) this.#consecutiveTimeouts += 1;
    const exhausted = req.timeouts > req.options.retries;
    this.#log.debug({ requestId: req.id, service: req.service, attempt: req.sends, exhausted }, "request attempt timed out");

    if (this.#plain && wasSent) {
      // Correlation is by order: a late reply on this socket would be taken for the next request.
      this.#resetConnection("an attempt timed out (plain envelope mode)", () => undefined);
    } else if (!this.#paranoid && this.#consecutiveTimeouts >= this.#options.resetAfterTimeouts) {
      // Other requests sent on the old socket keep their timers and retry on the new one when they time
      // out. Re-sending them at once would move them to the new socket, where their timeouts would count
      // again: a burst of n timeouts would then replace the socket n/2 times.
      this.#resetConnection(`${this.#consecutiveTimeouts} attempts in a row timed out with nothing received`, () => undefined);
    }

    if (exhausted) {
      this.#settle(
        req,
        wasHeld || req.sends === 0
          ? this.#brokerUnavailable(req, `unreachable for the whole budget of ${req.timeouts} attempt(s) of ${req.options.timeoutMs} ms`)
          : new TimeoutError({ endpoint: this.endpoint, service: req.service, attempts: req.sends, timeoutMs: req.options.timeoutMs }),
      );
      return;
    }
    this.#counters.retries += 1;
    req.timer = setTimeout(() => {
      req.timer = undefined;
      this.#dispatch(req, true);
    }, backoffDelayMs(req.timeouts, this.#options.backoff));
  }

  /**
   * Replace the socket: a new routing id, an empty pipe, and late replies to the old one dropped by the
   * broker's ROUTER. Requests whose latest send went out on the old socket can no longer be answered;
   * `onOrphan` decides what happens to each.
   */
  #resetConnection(reason: string, onOrphan: (req: PendingRequest) => void): void {
    const old = this.#connection;
    old.close();
    this.#connection = this.#connect(old.generation + 1);
    this.#consecutiveTimeouts = 0;
    this.#probeId = undefined;
    this.#plainProbeOutstanding = false;
    this.#liveness?.restart();
    this.#counters.connectionResets += 1;
    this.#log.warn({ reason, generation: this.#connection.generation }, "replaced the broker connection");
    for (const req of [...this.#pending.values()]) {
      if (!req.settled && req.state === "sent" && req.generation === old.generation) onOrphan(req);
    }
  }

  // ---- receiving ----

  #onMessage(frames: Buffer[], connection: Connection): void {
    if (connection !== this.#connection || this.#closed) return;
    this.#counters.received += 1;
    this.#consecutiveTimeouts = 0;
    this.#liveness?.heard();
    if (this.#paranoid && this.#brokerState !== "up") this.#onBrokerUp();
    const reply = decodeClientReply(frames);
    if (isDecodeIssue(reply)) {
      this.#counters.malformedReplies += 1;
      this.#log.debug({ issue: reply.code, detail: reply.detail }, "dropped a malformed reply");
      return;
    }
    const req = this.#plain ? this.#matchPlain(reply) : this.#matchTagged(reply);
    if (req === undefined) return;
    const error = decodeErrorReply(reply.body);
    if (error === undefined) {
      this.#log.debug({ requestId: req.id, service: req.service, attempt: req.sends }, "reply received");
      this.#settle(req, undefined, reply.body as Buffer[]);
    } else {
      this.#log.debug({ requestId: req.id, service: req.service, remoteCode: error.code }, "error reply received");
      this.#settle(req, this.#errorFromReply(req, error), undefined, true);
    }
  }

  #matchTagged(reply: ClientReply): PendingRequest | undefined {
    const tag = decodeRequestTag(reply.envelope[reply.envelope.length - 1]);
    if (tag === undefined) {
      this.#counters.malformedReplies += 1;
      this.#log.debug({ envelopeFrames: reply.envelope.length }, "dropped a reply without a request tag");
      return undefined;
    }
    const id = tag.requestId.toString("latin1");
    if (id === this.#probeId) {
      this.#probeId = undefined;
      return undefined;
    }
    const req = this.#pending.get(id);
    if (req === undefined || req.service !== reply.service) {
      // Late (the request ended or was answered already), or an old probe: never anyone else's answer.
      if (!id.startsWith(`${this.#idPrefix}${PROBE_ID_MARK}`)) {
        this.#counters.droppedReplies += 1;
        this.#log.debug({ requestId: id, service: reply.service, attempt: tag.attempt }, "dropped a reply for a request no longer pending");
      }
      return undefined;
    }
    return req;
  }

  #matchPlain(reply: ClientReply): PendingRequest | undefined {
    const req = this.#slot;
    if (req !== undefined && req.state === "sent" && reply.service === req.service) return req;
    if (this.#plainProbeOutstanding && reply.service === MMI_SERVICE) {
      this.#plainProbeOutstanding = false;
      return undefined;
    }
    this.#counters.droppedReplies += 1;
    this.#log.debug({ service: reply.service }, "dropped a reply no request is waiting for");
    return undefined;
  }

  #errorFromReply(req: PendingRequest, error: ErrorReply): ClientError {
    return errorFromReply(error, { endpoint: this.endpoint, service: req.service, attempts: req.sends, timeoutMs: req.options.timeoutMs });
  }

  /** End a request. `answered`: the broker or worker replied (an error reply included). */
  #settle(req: PendingRequest, error: ClientError | undefined, frames?: Buffer[], answered = error === undefined): void {
    if (req.settled) return;
    const abandonedInFlight = this.#plain && this.#slot === req && req.state === "sent" && !answered;
    req.settled = true;
    clearTimeout(req.timer);
    req.timer = undefined;
    this.#pending.delete(req.id);
    if (req.onAbort !== undefined) req.options.signal?.removeEventListener("abort", req.onAbort);
    if (this.#plain) {
      if (this.#slot === req) this.#slot = undefined;
      else if (req.state === "waiting") this.#waiting.splice(this.#waiting.indexOf(req), 1);
      if (abandonedInFlight && !this.#closed && this.#brokerState !== "down") {
        // Abandoned while in flight (aborted): its reply may still come and must not answer the next one.
        this.#resetConnection("an in-flight request was abandoned (plain envelope mode)", () => undefined);
      }
    }
    if (error === undefined) req.resolve(frames ?? []);
    else {
      this.#log.debug({ requestId: req.id, service: req.service, code: error.code }, "request failed");
      req.reject(error);
    }
    if (this.#plain && this.#slot === undefined && !this.#closed) {
      const next = this.#waiting.shift();
      if (next !== undefined) this.#dispatch(next, true);
    }
  }

  #brokerUnavailable(req: PendingRequest, reason: string): BrokerUnavailableError {
    return new BrokerUnavailableError({ endpoint: this.endpoint, service: req.service, reason });
  }

  // ---- Paranoid Pirate ----

  #sendProbe(): void {
    if (this.#closed) return;
    let frames: Buffer[];
    if (this.#plain) {
      // Probe replies are told apart by their service frame, which is ambiguous while the one request in
      // flight is itself for mmi.service: skip the probe then.
      if (this.#slot?.service === MMI_SERVICE || this.#plainProbeOutstanding) return;
      this.#plainProbeOutstanding = true;
      frames = encodeClientRequest([], MMI_SERVICE, PROBE_BODY);
    } else {
      this.#probeSequence += 1;
      const id = `${this.#idPrefix}${PROBE_ID_MARK}${this.#probeSequence.toString(36)}`;
      this.#probeId = id;
      const hb = this.#options.heartbeat;
      const tag = encodeRequestTag({
        acceptsErrorReplies: true,
        idempotent: true,
        attempt: 1,
        ttlMs: hb === undefined ? 0 : hb.heartbeatIntervalMs * hb.heartbeatLiveness,
        requestId: Buffer.from(id, "latin1"),
      });
      frames = encodeClientRequest([tag], MMI_SERVICE, PROBE_BODY);
    }
    this.#counters.probesSent += 1;
    this.#connection.enqueue({ frames, stillWanted: () => !this.#closed });
  }

  #onTransport(event: TransportEvent, connection: Connection): void {
    if (connection !== this.#connection || this.#closed) return;
    if (event === "handshake") {
      // Connected at the ZMTP level: ask the broker itself right away instead of waiting for a tick.
      if (this.#brokerState !== "up") this.#sendProbe();
    } else if (this.#brokerState !== "down") {
      this.#onBrokerLost("the connection to the broker closed");
    }
  }

  #onBrokerLost(reason: string): void {
    if (this.#closed) return;
    const wasUp = this.#brokerState === "up";
    this.#brokerState = "down";
    this.#resetConnection(reason, (req) => {
      if (req.options.idempotent) {
        req.state = "held";
      } else {
        this.#settle(req, this.#brokerUnavailable(req, `${reason}; the request is not idempotent, so it is not re-sent`));
      }
    });
    if (wasUp) {
      this.#log.warn({ reason }, "broker lost");
      this.#emitSafe("disconnected", { endpoint: this.endpoint, reason });
    }
  }

  #onBrokerUp(): void {
    const wasDown = this.#brokerState === "down";
    this.#brokerState = "up";
    if (wasDown) this.#log.info("broker back");
    this.#emitSafe("connected", { endpoint: this.endpoint });
    for (const req of [...this.#pending.values()]) {
      if (req.state === "held") this.#dispatch(req, false);
    }
  }

  #emitSafe<E extends keyof ClientEvents>(event: E, info: Parameters<ClientEvents[E]>[0]): void {
    try {
      (this.emit as (event: E, info: Parameters<ClientEvents[E]>[0]) => boolean)(event, info);
    } catch (err) {
      this.#log.error({ err, event }, "a client event listener threw");
    }
  }
}
