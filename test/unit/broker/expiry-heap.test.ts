/**
 * ExpiryHeap: the min-heap of (time, item) behind request expiry.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ExpiryHeap } from "../../../broker/state/expiry-heap.js";

describe("ExpiryHeap", () => {
  it("pops only entries due at or before now, earliest first", () => {
    const heap = new ExpiryHeap<string>();
    heap.push(30, "c");
    heap.push(10, "a");
    heap.push(20, "b");
    heap.push(40, "d");
    assert.deepEqual(heap.popDue(9), []);
    assert.deepEqual(heap.popDue(20).map((e) => [e.atMs, e.item]), [
      [10, "a"],
      [20, "b"],
    ]);
    assert.equal(heap.size, 2);
    assert.deepEqual(heap.popDue(Number.POSITIVE_INFINITY).map((e) => e.item), ["c", "d"]);
    assert.equal(heap.size, 0);
    assert.deepEqual(heap.popDue(100), []);
  });

  it("keeps duplicate entries: the same item at the same time comes out twice", () => {
    // The heap does no de-duplication; RequestRegistry.dueForExpiry must (see requests.test.ts).
    const heap = new ExpiryHeap<string>();
    heap.push(5, "x");
    heap.push(5, "x");
    assert.deepEqual(heap.popDue(5).map((e) => e.item), ["x", "x"]);
  });

  it("clear() empties it", () => {
    const heap = new ExpiryHeap<number>();
    for (let i = 0; i < 10; i++) heap.push(i, i);
    heap.clear();
    assert.equal(heap.size, 0);
    assert.deepEqual(heap.popDue(100), []);
  });

  it("pops in time order whatever the insertion order, interleaved with pops", () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ popUntil: fc.integer({ min: 0, max: 1000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const heap = new ExpiryHeap<number>();
        let model: number[] = [];
        let id = 0;
        for (const o of ops) {
          if ("push" in o) {
            heap.push(o.push, id++);
            model.push(o.push);
          } else {
            const popped = heap.popDue(o.popUntil).map((e) => e.atMs);
            const expected = model.filter((t) => t <= o.popUntil).sort((a, b) => a - b);
            model = model.filter((t) => t > o.popUntil);
            assert.deepEqual(popped, expected);
          }
          assert.equal(heap.size, model.length);
        }
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
