/** ThreadPool: results, errors with their codes, queueing, abort and crashes (real worker threads). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ThreadPool } from "../../../worker-sdk/thread-pool.js";

const SCRIPT = new URL("../../helpers/fixtures/pool-task.ts", import.meta.url);
type Task = { kind: "echo" | "fail" | "spin" | "crash" | "bytes"; value?: unknown; ms?: number };

describe("ThreadPool", () => {
  it("runs tasks in threads and returns their results", async (t) => {
    const pool = new ThreadPool<Task, unknown>(SCRIPT, { size: 2 });
    t.after(() => pool.close());
    const results = await Promise.all([1, 2, 3, 4].map((n) => pool.run({ kind: "echo", value: n })));
    assert.deepEqual(results, [1, 2, 3, 4]);
    const stats = pool.stats();
    assert.equal(stats.completed, 4);
    assert.ok(stats.threads <= 2);
  });

  it("moves transferred buffers both ways", async (t) => {
    const pool = new ThreadPool<Task & { value: ArrayBuffer }, ArrayBuffer>(SCRIPT, { size: 1 });
    t.after(() => pool.close());
    const input = new Uint8Array([1, 2, 3]).buffer;
    const output = await pool.run({ kind: "bytes", value: input }, { transfer: [input] });
    assert.equal(input.byteLength, 0, "input was moved, not copied");
    assert.deepEqual([...new Uint8Array(output)], [2, 4, 6]);
  });

  it("rejects with the thread's error code and details, and keeps serving", async (t) => {
    const pool = new ThreadPool<Task, unknown>(SCRIPT, { size: 1 });
    t.after(() => pool.close());
    await assert.rejects(pool.run({ kind: "fail", value: "X_CODE" }), {
      name: "ThreadTaskError",
      code: "X_CODE",
      details: { why: "asked to" },
      remoteName: "Error",
    });
    await assert.rejects(pool.run({ kind: "fail" }), { code: "DOMO_HANDLER_ERROR" });
    assert.equal(await pool.run({ kind: "echo", value: "ok" }), "ok");
  });

  it("aborts a queued task and a running one (by replacing its thread)", async (t) => {
    const pool = new ThreadPool<Task, unknown>(SCRIPT, { size: 1 });
    t.after(() => pool.close());
    const running = new AbortController();
    const queued = new AbortController();
    const first = pool.run({ kind: "spin", ms: 60_000 }, { signal: running.signal });
    const second = pool.run({ kind: "echo", value: 2 }, { signal: queued.signal });
    queued.abort(Object.assign(new Error("stop queued"), { code: "Q" }));
    await assert.rejects(second, { code: "Q" });
    running.abort(Object.assign(new Error("stop running"), { code: "R" }));
    await assert.rejects(first, { code: "R" });
    assert.equal(await pool.run({ kind: "echo", value: 3 }), 3, "a fresh thread serves the next task");
    await assert.rejects(pool.run({ kind: "echo" }, { signal: AbortSignal.abort() }), { name: "AbortError" });
  });

  it("rejects the task of a crashed thread with DOMO_THREAD_CRASHED and recovers", async (t) => {
    const pool = new ThreadPool<Task, unknown>(SCRIPT, { size: 1 });
    t.after(() => pool.close());
    await assert.rejects(pool.run({ kind: "crash" }), { code: "DOMO_THREAD_CRASHED" });
    assert.equal(await pool.run({ kind: "echo", value: "after" }), "after");
    assert.equal(pool.stats().crashed, 1);
  });

  it("rejects work after close with DOMO_THREAD_POOL_CLOSED, including work still queued", async () => {
    const pool = new ThreadPool<Task, unknown>(SCRIPT, { size: 1 });
    const busy = pool.run({ kind: "spin", ms: 60_000 });
    const waiting = pool.run({ kind: "echo", value: 1 });
    const rejected = Promise.all([
      assert.rejects(busy, { code: "DOMO_THREAD_POOL_CLOSED" }),
      assert.rejects(waiting, { code: "DOMO_THREAD_POOL_CLOSED" }),
    ]);
    await pool.close();
    await rejected;
    await assert.rejects(pool.run({ kind: "echo" }), { code: "DOMO_THREAD_POOL_CLOSED" });
  });

  it("rejects a bad size at once", () => {
    assert.throws(() => new ThreadPool(SCRIPT, { size: 0 }), { code: "DOMO_WORKER_INVALID_ARGUMENT", property: "size" });
  });
});
