/**
 * Warn about peer misbehaviour at most once per window per (peer, code), with a count of what was
 * suppressed: a peer spraying garbage must not flood the log.
 * @packageDocumentation
 */
import type { Logger } from "pino";

/** Default window between two warnings of the same kind from the same peer. */
export const WARN_WINDOW_MS = 10_000;
/** Bound on tracked keys; past it the table is cleared (a fresh window for everyone). */
const MAX_KEYS = 10_000;

/** Rate-limited warn logger. */
export class RateLimitedLog {
  readonly #log: Logger;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #seen = new Map<string, { lastMs: number; suppressed: number }>();

  constructor(log: Logger, now: () => number, windowMs = WARN_WINDOW_MS) {
    this.#log = log;
    this.#now = now;
    this.#windowMs = windowMs;
  }

  /** Log `fields` at warn unless this (peer, code) was logged within the window. */
  warn(peer: string, code: string, fields: Record<string, unknown>, message: string): void {
    this.log("warn", peer, code, fields, message);
  }

  /** Log `fields` at `level` unless this (key, code) was logged within the window. */
  log(level: "info" | "warn", peer: string, code: string, fields: Record<string, unknown>, message: string): void {
    const key = `${peer}\u0000${code}`;
    const now = this.#now();
    const entry = this.#seen.get(key);
    if (entry && now - entry.lastMs < this.#windowMs) {
      entry.suppressed++;
      return;
    }
    if (this.#seen.size >= MAX_KEYS) this.#seen.clear();
    this.#seen.set(key, { lastMs: now, suppressed: 0 });
    this.#log[level]({ ...fields, code, suppressedSinceLast: entry?.suppressed ?? 0 }, message);
  }
}
