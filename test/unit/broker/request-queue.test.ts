/**
 * RequestQueue: the intrusive FIFO of a service's waiting requests.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RequestQueue, type QueueLinks } from "../../../broker/state/request-queue.js";

interface Item extends QueueLinks<Item> {
  readonly name: string;
}

const item = (name: string): Item => ({ name, queuePrev: undefined, queueNext: undefined, queued: false });
const names = (q: RequestQueue<Item>): string[] => [...q].map((i) => i.name);

describe("RequestQueue", () => {
  it("is FIFO for push and shift, and unshift puts an item first", () => {
    const q = new RequestQueue<Item>();
    const [a, b, c] = [item("a"), item("b"), item("c")];
    q.push(a);
    q.push(b);
    q.unshift(c);
    assert.deepEqual(names(q), ["c", "a", "b"]);
    assert.equal(q.peek(), c);
    assert.equal(q.size, 3);
    assert.equal(q.shift(), c);
    assert.equal(c.queued, false);
    assert.equal(q.shift(), a);
    assert.equal(q.shift(), b);
    assert.equal(q.shift(), undefined);
    assert.equal(q.peek(), undefined);
    assert.equal(q.size, 0);
  });

  it("removes from the head, middle and tail, and ignores items not queued", () => {
    const q = new RequestQueue<Item>();
    const items = ["a", "b", "c", "d", "e"].map(item);
    for (const i of items) q.push(i);
    q.remove(items[2]!);
    q.remove(items[0]!);
    q.remove(items[4]!);
    assert.deepEqual(names(q), ["b", "d"]);
    q.remove(items[2]!); // already out: no-op
    q.remove(item("stranger"));
    assert.equal(q.size, 2);
    assert.deepEqual([items[0]!.queuePrev, items[0]!.queueNext], [undefined, undefined]);
    q.push(items[0]!);
    assert.deepEqual(names(q), ["b", "d", "a"]);
  });

  it("matches an array model under any sequence of operations", () => {
    type Op = { kind: "push" | "unshift" | "shift" | "remove"; index: number };
    const op = fc.record({ kind: fc.constantFrom<Op["kind"]>("push", "unshift", "shift", "remove"), index: fc.nat(20) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new RequestQueue<Item>();
        const pool = Array.from({ length: 21 }, (_, i) => item(`i${i}`));
        const model: Item[] = [];
        for (const o of ops) {
          const it = pool[o.index]!;
          switch (o.kind) {
            case "push":
              if (!it.queued) {
                q.push(it);
                model.push(it);
              }
              break;
            case "unshift":
              if (!it.queued) {
                q.unshift(it);
                model.unshift(it);
              }
              break;
            case "shift":
              assert.equal(q.shift(), model.shift());
              break;
            case "remove": {
              q.remove(it);
              const at = model.indexOf(it);
              if (at >= 0) model.splice(at, 1);
              break;
            }
          }
          assert.equal(q.size, model.length);
          assert.equal(q.peek(), model[0]);
        }
        assert.deepEqual([...q], model);
        for (const i of pool) assert.equal(i.queued, model.includes(i));
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
