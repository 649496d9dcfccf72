/**
 * The Broker facade: binds the socket, feeds the core, runs the liveness timer, and exposes start,
 * drain, close, stats and typed events. Logic lives in the parts it composes, not here.
 * @packageDocumentation
 */
import { EventEmitter } from "eventemitter3";
import type { Logger } from "pino";
import { brokerConfigSchema, type BrokerConfig, type BrokerConfigInput } from "../config/schema.js";
import { MDPC01, MDPW01, WorkerCommand } from "../protocol/constants.js";
import { systemClock, type Clock } from "./clock.js";
import type { BrokerContext } from "./context.js";
import { createBrokerContext, dispatchFrames, livenessTick, tickIntervalMs } from "./core.js";
import type { BrokerEvents } from "./events.js";
import { BUILT_IN_MMI, health } from "./handlers/mmi.js";
import { silentLogger } from "./logger.js";
import { WorkerRemovalReason } from "./removal-reason.js";
import { beginDrain, endAllWork } from "./shutdown.js";
import { snapshot, type BrokerStats } from "./stats.js";
import { RouterEndpoint, type SendFailure } from "./transport/router-endpoint.js";
import { removeWorker } from "./worker-lifecycle.js";

/** Slack on top of two tick periods before a late liveness pass counts as a stall of our own. */
const STALL_GRACE_MS = 50;

/** Options of {@link Broker.start}. */
export interface BrokerOptions {
  /** Any subset of the config; the rest comes from the built-in defaults. */
  config?: BrokerConfigInput;
  /** A pino logger; silent when absent. */
  logger?: Logger;
  /** Time source (tests). */
  clock?: Clock;
}

/**
 * A running MDP/0.1 broker.
 *
 * @example
 * ```ts
 * const broker = await Broker.start({ config: { bind: ["tcp://127.0.0.1:5555"] } });
 * console.log(broker.endpoints, broker.stats().workers);
 * await broker.close();
 * ```
 */
export class Broker extends EventEmitter<BrokerEvents> {
  readonly config: BrokerConfig;
  readonly #ctx: BrokerContext;
  readonly #log: Logger;
  #endpoint: RouterEndpoint | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  private constructor(config: BrokerConfig, logger: Logger, clock: Clock) {
    super();
    this.config = config;
    this.#log = logger;
    this.#ctx = createBrokerContext({
      config,
      clock,
      logger,
      events: this,
      send: (frames, essential) => this.#endpoint?.send(frames, essential) ?? false,
    });
  }

  /** Validate the config, bind every address and start serving. Rejects with BindError if an address is taken. */
  static async start(options: BrokerOptions = {}): Promise<Broker> {
    const config = brokerConfigSchema.parse(options.config ?? {});
    const broker = new Broker(config, options.logger ?? silentLogger(), options.clock ?? systemClock);
    const t = config.transport;
    broker.#endpoint = await RouterEndpoint.bind(
      config.bind,
      {
        maxMessageBytes: t.maxMessageBytes,
        sendHighWaterMark: t.sendHighWaterMark,
        receiveHighWaterMark: t.receiveHighWaterMark,
        writerQueueLimit: t.writerQueueLimit,
        lingerMs: t.lingerMs,
      },
      {
        onMessage: (frames) => broker.#onMessage(frames),
        onSendFailure: (frames, failure) => broker.#onSendFailure(frames, failure),
      },
    );
    broker.#endpoint.received.catch((err: unknown) => broker.#log.error({ err }, "receive loop failed"));
    const tickMs = tickIntervalMs(broker.#ctx);
    let lastTickMs = broker.#ctx.clock.now();
    broker.#timer = setInterval(() => {
      const now = broker.#ctx.clock.now();
      // A pass that comes far later than scheduled means this process stalled (GC, CPU starvation).
      const stalled = now - lastTickMs > 2 * tickMs + STALL_GRACE_MS;
      lastTickMs = now;
      try {
        livenessTick(broker.#ctx, { purge: !stalled });
      } catch (err) {
        broker.#log.error({ err }, "bug: liveness pass threw");
      }
    }, tickMs);
    broker.#timer.unref();
    broker.#log.info({ endpoints: broker.endpoints, heartbeat: config.heartbeat }, "broker bound");
    return broker;
  }

  /**
   * Events are observability hooks: a listener that throws is logged and ignored, because the state
   * change it observes is half-done at that point and must complete (the request is already answered).
   */
  override emit<E extends EventEmitter.EventNames<BrokerEvents>>(
    event: E,
    ...args: EventEmitter.EventArgs<BrokerEvents, E>
  ): boolean {
    try {
      return super.emit(event, ...args);
    } catch (err) {
      this.#log.error({ err, event }, "a broker event listener threw; ignored");
      return true;
    }
  }

  /** Bound endpoints with real ports (a `tcp://…:*` bind shows the port it got). */
  get endpoints(): string[] {
    return [...(this.#endpoint?.endpoints ?? [])];
  }

  /** A snapshot of workers, queues and counters. */
  stats(): BrokerStats {
    return snapshot(this.#ctx, { pending: this.#endpoint?.pending ?? 0, dropped: this.#endpoint?.dropped ?? 0 });
  }

  /** The facts mmi.health reports. */
  health(): Record<string, unknown> {
    return health(this.#ctx);
  }

  /**
   * Answer an extra `mmi.*` service (8/MMI leaves the namespace to the broker). The built-in ones
   * (`mmi.service`, `mmi.services`, `mmi.workers`, `mmi.health`) cannot be replaced. Returns a function
   * that removes it again.
   */
  addMmiService(name: string, answer: (argument: string) => string): () => void {
    if (!name.startsWith("mmi.") || BUILT_IN_MMI.has(name)) {
      throw new RangeError(`addMmiService: '${name}' must start with "mmi." and not be one of ${[...BUILT_IN_MMI].join(", ")}`);
    }
    this.#ctx.mmiExtensions.set(name, answer);
    return () => {
      if (this.#ctx.mmiExtensions.get(name) === answer) this.#ctx.mmiExtensions.delete(name);
    };
  }

  /**
   * Stop taking requests, let queued and in-flight ones finish for up to `timeoutMs`, then close.
   * New requests meanwhile are refused (DOMO_DRAINING to SDK clients). `beforeClose` runs after the
   * wait and before the workers are sent DISCONNECT (`domo up` stops its in-process workers there).
   */
  async drain(timeoutMs = this.config.shutdown.drainTimeoutMs, beforeClose?: () => Promise<void>): Promise<void> {
    beginDrain(this.#ctx);
    const deadline = Date.now() + timeoutMs;
    if (this.#ctx.requests.heldCount > 0) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.#ctx.requests.heldCount === 0 || Date.now() >= deadline) {
            this.off("requestDone", check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(check, Math.max(0, deadline - Date.now()));
        this.on("requestDone", check);
      });
    }
    await beforeClose?.();
    await this.close();
  }

  /** DISCONNECT all workers, fail what is still held, flush, close the socket. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Same as {@link close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    clearInterval(this.#timer);
    endAllWork(this.#ctx);
    const endpoint = this.#endpoint;
    if (endpoint) {
      await endpoint.flush(this.config.transport.lingerMs);
      await endpoint.close();
    }
    this.#log.info({ counters: this.#ctx.counters }, "broker closed");
    this.emit("closed");
  }

  #onMessage(frames: Buffer[]): void {
    if (this.#ctx.status === "closed") return;
    try {
      dispatchFrames(this.#ctx, frames);
    } catch (err) {
      // Peer input cannot reach here (decode never throws); this is an invariant break of ours.
      // Log it and keep serving everyone else.
      this.#log.error({ err, frames: frames.length }, "bug: handler threw");
    }
  }

  #onSendFailure(frames: Buffer[], failure: SendFailure): void {
    const counters = this.#ctx.counters;
    const peer = frames[0];
    const worker = peer === undefined ? undefined : this.#ctx.workers.get(peer.toString("hex"));
    const isRequestToWorker = frames[2]?.equals(MDPW01) === true && frames[3]?.[0] === WorkerCommand.REQUEST;
    if (worker && (failure === "unroutable" || isRequestToWorker)) {
      // The worker is gone or not reading: its request must not be lost with the frame.
      counters.undeliverable.worker++;
      removeWorker(this.#ctx, worker, WorkerRemovalReason.UNREACHABLE);
      return;
    }
    if (failure === "peer-full") counters.sendDropped++;
    if (frames.some((f) => f.equals(MDPC01))) counters.undeliverable.reply++;
    else counters.undeliverable.other++;
    this.#log.debug({ peerId: peer?.toString("hex"), failure }, "message not delivered");
  }
}
