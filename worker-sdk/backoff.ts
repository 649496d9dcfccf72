/**
 * Exponential reconnect backoff with jitter (6/PPP's worker: 1 s doubling to 32 s; jitter so that many
 * workers that lost the same broker do not all reconnect in the same millisecond).
 * @packageDocumentation
 */

/** Settings of a {@link Backoff}. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Share of each delay that is random: the delay is drawn from [d x (1 - ratio), d]. */
  readonly jitterRatio: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

/**
 * Delays `initial, 2 x initial, 4 x initial, ...` capped at `max`, each shortened by up to
 * `jitterRatio` of itself. Jitter only ever shortens, so no delay exceeds `maxDelayMs`.
 */
export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** Failed attempts since the last {@link reset}. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; each call doubles the next one, up to the cap. */
  next(): number {
    const { initialDelayMs, maxDelayMs, jitterRatio } = this.#options;
    // 2 ** 30 already exceeds any sane cap; stopping the exponent there keeps the number finite.
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(base * (1 - jitterRatio * this.#random()));
  }

  /** The link proved healthy: start again from the initial delay. */
  reset(): void {
    this.#attempt = 0;
  }
}
