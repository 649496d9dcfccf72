import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecentActivity } from "../../../broker/observability/recent-activity.js";

/** A settable wall clock starting on a whole second. */
function clock(startMs = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe("RecentActivity", () => {
  it("reports per-service rates over the real covered time, the current second included", () => {
    const c = clock();
    const activity = new RecentActivity({ now: c.now, serviceWindowSeconds: 10, historySeconds: 30 });
    for (let i = 0; i < 4; i++) activity.record("echo", "replied", { queueWaitMs: 1, serviceMs: 10 });
    activity.record("_other", "expired", { queueWaitMs: 300 });
    // Shown at once, over at least one second.
    let s = activity.summary();
    assert.equal(s.windowSeconds, 1);
    assert.equal(s.byLabel.get("echo")?.ratePerSecond.replied, 4);
    assert.equal(s.byLabel.get("_other")?.ratePerSecond.expired, 1);
    assert.equal(s.total.ratePerSecond.replied, 4);

    c.advance(4000);
    s = activity.summary();
    assert.equal(s.windowSeconds, 4);
    assert.equal(s.byLabel.get("echo")?.ratePerSecond.replied, 1);
    assert.equal(s.byLabel.get("echo")?.serviceMs.p50, 10);
    assert.equal(s.byLabel.get("echo")?.queueWaitMs.count, 4);
    assert.equal(s.byLabel.get("_other")?.serviceMs.count, 0);
    assert.equal(s.byLabel.get("_other")?.serviceMs.p99, null);

    // Past the window, the service data is gone; the window is 9 whole seconds plus the current one's 500 ms.
    c.advance(20_500);
    s = activity.summary();
    assert.equal(s.windowSeconds, 9.5);
    assert.equal(s.byLabel.size, 0);
    assert.equal(s.total.ratePerSecond.replied, 0);
  });

  it("keeps a per-second history of complete seconds with gaps as zero/null, bounded by its length", () => {
    const c = clock();
    const activity = new RecentActivity({ now: c.now, historySeconds: 5, serviceWindowSeconds: 5 });
    activity.sample({ queued: 3, workers: 2, busyWorkers: 1 });
    activity.record("echo", "replied", { queueWaitMs: 2, serviceMs: 20 });
    activity.record("echo", "redispatched");
    let h = activity.history();
    assert.deepEqual(h.seconds, [], "the current second is not complete yet");

    c.advance(2000);
    h = activity.history();
    assert.equal(h.seconds.length, 2);
    assert.deepEqual(h.counts.replied, [1, 0]);
    assert.deepEqual(h.counts.redispatched, [1, 0]);
    assert.deepEqual(h.serviceP99Ms, [20, null]);
    assert.deepEqual(h.queued, [3, null]);
    assert.equal(h.lengthSeconds, 5);
    assert.equal(h.endSecond, h.seconds[1]! + 1);

    c.advance(60_000);
    h = activity.history();
    assert.equal(h.seconds.length, 5);
    assert.deepEqual(h.counts.replied, [0, 0, 0, 0, 0], "old seconds were overwritten, not replayed");
  });

  it("rejects window lengths that are not positive integers", () => {
    assert.throws(() => new RecentActivity({ historySeconds: 0 }), RangeError);
    assert.throws(() => new RecentActivity({ serviceWindowSeconds: 1.5 }), RangeError);
  });
});
