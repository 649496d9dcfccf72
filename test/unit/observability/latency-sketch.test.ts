import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LatencySketch } from "../../../broker/observability/latency-sketch.js";

/** The exact value at `percentile` by the same rank rule the sketch uses. */
function exact(sorted: number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1]!;
}

describe("LatencySketch", () => {
  it("is empty until a value is recorded", () => {
    const sketch = new LatencySketch();
    assert.equal(sketch.count, 0);
    assert.equal(sketch.percentile(50), undefined);
  });

  it("keeps every percentile within 10 % of the exact value (10 µs to 10 min)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.011, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 50, 90, 99, 100),
        (values, p) => {
          const sketch = new LatencySketch();
          for (const v of values) sketch.record(v);
          const want = exact([...values].sort((a, b) => a - b), p);
          const got = sketch.percentile(p)!;
          assert.ok(Math.abs(got - want) <= want * 0.1, `p${p}: got ${got}, exact ${want}`);
        },
      ),
    );
  });

  it("merges: adding sketches gives the same answers as recording everything in one", () => {
    const a = new LatencySketch();
    const b = new LatencySketch();
    const all = new LatencySketch();
    for (let i = 1; i <= 500; i++) {
      const v = (i * 7919) % 1000 / 10;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    a.add(b);
    a.add(new LatencySketch());
    assert.equal(a.count, all.count);
    for (const p of [0, 25, 50, 75, 99, 100]) assert.equal(a.percentile(p), all.percentile(p));
    assert.equal(a.maxMs, all.maxMs);
  });

  it("clamps to the recorded extremes and treats negative or NaN values as 0", () => {
    const sketch = new LatencySketch();
    sketch.record(5);
    assert.equal(sketch.percentile(50), 5);
    sketch.record(-3);
    sketch.record(Number.NaN);
    assert.equal(sketch.percentile(1), 0);
    assert.equal(sketch.percentile(100), 5);
    sketch.record(3_600_000);
    assert.equal(sketch.percentile(100), 3_600_000);
  });
});
