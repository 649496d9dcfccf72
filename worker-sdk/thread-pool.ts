/**
 * A small fixed-size pool of worker threads for CPU-bound handler work. A handler that computes on the
 * event loop blocks the worker's heartbeats (and its other slots); one that awaits `pool.run()` keeps
 * them going while a thread computes. Used by the matrix service; documented in docs/worker-sdk.md.
 * @packageDocumentation
 */
import { Worker as Thread } from "node:worker_threads";
import { HANDLER_ERROR_CODE } from "../protocol/error-reply.js";
import { InvalidArgumentError, ThreadCrashedError, ThreadPoolClosedError } from "./errors.js";
import type { ResultMessage, SerializedTaskError } from "./thread-task.js";

/** Options of a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** Threads, started on demand up to this many; each runs one task at a time. */
  readonly size: number;
  /** Passed to every thread as `workerData`. */
  readonly workerData?: unknown;
}

/** Options of {@link ThreadPool.run}. */
export interface RunOptions {
  /** ArrayBuffers to move to the thread instead of copying; unusable here afterwards. */
  readonly transfer?: readonly ArrayBuffer[];
  /**
   * Aborting removes a queued task, or terminates the thread running it (a new one replaces it), and
   * rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** A snapshot of a pool. */
export interface ThreadPoolStats {
  readonly size: number;
  readonly threads: number;
  readonly busy: number;
  readonly queued: number;
  readonly completed: number;
  readonly crashed: number;
}

/** A task failed inside the thread; `code`, `details` and the remote `name` and stack are kept. */
export class ThreadTaskError extends Error {
  override readonly name = "ThreadTaskError";
  /** The thrown error's own string code, or `DOMO_HANDLER_ERROR` when it had none. */
  readonly code: string;
  readonly details?: unknown;
  /** `name` of the error thrown in the thread. */
  readonly remoteName: string;

  constructor(remote: SerializedTaskError) {
    super(remote.message);
    this.code = remote.code ?? HANDLER_ERROR_CODE;
    this.remoteName = remote.name;
    if (remote.details !== undefined) this.details = remote.details;
    if (remote.stack !== undefined) this.stack = remote.stack;
  }
}

interface Task {
  readonly id: number;
  readonly input: unknown;
  readonly transfer: readonly ArrayBuffer[];
  readonly signal: AbortSignal | undefined;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: unknown) => void;
  onAbort?: () => void;
}

interface Slot {
  readonly thread: Thread;
  task: Task | undefined;
}

/**
 * Fixed-size worker-thread pool: `run(input)` resolves with what the script's task returned.
 * The script calls `serveThreadTasks()`. Idle threads do not keep the process alive.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool<{ n: number }, number>(new URL("./heavy-task.js", import.meta.url), { size: 2 });
 * worker.handle(async (req) => String(await pool.run({ n: Number(req.body[0]) }, { signal: req.signal })));
 * // on shutdown, after worker.stop():
 * await pool.close();
 * ```
 */
export class ThreadPool<TIn = unknown, TOut = unknown> {
  readonly #script: URL;
  readonly #options: ThreadPoolOptions;
  #slots: Slot[] = [];
  #queue: Task[] = [];
  #nextId = 1;
  #closed = false;
  #completed = 0;
  #crashed = 0;

  /** No thread starts until the first task. Throws {@link InvalidArgumentError} on a bad size. */
  constructor(script: URL, options: ThreadPoolOptions) {
    if (!(script instanceof URL)) throw new InvalidArgumentError("script", "must be a URL, e.g. new URL('./task.js', import.meta.url)");
    if (!Number.isInteger(options.size) || options.size < 1 || options.size > 1024) {
      throw new InvalidArgumentError("size", `must be an integer in 1..1024, got ${String(options.size)}`);
    }
    this.#script = script;
    this.#options = options;
  }

  /** Run one task on a free thread (queued FIFO when all are busy). */
  run(input: TIn, options: RunOptions = {}): Promise<TOut> {
    if (this.#closed) return Promise.reject(new ThreadPoolClosedError("run(): the thread pool is closed"));
    const { signal, transfer = [] } = options;
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    return new Promise<TOut>((resolve, reject) => {
      const task: Task = { id: this.#nextId++, input, transfer, signal, resolve: resolve as (o: unknown) => void, reject };
      if (signal !== undefined) {
        task.onAbort = () => this.#abort(task);
        signal.addEventListener("abort", task.onAbort, { once: true });
      }
      this.#queue.push(task);
      this.#pump();
    });
  }

  /** A snapshot. */
  stats(): ThreadPoolStats {
    return {
      size: this.#options.size,
      threads: this.#slots.length,
      busy: this.#slots.filter((s) => s.task !== undefined).length,
      queued: this.#queue.length,
      completed: this.#completed,
      crashed: this.#crashed,
    };
  }

  /** Reject queued and running tasks with {@link ThreadPoolClosedError} and terminate every thread. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = new ThreadPoolClosedError("the thread pool was closed");
    for (const task of this.#queue.splice(0)) this.#settle(task, closed);
    const slots = this.#slots.splice(0);
    for (const slot of slots) if (slot.task !== undefined) this.#settle(slot.task, closed);
    await Promise.all(slots.map((slot) => slot.thread.terminate()));
  }

  /** `await using pool = ...` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const slot = this.#slots.find((s) => s.task === undefined) ?? (this.#slots.length < this.#options.size ? this.#spawn() : undefined);
      if (slot === undefined) return;
      const task = this.#queue.shift()!;
      slot.task = task;
      slot.thread.ref();
      try {
        slot.thread.postMessage({ id: task.id, input: task.input }, [...task.transfer]);
      } catch (error) {
        // The input could not be cloned (a function, a detached buffer): the caller's mistake, not the thread's.
        slot.task = undefined;
        slot.thread.unref();
        this.#settle(task, error);
      }
    }
  }

  #spawn(): Slot {
    const thread = this.#startThread();
    const slot: Slot = { thread, task: undefined };
    thread.unref();
    thread.on("message", (message: ResultMessage) => {
      const task = slot.task;
      if (task === undefined || task.id !== message.id) return;
      slot.task = undefined;
      thread.unref();
      this.#completed += 1;
      if (message.ok) this.#settle(task, undefined, message.output);
      else this.#settle(task, new ThreadTaskError(message.error));
      this.#pump();
    });
    const lost = (cause: unknown): void => {
      if (!this.#slots.includes(slot)) return;
      this.#slots = this.#slots.filter((s) => s !== slot);
      this.#crashed += 1;
      const task = slot.task;
      slot.task = undefined;
      // The cause goes into the message too: with the default silent logger it is the only clue the
      // caller (and, through the error reply, the client) gets, e.g. a task script that failed to load.
      const why = cause instanceof Error ? cause.message : String(cause);
      if (task !== undefined) this.#settle(task, new ThreadCrashedError(`a pool thread crashed while running the task: ${why}`, { cause }));
      this.#pump();
    };
    thread.on("error", lost);
    thread.on("exit", (code) => lost(new Error(`thread exited with code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }

  #startThread(): Thread {
    const workerData = this.#options.workerData;
    if (this.#script.pathname.endsWith(".ts")) {
      // Running from TypeScript sources (tests, tsx): Node 20 threads do not inherit tsx's loader hooks,
      // so the thread registers them before it imports the script. Compiled code takes the branch below.
      const source = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(this.#script.href)}); });`;
      return new Thread(source, { eval: true, workerData });
    }
    return new Thread(this.#script, { workerData });
  }

  #abort(task: Task): void {
    const reason: unknown = task.signal?.reason;
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#settle(task, reason);
      return;
    }
    const slot = this.#slots.find((s) => s.task === task);
    if (slot === undefined) return;
    // A running synchronous computation cannot be interrupted: end its thread; a new one takes its place.
    this.#slots = this.#slots.filter((s) => s !== slot);
    slot.task = undefined;
    void slot.thread.terminate();
    this.#settle(task, reason);
    this.#pump();
  }

  #settle(task: Task, error: unknown, output?: unknown): void {
    if (task.onAbort !== undefined) task.signal?.removeEventListener("abort", task.onAbort);
    if (error === undefined) task.resolve(output);
    else task.reject(error);
  }
}
