/**
 * The matrix worker against a scripted raw-frame broker: large multiplies (the benchmark's 316 x 316,
 * JSON and binary, and a 600 x 600 that would block the event loop for far longer than the expiry if
 * computed inline) must not stop heartbeats; bad input gets a coded error reply and the worker stays.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { WorkerCommand } from "../../protocol/constants.js";
import { decodeErrorReply } from "../../protocol/error-reply.js";
import { multiply, readF64le, startMatrixWorker, toRows, writeF64le, type Matrix, type MatrixWorker } from "../../workers/matrix/index.js";
import { FakeBroker, type Received } from "../helpers/fake-broker.js";
import { startStallProbe } from "../helpers/stall-probe.js";

// 50 ms x 4: tight enough that a 600 x 600 multiply computed on the event loop (about 450 ms here)
// fails the bound many times over, loose enough for a loaded CI machine. The 316 x 316 cases (about
// 100 ms inline) check results and that the silence stays under expiry; the 600 case is the one that
// tells threaded compute from inline compute.
const INTERVAL_MS = 50;
const LIVENESS = 4;
/** A broker expires a worker after this much silence: the bound every gap must stay under. */
const EXPIRY_MS = INTERVAL_MS * LIVENESS;

async function setup(t: TestContext, threads = 1): Promise<{ broker: FakeBroker; matrix: MatrixWorker; ready: Received }> {
  const broker = await FakeBroker.start();
  broker.autoHeartbeat(INTERVAL_MS);
  const matrix = startMatrixWorker({ broker: broker.endpoint, heartbeatIntervalMs: INTERVAL_MS, heartbeatLiveness: LIVENESS, threads });
  t.after(async () => {
    await matrix.stop({ drainTimeoutMs: 0 });
    await broker.close();
  });
  const ready = await broker.next({ command: WorkerCommand.READY });
  return { broker, matrix, ready };
}

function random(n: number, seed: number): Matrix {
  // A small LCG: reproducible inputs without a dependency.
  let s = seed;
  const data = new Float64Array(n * n).map(() => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
  return { rows: n, cols: n, data };
}

/**
 * Send one request and measure the longest silence of the worker until its REPLY. `allowanceMs` is how
 * late an independent probe thread ran meanwhile: machine starvation, which the bound tolerates, while
 * a main thread blocked by inline compute is not excused (the probe thread keeps time).
 */
async function timedRequest(
  broker: FakeBroker,
  ready: Received,
  body: Buffer[],
): Promise<{ reply: Received; maxGapMs: number; allowanceMs: number; heartbeats: number; timeline: string }> {
  const probe = startStallProbe();
  const sentAt = performance.now();
  broker.request(ready.sender, Buffer.from("client"), body);
  const reply = await broker.next({ command: WorkerCommand.REPLY, timeoutMs: 30_000 });
  const during = broker.filter({ from: ready.sender }).filter((m) => m.atMs >= sentAt && m.atMs <= reply.atMs);
  const times = [sentAt, ...during.map((m) => m.atMs)];
  let maxGapMs = 0;
  for (let i = 1; i < times.length; i += 1) maxGapMs = Math.max(maxGapMs, times[i]! - times[i - 1]!);
  const timeline = during.map((m) => `${m.command}@${(m.atMs - sentAt).toFixed(0)}`).join(" ");
  const allowanceMs = await probe.read();
  await probe.stop();
  return { reply, maxGapMs, allowanceMs, heartbeats: during.filter((m) => m.command === WorkerCommand.HEARTBEAT).length, timeline };
}

function assertProduct(actual: Float64Array, expected: Matrix): void {
  assert.equal(actual.length, expected.data.length);
  for (let i = 0; i < actual.length; i += 1) {
    // The worker runs the same code on the same inputs: bit-identical results.
    assert.ok(actual[i] === expected.data[i], `element ${i}`);
  }
}

describe("matrix worker: heartbeats during large multiplies", () => {
  it("keeps heartbeating through a 316 x 316 JSON multiply", async (t) => {
    // Inputs are built before the worker starts: this process is also the broker, and its own heavy
    // work would stall the heartbeats being measured.
    const a = random(316, 1);
    const b = random(316, 2);
    const body = [Buffer.from(JSON.stringify({ op: "multiply", a: toRows(a), b: toRows(b) }))];
    const expected = multiply(a, b);
    const { broker, ready } = await setup(t);
    const { reply, maxGapMs, allowanceMs, timeline } = await timedRequest(broker, ready, body);
    const result = JSON.parse(reply.frames[5]!.toString("utf8")) as { op: string; result: number[][] };
    assert.equal(result.op, "multiply");
    assertProduct(Float64Array.from(result.result.flat()), expected);
    assert.ok(
      maxGapMs < EXPIRY_MS + allowanceMs,
      `longest silence ${maxGapMs.toFixed(0)} ms, expiry ${EXPIRY_MS} ms + machine stall ${allowanceMs.toFixed(0)} ms: ${timeline}`,
    );
  });

  it("keeps heartbeating through a 316 x 316 binary multiply", async (t) => {
    const a = random(316, 3);
    const b = random(316, 4);
    const body = [
      Buffer.from(JSON.stringify({ op: "multiply", dtype: "f64le", shapes: [[316, 316], [316, 316]] })),
      Buffer.from(writeF64le(a.data)),
      Buffer.from(writeF64le(b.data)),
    ];
    const { broker, ready } = await setup(t);
    const { reply, maxGapMs, allowanceMs, timeline } = await timedRequest(broker, ready, body);
    assert.deepEqual(JSON.parse(reply.frames[5]!.toString("utf8")), { op: "multiply", dtype: "f64le", shape: [316, 316] });
    assertProduct(readF64le(reply.frames[6]!), multiply(a, b));
    assert.ok(
      maxGapMs < EXPIRY_MS + allowanceMs,
      `longest silence ${maxGapMs.toFixed(0)} ms, expiry ${EXPIRY_MS} ms + machine stall ${allowanceMs.toFixed(0)} ms: ${timeline}`,
    );
  });

  it("keeps heartbeating through a 600 x 600 binary multiply (many expiries long if run inline)", async (t) => {
    const a = random(600, 5);
    const body = [
      Buffer.from(JSON.stringify({ op: "multiply", dtype: "f64le", shapes: [[600, 600], [600, 600]] })),
      Buffer.from(writeF64le(a.data)),
      Buffer.from(writeF64le(a.data)),
    ];
    const { broker, ready } = await setup(t);
    const { reply, maxGapMs, allowanceMs, heartbeats, timeline } = await timedRequest(broker, ready, body);
    assert.equal(readF64le(reply.frames[6]!).length, 600 * 600);
    assert.ok(
      maxGapMs < EXPIRY_MS + allowanceMs,
      `longest silence ${maxGapMs.toFixed(0)} ms, expiry ${EXPIRY_MS} ms + machine stall ${allowanceMs.toFixed(0)} ms: ${timeline}`,
    );
    assert.ok(heartbeats >= 1, "heartbeats were sent while the thread computed");
  });
});

describe("matrix worker: bad input", () => {
  it("answers bad input with a coded error reply and keeps serving", async (t) => {
    const { broker, ready } = await setup(t);
    const cases: [unknown, string][] = [
      [{ op: "inverse", a: [[1, 2], [2, 4]] }, "MATRIX_SINGULAR"],
      [{ op: "add", a: [[1]], b: [[1, 2]] }, "MATRIX_SHAPE_MISMATCH"],
      [{ op: "transpose", a: [[1, 2], [3]] }, "MATRIX_RAGGED"],
      [{ op: "pow", a: [[1]] }, "MATRIX_UNKNOWN_OP"],
    ];
    for (const [body, code] of cases) {
      broker.request(ready.sender, Buffer.from("c"), [Buffer.from(JSON.stringify(body))]);
      const reply = await broker.next({ command: WorkerCommand.REPLY });
      assert.equal(decodeErrorReply(reply.frames.slice(5))?.code, code);
    }
    // A large bad request goes through the thread pool: same error reply.
    const big = { op: "multiply", a: toRows(random(100, 6)), b: toRows(random(99, 7)) };
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from(JSON.stringify(big))]);
    const bigReply = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(decodeErrorReply(bigReply.frames.slice(5)), {
      code: "MATRIX_SHAPE_MISMATCH",
      message: "multiply needs a.cols (100) = b.rows (99)",
      details: { op: "multiply", a: [100, 100], b: [99, 99] },
    });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from(JSON.stringify({ op: "scale", a: [[2]], scalar: 3 }))]);
    const fine = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(JSON.parse(fine.frames[5]!.toString()), { op: "scale", result: [[6]] });
    assert.equal(broker.filter({ command: WorkerCommand.READY }).length, 1, "never re-registered");
  });
});
