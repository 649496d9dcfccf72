/**
 * Lazy Pirate retry backoff: exponential, capped, optionally jittered.
 * @packageDocumentation
 */
import type { BackoffOptions } from "./options.js";

/** The un-jittered delay before retry number `retry` (1 = the first retry). */
export function nominalBackoffMs(retry: number, options: BackoffOptions): number {
  const delay = options.initialDelayMs * options.multiplier ** Math.max(0, retry - 1);
  return Math.min(options.maxDelayMs, delay);
}

/** The delay before retry number `retry`; with jitter, uniform in [nominal/2, nominal]. */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const nominal = nominalBackoffMs(retry, options);
  return options.jitter ? Math.round(nominal / 2 + (random() * nominal) / 2) : nominal;
}

/**
 * The longest a request can take with `retries` retries of `timeoutMs` each: the deadline sent to the
 * broker in the request tag, so the broker gives up no earlier than the client does.
 */
export function requestBudgetMs(timeoutMs: number, retries: number, options: BackoffOptions): number {
  let total = timeoutMs * (retries + 1);
  for (let retry = 1; retry <= retries; retry++) total += nominalBackoffMs(retry, options);
  return total;
}
