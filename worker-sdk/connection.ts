/**
 * One capacity slot of a worker: one plain MDP/0.1 conversation at a time over its own DEALER.
 *
 * Per socket: exactly one READY, then HEARTBEATs every interval (idle or busy: the timer runs on the
 * event loop, not in the handler), one REQUEST at a time answered by one REPLY. On DISCONNECT, on
 * liveness x interval of silence, or on a socket error the socket is closed with linger 0 and a new one
 * (new routing id) sends READY again (7/MDP "Opening and Closing"), after a backoff unless the old link
 * had been healthy.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { EventEmitter } from "eventemitter3";
import type { Logger } from "pino";
import { Dealer } from "zeromq";
import { decodeWorkerInbound } from "../protocol/decode.js";
import { encodeReady, encodeWorkerDisconnect, encodeWorkerHeartbeat, encodeWorkerReply } from "../protocol/encode.js";
import { isDecodeIssue } from "../protocol/errors.js";
import type { BrokerRequest } from "../protocol/messages.js";
import { Backoff } from "./backoff.js";
import { ConnectionLostError, WorkerStoppedError } from "./errors.js";
import { DisconnectReason, WorkerErrorKind, type WorkerEvents } from "./events.js";
import type { ResolvedWorkerOptions } from "./options.js";
import { RateLimiter } from "./rate-limit.js";
import { PendingRequest } from "./request.js";
import { SocketWriter } from "./writer.js";

/** Messages a slot's writer may hold; see {@link SocketWriter}. */
const WRITER_LIMIT = 256;
/** Extra REQUESTs a misbehaving broker may push onto a busy slot before they are dropped. */
const BACKLOG_LIMIT = 64;
/** One warning per kind of malformed broker message per this window. */
const WARN_WINDOW_MS = 10_000;

/** Mutable counters a worker shares with its slots. */
export interface WorkerCounters {
  received: number;
  replied: number;
  failed: number;
  dropped: number;
  reconnects: number;
  heartbeatsSent: number;
  malformed: number;
}

/** What a slot needs from its worker: a narrow view, not the worker itself. */
export interface ConnectionHost {
  readonly options: ResolvedWorkerOptions;
  readonly log: Logger;
  readonly counters: WorkerCounters;
  /** Where slot events go (the worker itself). */
  readonly events: Pick<EventEmitter<WorkerEvents>, "emit">;
  /** A request arrived on an idle slot: hand it to user code. */
  deliver(request: PendingRequest): void;
  /** A request was answered; `delivered` is false when the answer could not be sent. */
  answered(request: PendingRequest, delivered: boolean, error: unknown): void;
  /** The slot cannot work at all (for example the endpoint is not valid for libzmq). */
  fatal(error: Error): void;
}

/** One socket of a slot. A slot replaces it, never reuses it. */
interface Link {
  readonly socket: Dealer;
  readonly writer: SocketWriter;
  /** Routing id as the broker sees it, hex. */
  readonly routingId: string;
  readonly log: Logger;
  heartbeatTimer: NodeJS.Timeout | undefined;
  /** Heartbeat ticks since the broker last sent anything. */
  silentTicks: number;
  lastSentAt: number;
  /** Received a command other than DISCONNECT: the broker accepted this socket. */
  healthy: boolean;
  closed: boolean;
}

const SlotState = { IDLE: "idle", RUNNING: "running", STOPPING: "stopping", STOPPED: "stopped" } as const;
type SlotState = (typeof SlotState)[keyof typeof SlotState];

/** One capacity slot. Created and driven by {@link Worker}. */
export class Connection {
  readonly slot: number;
  readonly #host: ConnectionHost;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #warnLimiter = new RateLimiter(WARN_WINDOW_MS);
  #state: SlotState = SlotState.IDLE;
  #link: Link | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #current: PendingRequest | undefined;
  #backlog: PendingRequest[] = [];
  #stopping: Promise<void> | undefined;

  constructor(slot: number, host: ConnectionHost) {
    this.slot = slot;
    this.#host = host;
    this.#log = host.log.child({ slot });
    const o = host.options;
    this.#backoff = new Backoff({
      initialDelayMs: o.reconnectInitialDelayMs,
      maxDelayMs: o.reconnectMaxDelayMs,
      jitterRatio: o.reconnectJitterRatio,
    });
  }

  /** A socket is open (READY sent). */
  get connected(): boolean {
    return this.#link !== undefined && !this.#link.closed;
  }

  /** A request is being served. */
  get busy(): boolean {
    return this.#current !== undefined;
  }

  /** Open the first socket. */
  start(): void {
    if (this.#state !== SlotState.IDLE) return;
    this.#state = SlotState.RUNNING;
    this.#open();
  }

  /**
   * Drain and close: wait for the request in progress (if user code has it) up to `drainTimeoutMs`,
   * send its REPLY, then DISCONNECT, and close the socket with linger so both leave. Idempotent.
   */
  stop(drainTimeoutMs: number): Promise<void> {
    this.#stopping ??= this.#stop(drainTimeoutMs);
    return this.#stopping;
  }

  async #stop(drainTimeoutMs: number): Promise<void> {
    const wasRunning = this.#state === SlotState.RUNNING;
    this.#state = SlotState.STOPPING;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    if (!wasRunning || this.#link === undefined) {
      this.#state = SlotState.STOPPED;
      return;
    }
    // Requests that never reached user code are not answered: the broker gets DISCONNECT and re-runs or
    // fails them (docs/protocol.md §5), which beats holding them until the drain timeout.
    const stopped = new WorkerStoppedError("the worker is stopping");
    for (const request of this.#backlog) this.#abandon(request, stopped);
    this.#backlog = [];
    const current = this.#current;
    if (current !== undefined && !current.taken) this.#abandon(current, stopped);
    else if (current !== undefined) {
      const finished = await settlesWithin(current.settled, drainTimeoutMs);
      if (!finished) {
        this.#log.warn({ drainTimeoutMs, client: current.clientAddressHex }, "request still running at drain timeout; abandoned");
        this.#abandon(
          current,
          new WorkerStoppedError(`stop(): request still running after drainTimeoutMs (${drainTimeoutMs}); raise drainTimeoutMs`),
        );
      }
    }
    this.#current = undefined;
    const link = this.#link;
    if (link !== undefined && !link.closed) {
      // 7/MDP: a worker MAY send DISCONNECT at any time; the broker then sends it nothing more.
      link.writer.push(encodeWorkerDisconnect(), true);
      const lingerMs = this.#host.options.stopLingerMs;
      await link.writer.whenIdle(lingerMs);
      // The link may have been lost meanwhile (the broker sent DISCONNECT or went silent): already closed.
      if (!link.closed) {
        this.#closeLink(link, lingerMs);
        this.#log.debug({ routingId: link.routingId }, "disconnected: stopping");
        this.#host.events.emit("disconnected", { slot: this.slot, routingId: link.routingId, reason: DisconnectReason.STOPPING });
      }
    }
    this.#state = SlotState.STOPPED;
  }

  #open(): void {
    this.#reconnectTimer = undefined;
    if (this.#state !== SlotState.RUNNING) return;
    const { broker, service, heartbeatIntervalMs } = this.#host.options;
    // Our own random id, so logs on both sides name the same connection; a new socket always gets a new
    // one, which is what 7/MDP's "reconnect on a new socket" needs (the broker must not see the old id).
    const id = randomBytes(6).toString("hex");
    const routingId = Buffer.from(id, "latin1").toString("hex");
    let socket: Dealer;
    try {
      // linger 0 until stop(): a replaced socket must never hold the process open.
      socket = new Dealer({ routingId: id, linger: 0 });
      socket.connect(broker);
    } catch (error) {
      this.#host.fatal(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const log = this.#log.child({ routingId });
    const writer = new SocketWriter(socket, WRITER_LIMIT, (error) => this.#socketError(link, error));
    const link: Link = {
      socket,
      writer,
      routingId,
      log,
      heartbeatTimer: undefined,
      silentTicks: 0,
      lastSentAt: performance.now(),
      healthy: false,
      closed: false,
    };
    this.#link = link;
    // 7/MDP: exactly one READY per socket, and never another on it.
    writer.push(encodeReady(service));
    link.heartbeatTimer = setInterval(() => this.#tick(link), heartbeatIntervalMs);
    // socket.events exists for every transport; only connection-oriented ones (tcp, ipc) report it.
    socket.events.on("disconnect", () => {
      if (!link.closed) this.#lose(link, DisconnectReason.TRANSPORT_LOST);
    });
    void this.#receive(link);
    log.debug({ endpoint: broker }, "connected: READY sent");
    this.#host.events.emit("connected", { slot: this.slot, routingId, endpoint: broker });
  }

  async #receive(link: Link): Promise<void> {
    try {
      for await (const frames of link.socket) {
        if (link.closed) break;
        this.#onMessage(link, frames);
      }
    } catch (error) {
      if (!link.closed) this.#socketError(link, error);
    }
  }

  #onMessage(link: Link, frames: Buffer[]): void {
    const message = decodeWorkerInbound(frames);
    if (isDecodeIssue(message)) {
      // 7/MDP: invalid messages are dropped. They do not count as a sign of life.
      this.#host.counters.malformed += 1;
      const suppressed = this.#warnLimiter.take(message.code, performance.now());
      if (suppressed !== undefined) {
        link.log.warn({ code: message.code, detail: message.detail, suppressed }, "dropped malformed message from broker");
      }
      return;
    }
    link.silentTicks = 0;
    switch (message.kind) {
      case "broker-heartbeat":
        this.#markHealthy(link);
        return;
      case "broker-request":
        this.#markHealthy(link);
        this.#onRequest(link, message);
        return;
      case "broker-disconnect":
        this.#lose(link, DisconnectReason.BROKER_DISCONNECT);
        return;
    }
  }

  #markHealthy(link: Link): void {
    if (link.healthy) return;
    link.healthy = true;
    this.#backoff.reset();
    link.log.debug("broker answered: link healthy");
  }

  #onRequest(link: Link, message: BrokerRequest): void {
    if (this.#state !== SlotState.RUNNING) {
      // Sent before the broker read our DISCONNECT; it re-runs or fails the request when it does.
      this.#host.counters.dropped += 1;
      link.log.debug("request arrived while stopping; left to the broker");
      return;
    }
    const request = new PendingRequest({
      service: this.#host.options.service,
      body: message.body,
      clientAddress: message.clientAddress,
      slot: this.slot,
      link,
      respond: (answered, frames, error) => this.#respond(answered, frames, error),
    });
    this.#host.counters.received += 1;
    if (this.#current === undefined) {
      this.#current = request;
      this.#host.deliver(request);
      return;
    }
    // A conforming broker sends one REQUEST at a time per worker; serve extras in order, like a
    // single-threaded reference worker would, rather than answering them concurrently.
    if (this.#backlog.length >= BACKLOG_LIMIT) {
      this.#host.counters.dropped += 1;
      link.log.warn({ backlog: this.#backlog.length }, "broker sent too many REQUESTs to a busy worker; dropped");
      return;
    }
    link.log.warn("broker sent a REQUEST to a busy worker; queued behind the current one");
    this.#backlog.push(request);
  }

  #respond(request: PendingRequest, frames: Buffer[], error: unknown): void {
    const link = this.#link;
    const delivered = link !== undefined && request.link === link && !link.closed;
    if (delivered) {
      link.writer.push(encodeWorkerReply(request.clientAddress, frames), true);
      link.lastSentAt = performance.now();
    }
    this.#host.answered(request, delivered, error);
    if (this.#current !== request) return;
    this.#current = undefined;
    const next = this.#backlog.shift();
    if (next !== undefined) {
      this.#current = next;
      this.#host.deliver(next);
    }
  }

  #tick(link: Link): void {
    if (link.closed) return;
    const { heartbeatIntervalMs, heartbeatLiveness } = this.#host.options;
    // Silence is counted in ticks, as mdwrkapi counts poll timeouts, not in wall time: if the event loop
    // was blocked, the broker's heartbeats are waiting unread in the socket, and a wall-clock check would
    // declare a live broker dead before the receive loop got to run. A late tick counts once.
    link.silentTicks += 1;
    if (link.silentTicks > heartbeatLiveness) {
      this.#lose(link, DisconnectReason.BROKER_SILENT);
      return;
    }
    const now = performance.now();
    // 7/MDP: no HEARTBEAT needed while other commands flow; half an interval keeps the gap the broker
    // sees below 1.5 intervals.
    if (now - link.lastSentAt >= heartbeatIntervalMs / 2 && link.writer.push(encodeWorkerHeartbeat())) {
      link.lastSentAt = now;
      this.#host.counters.heartbeatsSent += 1;
    }
  }

  #socketError(link: Link, error: unknown): void {
    if (link.closed) return;
    const err = error instanceof Error ? error : new Error(String(error));
    link.log.warn({ err }, "socket error; reconnecting");
    this.#host.events.emit("error", { kind: WorkerErrorKind.SOCKET, error: err, slot: this.slot });
    this.#lose(link, DisconnectReason.SOCKET_ERROR);
  }

  /** The link is gone: close it, abandon its requests, and (unless stopping) open a new one later. */
  #lose(link: Link, reason: DisconnectReason): void {
    if (link.closed || link !== this.#link) return;
    this.#closeLink(link, 0);
    const lost = new ConnectionLostError(`connection to ${this.#host.options.broker} lost (${reason})`);
    if (this.#current !== undefined) this.#abandon(this.#current, lost);
    for (const request of this.#backlog) this.#abandon(request, lost);
    this.#current = undefined;
    this.#backlog = [];
    if (this.#state !== SlotState.RUNNING) {
      link.log.info({ reason }, "disconnected while stopping");
      this.#host.events.emit("disconnected", { slot: this.slot, routingId: link.routingId, reason });
      return;
    }
    // After DISCONNECT from a broker that had accepted us (typically: it restarted), re-register at once;
    // a broker that rejects us straight away, or silence, gets the backoff.
    const quickRetry = reason === DisconnectReason.BROKER_DISCONNECT || reason === DisconnectReason.TRANSPORT_LOST;
    const delayMs = quickRetry && link.healthy ? 0 : this.#backoff.next();
    this.#host.counters.reconnects += 1;
    link.log.info({ reason, reconnectDelayMs: delayMs }, "disconnected; reconnecting");
    this.#host.events.emit("disconnected", { slot: this.slot, routingId: link.routingId, reason, reconnectDelayMs: delayMs });
    if (delayMs === 0) this.#open();
    else this.#reconnectTimer = setTimeout(() => this.#open(), delayMs);
  }

  #abandon(request: PendingRequest, reason: Error): void {
    if (!request.answered) this.#host.counters.dropped += 1;
    request.abandon(reason);
  }

  #closeLink(link: Link, lingerMs: number): void {
    if (link.closed) return;
    link.closed = true;
    clearInterval(link.heartbeatTimer);
    link.writer.close();
    link.socket.linger = lingerMs;
    link.socket.close();
  }
}

/** True when `promise` settles within `timeoutMs`; never rejects. */
function settlesWithin(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
