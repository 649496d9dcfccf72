/**
 * Rate limit for warnings about peer input, so a misbehaving broker cannot flood the log.
 * @packageDocumentation
 */

/** Allows one event per key per window and counts the ones it suppressed. */
export class RateLimiter {
  readonly #windowMs: number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /**
   * `undefined` when the event for `key` should be suppressed; otherwise how many were suppressed
   * since the last one that was let through.
   */
  take(key: string, nowMs: number): number | undefined {
    const entry = this.#last.get(key);
    if (entry !== undefined && nowMs - entry.at < this.#windowMs) {
      entry.suppressed += 1;
      return undefined;
    }
    this.#last.set(key, { at: nowMs, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }
}
