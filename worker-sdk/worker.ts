/**
 * The public Worker: serves one service over `capacity` plain MDP/0.1 connections.
 * @packageDocumentation
 */
import { EventEmitter } from "eventemitter3";
import { pino, type Logger } from "pino";
import { Connection, type ConnectionHost, type WorkerCounters } from "./connection.js";
import { InvalidArgumentError, WorkerStoppedError, WorkerUsageError } from "./errors.js";
import { WorkerErrorKind, type WorkerEvents } from "./events.js";
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from "./options.js";
import type { PendingRequest, ReplyBody, WorkerRequest } from "./request.js";

/** A request handler: return the reply body (or a promise of it); throw to send an error reply. */
export type RequestHandler = (request: WorkerRequest) => ReplyBody | Promise<ReplyBody>;

/** Options of {@link Worker.stop}. */
export interface StopOptions {
  /** How long in-flight requests may take to finish; defaults to the worker's `drainTimeoutMs`. */
  readonly drainTimeoutMs?: number;
}

/** A snapshot of a worker's state and counters. */
export interface WorkerStats {
  readonly service: string;
  readonly capacity: number;
  /** Slots with an open socket (READY sent). */
  readonly connected: number;
  /** Slots serving a request. */
  readonly busy: number;
  /** Requests received. */
  readonly received: number;
  /** Ordinary replies sent. */
  readonly replied: number;
  /** Error replies sent (handler failures). */
  readonly failed: number;
  /** Requests whose answer could not be delivered (connection lost, stop timeout, broker misbehaving). */
  readonly dropped: number;
  /** Sockets replaced after DISCONNECT, silence or a socket error. */
  readonly reconnects: number;
  readonly heartbeatsSent: number;
  /** Malformed messages from the broker, dropped. */
  readonly malformed: number;
}

const Mode = { NONE: "none", HANDLER: "handler", ITERATOR: "iterator" } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * A worker for one service. Constructing it does no I/O; it connects when you start serving, either with
 * a handler or by iterating over it. Each capacity slot is its own DEALER speaking plain MDP/0.1, so it
 * works with any conforming broker.
 *
 * @example
 * ```ts
 * import { Worker } from "domo/worker";
 * const worker = new Worker({ service: "echo", broker: "tcp://127.0.0.1:5555", capacity: 4 });
 * worker.handle(async (request) => request.body);
 * process.once("SIGTERM", () => void worker.stop());
 * ```
 * @example
 * ```ts
 * await using worker = new Worker({ service: "echo", broker: "tcp://127.0.0.1:5555" });
 * for await (const request of worker) request.reply(request.body);
 * ```
 */
export class Worker extends EventEmitter<WorkerEvents> implements AsyncIterable<WorkerRequest> {
  /** The service this worker registers. */
  readonly service: string;
  /** The broker endpoint. */
  readonly broker: string;
  /** Number of requests served at once (= connections). */
  readonly capacity: number;
  /**
   * Resolves with `null` once `stop()` has finished, or with the error that stopped the worker on its
   * own (for example an endpoint libzmq rejects). Never rejects.
   */
  readonly stopped: Promise<null | Error>;

  readonly #options: ResolvedWorkerOptions;
  readonly #log: Logger;
  readonly #counters: WorkerCounters = {
    received: 0,
    replied: 0,
    failed: 0,
    dropped: 0,
    reconnects: 0,
    heartbeatsSent: 0,
    malformed: 0,
  };
  #connections: Connection[] = [];
  #mode: Mode = Mode.NONE;
  #handler: RequestHandler | undefined;
  #inbox: PendingRequest[] = [];
  #waiters: ((result: IteratorResult<WorkerRequest>) => void)[] = [];
  #stopping: Promise<void> | undefined;
  #resolveStopped!: (value: null | Error) => void;

  /** Validates options at once; throws {@link InvalidArgumentError} naming a bad one. */
  constructor(options: WorkerOptions) {
    super();
    this.#options = resolveWorkerOptions(options);
    this.service = this.#options.service;
    this.broker = this.#options.broker;
    this.capacity = this.#options.capacity;
    this.#log = (options.logger ?? pino({ level: "silent" })).child({ component: "worker", service: this.service });
    this.stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
  }

  /**
   * Serve every request with `handler` and connect. The handler's return value is the reply; if it
   * throws, the client gets an error reply (the error's string `code`, or `DOMO_HANDLER_ERROR`) and the
   * worker carries on. A handler may also answer itself through `request.reply()` / `request.fail()`.
   */
  handle(handler: RequestHandler): this {
    if (typeof handler !== "function") throw new InvalidArgumentError("handler", "must be a function");
    this.#begin(Mode.HANDLER);
    this.#handler = handler;
    this.#startConnections();
    return this;
  }

  /**
   * Serve by iterating: `for await (const request of worker)`. Answer each request with `reply()` or
   * `fail()`; requests may be answered out of order and concurrently. The loop ends when the worker
   * stops; leaving the loop early stops the worker (draining what was already handed out).
   */
  [Symbol.asyncIterator](): AsyncIterator<WorkerRequest> {
    this.#begin(Mode.ITERATOR);
    this.#startConnections();
    return {
      next: () => this.#next(),
      return: async () => {
        await this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Stop: take no new requests, let the ones in user code finish (up to `drainTimeoutMs`, then their
   * `signal` aborts), send their replies, send DISCONNECT on every socket and close them with linger.
   * Idempotent; resolves when every socket is closed.
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.#stopping === undefined) {
      const drainTimeoutMs = options.drainTimeoutMs ?? this.#options.drainTimeoutMs;
      if (!Number.isInteger(drainTimeoutMs) || drainTimeoutMs < 0) {
        throw new InvalidArgumentError("drainTimeoutMs", `must be a non-negative integer, got ${String(drainTimeoutMs)}`);
      }
      this.#stopping = this.#stop(drainTimeoutMs, null);
    }
    return this.#stopping;
  }

  /** `await using worker = ...` stops it (with the default drain timeout) at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** A snapshot of state and counters. */
  stats(): WorkerStats {
    return {
      service: this.service,
      capacity: this.capacity,
      connected: this.#connections.filter((c) => c.connected).length,
      busy: this.#connections.filter((c) => c.busy).length,
      ...this.#counters,
    };
  }

  #begin(mode: Mode): void {
    if (this.#stopping !== undefined) throw new WorkerStoppedError("the worker was stopped; create a new Worker");
    if (this.#mode !== Mode.NONE) {
      throw new WorkerUsageError(
        `the worker already serves ${this.#mode === Mode.HANDLER ? "through handle()" : "through for await"}; ` +
          "use one handle() call or one for-await loop per Worker",
      );
    }
    this.#mode = mode;
  }

  #startConnections(): void {
    const host = this.#host();
    this.#connections = Array.from({ length: this.capacity }, (_, slot) => new Connection(slot, host));
    this.#log.info({ broker: this.broker, capacity: this.capacity }, "worker starting");
    // Next tick, so listeners attached right after handle() (or before the first next()) see "connected".
    process.nextTick(() => {
      for (const connection of this.#connections) connection.start();
    });
  }

  #host(): ConnectionHost {
    return {
      options: this.#options,
      log: this.#log,
      counters: this.#counters,
      events: this,
      deliver: (request) => this.#deliver(request),
      answered: (request, delivered, error) => this.#answered(request, delivered, error),
      fatal: (error) => this.#fatal(error),
    };
  }

  #deliver(request: PendingRequest): void {
    this.emit("request", { slot: request.slot, clientAddress: request.clientAddressHex, bodyFrames: request.body.length });
    if (this.#mode === Mode.HANDLER) {
      request.taken = true;
      void this.#run(request);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#inbox.push(request);
      return;
    }
    request.taken = true;
    waiter({ done: false, value: request });
  }

  async #run(request: PendingRequest): Promise<void> {
    const handler = this.#handler;
    if (handler === undefined) return;
    let result: ReplyBody;
    try {
      result = await handler(request);
    } catch (error) {
      this.#handlerFailed(request, error);
      return;
    }
    if (request.answered) return;
    try {
      request.reply(result);
    } catch (error) {
      // The handler returned something that is not a body (a number, an object): tell the client.
      this.#handlerFailed(request, error);
    }
  }

  #handlerFailed(request: PendingRequest, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    if (request.answered) {
      this.#log.warn({ err, slot: request.slot }, "handler threw after it had answered; ignored");
      return;
    }
    if (!request.signal.aborted) {
      this.emit("error", { kind: WorkerErrorKind.HANDLER, error: err, slot: request.slot });
    }
    request.fail(err);
  }

  #answered(request: PendingRequest, delivered: boolean, error: unknown): void {
    if (!delivered) {
      this.#log.debug({ slot: request.slot, client: request.clientAddressHex }, "answer not delivered: its connection is gone");
      return;
    }
    if (error === undefined) {
      this.#counters.replied += 1;
      return;
    }
    this.#counters.failed += 1;
    // An error with its own code is the service saying "bad input"; one without is a bug in the handler.
    const coded = typeof (error as { code?: unknown } | null)?.code === "string";
    const err = error instanceof Error ? error : new Error(String(error));
    if (coded) this.#log.debug({ err, slot: request.slot }, "handler answered with an error reply");
    else this.#log.error({ err, slot: request.slot }, "handler failed; error reply sent");
  }

  #next(): Promise<IteratorResult<WorkerRequest>> {
    const request = this.#inbox.shift();
    if (request !== undefined) {
      request.taken = true;
      return Promise.resolve({ done: false, value: request });
    }
    if (this.#stopping !== undefined) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #fatal(error: Error): void {
    this.#log.error({ err: error, broker: this.broker }, "worker cannot connect; stopping");
    this.emit("error", { kind: WorkerErrorKind.SOCKET, error, slot: -1 });
    this.#stopping ??= this.#stop(0, error);
  }

  async #stop(drainTimeoutMs: number, cause: Error | null): Promise<void> {
    // The iterator ends now; requests not yet handed out are left to the broker (no DISCONNECT race:
    // each slot drops them before it sends DISCONNECT).
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake({ done: true, value: undefined });
    this.#inbox = [];
    this.#log.info({ drainTimeoutMs }, "worker stopping");
    await Promise.all(this.#connections.map((connection) => connection.stop(drainTimeoutMs)));
    this.#log.info(this.#counters, "worker stopped");
    this.#resolveStopped(cause);
  }
}
