/**
 * The thread side of a {@link ThreadPool}: a pool script calls {@link serveThreadTasks} once with the
 * function that does the work. Imports nothing but node:worker_threads, so a thread loads quickly.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";

const TRANSFER = Symbol("domo.transfer");

/** A task result together with the buffers to move (not copy) back to the pool's thread. */
export interface Transferred<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly transfer: readonly ArrayBuffer[];
}

/** Return this from a task to move `transfer` (e.g. the ArrayBuffers of result frames) instead of copying them. */
export function withTransfer<T>(value: T, transfer: readonly ArrayBuffer[]): Transferred<T> {
  return { [TRANSFER]: true, value, transfer };
}

/** A task as the pool sends it. */
export interface TaskMessage {
  readonly id: number;
  readonly input: unknown;
}

/** A failed task's error, as plain data that survives postMessage. */
export interface SerializedTaskError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: unknown;
  readonly stack?: string;
}

/** A task's outcome as the thread sends it back. */
export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedTaskError };

function serializeError(error: unknown): SerializedTaskError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const record = error as unknown as Record<string, unknown>;
  const base: { -readonly [K in keyof SerializedTaskError]: SerializedTaskError[K] } = { name: error.name, message: error.message };
  if (typeof record["code"] === "string") base.code = record["code"];
  if (record["details"] !== undefined) {
    try {
      base.details = JSON.parse(JSON.stringify(record["details"])) as unknown;
    } catch {
      // Details that cannot be serialised are dropped rather than losing the error itself.
    }
  }
  if (error.stack !== undefined) base.stack = error.stack;
  return base;
}

function isTransferred(value: unknown): value is Transferred<unknown> {
  return typeof value === "object" && value !== null && TRANSFER in value;
}

/**
 * Serve tasks from the pool in this worker thread: each input goes to `task`, its result (or thrown
 * error, with `code` and `details` kept) goes back. Call once, at the top of the pool script.
 *
 * @example
 * ```ts
 * // heavy-task.ts, run by new ThreadPool(new URL("./heavy-task.js", import.meta.url), { size: 2 })
 * import { serveThreadTasks } from "domo/worker";
 * serveThreadTasks((input: { n: number }) => fibonacci(input.n));
 * ```
 */
export function serveThreadTasks<TIn, TOut>(task: (input: TIn) => TOut | Transferred<TOut> | Promise<TOut | Transferred<TOut>>): void {
  const port = parentPort;
  if (port === null) throw new Error("serveThreadTasks() must run in a worker thread started by ThreadPool");
  const handle = async (message: TaskMessage): Promise<void> => {
    let result: ResultMessage;
    let transfer: readonly ArrayBuffer[] = [];
    try {
      const output = await task(message.input as TIn);
      if (isTransferred(output)) {
        transfer = output.transfer;
        result = { id: message.id, ok: true, output: output.value };
      } else {
        result = { id: message.id, ok: true, output };
      }
    } catch (error) {
      result = { id: message.id, ok: false, error: serializeError(error) };
    }
    port.postMessage(result, transfer);
  };
  port.on("message", (message: TaskMessage) => void handle(message));
}
