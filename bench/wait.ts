/**
 * Waiting on a condition of the child processes (worker counts in the broker) with a deadline.
 * @packageDocumentation
 */
import { BenchChildError, BenchErrorCode } from "./errors.js";

/** How often a condition is re-checked. */
const POLL_INTERVAL_MS = 50;

/** Resolve once `check()` resolves true; reject with CHILD_TIMEOUT naming `what` after `timeoutMs`. */
export async function waitUntil(who: string, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new BenchChildError(who, BenchErrorCode.CHILD_TIMEOUT, `${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
