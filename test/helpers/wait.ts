/**
 * Waiting on conditions and events with deadlines. Tests never sleep for a fixed time.
 */
import type { EventEmitter as NodeEmitter } from "node:events";

/** Options of {@link waitFor}. */
export interface WaitOptions {
  timeoutMs?: number;
  /** How often to re-check the predicate. */
  pollMs?: number;
  /** What was awaited, for the timeout message. */
  what?: string;
}

/** Resolve once `predicate()` is truthy (it may be async); reject after `timeoutMs`. Returns its value. */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 5000, pollMs = 5, what = predicate.toString() } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

interface OnceSource {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Resolve with the first payload of `event` on `emitter`; reject after `timeoutMs`. */
export function waitForEvent<T = unknown>(
  emitter: OnceSource | NodeEmitter,
  event: string,
  timeoutMs = 5000,
): Promise<T> {
  const source = emitter as OnceSource;
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args[0] as T);
    };
    const timer = setTimeout(() => {
      (source.off ?? source.removeListener)?.call(source, event, listener);
      reject(new Error(`waitForEvent timed out after ${timeoutMs} ms: ${event}`));
    }, timeoutMs);
    source.once(event, listener);
  });
}

/** Reject with a timeout error if `promise` does not settle within `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
