/** Reconnect backoff: doubling, cap, jitter bounds, reset. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Backoff } from "../../../worker-sdk/backoff.js";

describe("Backoff", () => {
  it("doubles from the initial delay up to the cap without jitter", () => {
    const backoff = new Backoff({ initialDelayMs: 1000, maxDelayMs: 32_000, jitterRatio: 0 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 32_000, 32_000, 32_000]);
    assert.equal(backoff.attempts, 8);
  });

  it("starts over after reset", () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitterRatio: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 100);
  });

  it("draws jittered delays from [d x (1 - ratio), d], never above the cap", () => {
    const extremes = [0, 0.999999];
    for (const r of extremes) {
      const backoff = new Backoff({ initialDelayMs: 1000, maxDelayMs: 4000, jitterRatio: 0.5, random: () => r });
      const delays = Array.from({ length: 4 }, () => backoff.next());
      const bases = [1000, 2000, 4000, 4000];
      for (const [i, d] of delays.entries()) {
        assert.ok(d <= bases[i]! && d >= bases[i]! * 0.5, `delay ${i} = ${d}`);
      }
    }
  });

  it("stays finite after very many attempts", () => {
    const backoff = new Backoff({ initialDelayMs: 1, maxDelayMs: 5000, jitterRatio: 0 });
    for (let i = 0; i < 2000; i += 1) backoff.next();
    assert.equal(backoff.next(), 5000);
  });
});
