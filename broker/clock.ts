/**
 * Time source of the broker. Injected so liveness and expiry are unit-tested without real waits.
 * @packageDocumentation
 */

/** Milliseconds since an arbitrary origin; only differences matter. */
export interface Clock {
  now(): number;
}

/** The process's monotonic clock: immune to wall-clock jumps, which would otherwise expire every worker. */
export const systemClock: Clock = { now: () => performance.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #nowMs: number;
  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }
  now(): number {
    return this.#nowMs;
  }
  /** Move time forward. */
  advance(ms: number): void {
    this.#nowMs += ms;
  }
}
