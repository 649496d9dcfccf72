/**
 * Interop: the TypeScript worker SDK and matrix worker with the independent Python MDP/0.1 peers
 * (test/interop/peers, written from RFC 7, not from our code).
 * - The Python REQ client calls the matrix worker through our Broker over tcp: JSON multiply, inverse and
 *   solve with known answers, the binary form with Float64LE frames that Python packs and unpacks
 *   (struct '<d'), and bad input answered with the `domo-error/1` reply in readable text frames.
 * - The worker SDK (a matrix worker and a plain echo Worker) serves requests routed by the Python broker
 *   (full-envelope mode) from the Python client, and re-registers when that broker is killed (SIGKILL:
 *   no DISCONNECT) or stopped (SIGTERM: DISCONNECT) and a new one is started on the same endpoint.
 */
import assert from "node:assert/strict";
import { before, describe, it, type TestContext } from "node:test";
import { Broker } from "../../broker/index.js";
import { Worker, type DisconnectedEvent } from "../../worker-sdk/index.js";
import { startMatrixWorker, type MatrixWorker } from "../../workers/matrix/index.js";
import { ANY_TCP } from "../helpers/endpoint.js";
import { waitForPortFree } from "../helpers/port-free.js";
import {
  ClientExit,
  pythonZmqProblem,
  runPythonClient,
  startPythonBroker,
  type PeerLine,
  type PythonBroker,
} from "../helpers/python-peer.js";
import { waitFor } from "../helpers/wait.js";

/** Heartbeats on every side (RFC 7 has no negotiation), with a liveness that tolerates a stalled process. */
const HEARTBEAT_MS = 100;
const LIVENESS = 10;
const WORKER_HEARTBEAT = { heartbeatIntervalMs: HEARTBEAT_MS, heartbeatLiveness: LIVENESS } as const;
const PYTHON_BROKER_HEARTBEAT = ["--heartbeat-ms", String(HEARTBEAT_MS), "--liveness", String(LIVENESS)];
const WAIT_MS = 15_000;
/** Bound on each receive of the Python client; a reply never legitimately takes this long. */
const CLIENT_TIMEOUT_MS = 10_000;
/** Absolute tolerance for inverse and solve results (LU on 2x2 and 3x3 well-conditioned inputs). */
const TOLERANCE = 1e-12;
const ERROR_MARKER = "domo-error/1";

const multiplyJson = JSON.stringify({ op: "multiply", a: [[1, 2], [3, 4]], b: [[5, 6], [7, 8]] });

/** One request from mdp_client.py (REQ socket, single-call mode); asserts it got a well-formed reply. */
async function callPython(endpoint: string, service: string, body: readonly string[], extra: readonly string[] = []): Promise<PeerLine> {
  const run = await runPythonClient(endpoint, [
    ...["--service", service, "--timeout-ms", String(CLIENT_TIMEOUT_MS)],
    ...body,
    ...extra,
  ]);
  assert.equal(run.exit.code, ClientExit.OK, `${JSON.stringify(run.result)} ${run.stderr}`);
  assert.equal(run.result["service"], service);
  return run.result;
}

function textFrames(result: PeerLine): string[] {
  const frames = result["frames"];
  assert.ok(Array.isArray(frames), JSON.stringify(result));
  return frames as string[];
}

/** The reply of a JSON-form request: one frame, parsed. */
function jsonReply(result: PeerLine): unknown {
  const frames = textFrames(result);
  assert.equal(frames.length, 1, `one reply frame: ${JSON.stringify(result)}`);
  return JSON.parse(frames[0] ?? "");
}

/** Run a JSON-form matrix request through mdp_client.py and return `result` of the reply. */
async function matrixJson(endpoint: string, request: Record<string, unknown>): Promise<unknown> {
  const reply = jsonReply(await callPython(endpoint, "matrix", ["--body", JSON.stringify(request)])) as Record<string, unknown>;
  assert.equal(reply["op"], request["op"], JSON.stringify(reply));
  return reply["result"];
}

function assertClose(actual: unknown, expected: readonly number[] | readonly (readonly number[])[], what: string): void {
  const flat = (value: unknown): number[] => (Array.isArray(value) ? value.flatMap(flat) : [value as number]);
  const got = flat(actual);
  const want = flat(expected);
  assert.equal(JSON.stringify(shape(actual)), JSON.stringify(shape(expected)), `${what}: shape of ${JSON.stringify(actual)}`);
  for (const [i, w] of want.entries()) {
    const g = got[i];
    assert.ok(typeof g === "number" && Math.abs(g - w) <= TOLERANCE, `${what}: element ${i} is ${String(g)}, expected ${w}`);
  }
}

function shape(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...shape(value[0])] : [];
}

/**
 * Check an error reply as a plain client sees it (docs/protocol.md §7): `[domo-error/1][code][message]`
 * plus optional JSON details, every frame valid UTF-8 without control characters. Returns the details.
 */
function assertErrorReply(result: PeerLine, code: string): Record<string, unknown> | undefined {
  const hex = result["hex"];
  assert.ok(Array.isArray(hex), JSON.stringify(result));
  assert.ok(hex.length === 3 || hex.length === 4, `three or four frames: ${JSON.stringify(result)}`);
  const texts = (hex as string[]).map((h) => {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(h, "hex"));
    assert.doesNotMatch(text, /[\u0000-\u001f\u007f]/, "readable text, no control characters");
    return text;
  });
  const [marker, gotCode, message, details] = texts;
  assert.equal(marker, ERROR_MARKER);
  assert.equal(gotCode, code, JSON.stringify(texts));
  assert.ok(message !== undefined && message.length > 0, "a message for humans");
  if (details === undefined) return undefined;
  const parsed: unknown = JSON.parse(details);
  assert.ok(typeof parsed === "object" && parsed !== null && !Array.isArray(parsed), `details is a JSON object: ${details}`);
  return parsed as Record<string, unknown>;
}

/** `f64` of a --decode-f64 reply: the data frames after the header, as numbers. */
function f64Frames(result: PeerLine): unknown {
  return result["f64"];
}

/** Our broker on tcp://127.0.0.1:* with a matrix worker (capacity 2, one compute thread) registered. */
async function brokerWithMatrix(t: TestContext): Promise<{ broker: Broker; endpoint: string; matrix: MatrixWorker }> {
  const broker = await Broker.start({
    config: { bind: [ANY_TCP], heartbeat: { intervalMs: HEARTBEAT_MS, liveness: LIVENESS }, metrics: { enabled: false } },
  });
  t.after(() => broker.close());
  const endpoint = broker.endpoints[0] ?? "";
  assert.match(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  // inlineMaxBytes 64: small JSON runs on the event loop, the binary requests go through the pool thread.
  const matrix = startMatrixWorker({ broker: endpoint, capacity: 2, threads: 1, inlineMaxBytes: 64, ...WORKER_HEARTBEAT });
  t.after(() => matrix.stop());
  await waitFor(() => broker.stats().perService["matrix"]?.idle === 2, { timeoutMs: WAIT_MS, what: "2 matrix workers registered" });
  return { broker, endpoint, matrix };
}

void describe("interop - Python REQ client calls the TypeScript matrix worker through our broker", () => {
  before(() => {
    const problem = pythonZmqProblem();
    assert.equal(problem, null, problem ?? "");
  });

  void it("JSON multiply, inverse and solve come back with the known answers", async (t) => {
    const { endpoint } = await brokerWithMatrix(t);

    assert.deepEqual(jsonReply(await callPython(endpoint, "matrix", ["--body", multiplyJson])), {
      op: "multiply",
      result: [[19, 22], [43, 50]],
    });
    // det = 10, so the inverse is (1/10) [[6, -7], [-2, 4]].
    assertClose(await matrixJson(endpoint, { op: "inverse", a: [[4, 7], [2, 6]] }), [[0.6, -0.7], [-0.2, 0.4]], "inverse");
    // 2x + y = 3, x + 3y = 5; a flat b gives a flat x.
    assertClose(await matrixJson(endpoint, { op: "solve", a: [[2, 1], [1, 3]], b: [3, 5] }), [0.8, 1.4], "solve (vector)");
    // The textbook 3x3 system with x = (2, 3, -1); a 2-D b gives a 2-D x.
    assertClose(
      await matrixJson(endpoint, { op: "solve", a: [[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], b: [[8], [-11], [-3]] }),
      [[2], [3], [-1]],
      "solve (matrix)",
    );
    assert.equal(await matrixJson(endpoint, { op: "determinant", a: [[2, 0], [0, 3]] }), 6);
  });

  void it("a binary request whose Float64LE frames Python packed comes back exactly", async (t) => {
    const { endpoint } = await brokerWithMatrix(t);

    const product = await callPython(
      endpoint,
      "matrix",
      [
        ...["--body", JSON.stringify({ op: "multiply", dtype: "f64le", shapes: [[2, 3], [3, 2]] })],
        ...["--body-f64", "1,2,3,4,5,6", "--body-f64", "7,8,9,10,11,12"],
      ],
      ["--decode-f64"],
    );
    assert.deepEqual(JSON.parse(textFrames(product)[0] ?? ""), { op: "multiply", dtype: "f64le", shape: [2, 2] });
    assert.deepEqual(f64Frames(product), [[58, 64, 139, 154]]);

    // Transpose moves values without arithmetic: every bit must survive both codecs (Python's and ours).
    const values = "0.1,-2.5e-300,1e300,3.141592653589793,-0,5e-324";
    const transposed = await callPython(
      endpoint,
      "matrix",
      ["--body", JSON.stringify({ op: "transpose", dtype: "f64le", shapes: [[2, 3]] }), "--body-f64", values],
      ["--decode-f64"],
    );
    assert.deepEqual(JSON.parse(textFrames(transposed)[0] ?? ""), { op: "transpose", dtype: "f64le", shape: [3, 2] });
    // [[0.1, -2.5e-300, 1e300], [pi, -0, 5e-324]] transposed, row-major.
    assert.deepEqual(f64Frames(transposed), [[0.1, Math.PI, -2.5e-300, -0, 1e300, 5e-324]]);
    const dataHex = (transposed["hex"] as string[])[1] ?? "";
    // The raw bytes too (assert.equal compares with Object.is, so +0 would fail).
    assert.equal(Buffer.from(dataHex, "hex").readDoubleLE(24), -0, "negative zero kept");

    // A scalar result: shape [] and one 8-byte frame.
    const det = await callPython(
      endpoint,
      "matrix",
      ["--body", JSON.stringify({ op: "determinant", dtype: "f64le", shapes: [[2, 2]] }), "--body-f64", "3,8,4,6"],
      ["--decode-f64"],
    );
    assert.deepEqual(JSON.parse(textFrames(det)[0] ?? ""), { op: "determinant", dtype: "f64le", shape: [] });
    assert.deepEqual(f64Frames(det), [[-14]]);
  });

  void it("bad input gets the documented domo-error/1 reply in readable frames, and the worker keeps serving", async (t) => {
    const { broker, endpoint, matrix } = await brokerWithMatrix(t);
    const matrixError = async (body: readonly string[], code: string): Promise<Record<string, unknown> | undefined> =>
      assertErrorReply(await callPython(endpoint, "matrix", body), code);

    const singular = await matrixError(["--body", JSON.stringify({ op: "inverse", a: [[1, 2], [2, 4]] })], "MATRIX_SINGULAR");
    assert.equal(singular?.["op"], "inverse");
    const unknown = await matrixError(["--body", JSON.stringify({ op: "pow", a: [[1]] })], "MATRIX_UNKNOWN_OP");
    assert.equal(unknown?.["op"], "pow");
    const ragged = await matrixError(["--body", JSON.stringify({ op: "transpose", a: [[1, 2], [3]] })], "MATRIX_RAGGED");
    assert.deepEqual([ragged?.["operand"], ragged?.["row"]], ["a", 1]);
    await matrixError(["--body", JSON.stringify({ op: "multiply", a: [[1, 2, 3]], b: [[1, 2, 3]] })], "MATRIX_SHAPE_MISMATCH");
    await matrixError(["--body", "{not json"], "MATRIX_BAD_REQUEST");
    // Binary form: 2 doubles where the header promises a 1x3 operand.
    const short = await matrixError(
      ["--body", JSON.stringify({ op: "transpose", dtype: "f64le", shapes: [[1, 3]] }), "--body-f64", "1,2"],
      "MATRIX_BAD_REQUEST",
    );
    assert.deepEqual([short?.["bytes"], short?.["expected"]], [16, 24]);

    assert.deepEqual(jsonReply(await callPython(endpoint, "matrix", ["--body", multiplyJson])), {
      op: "multiply",
      result: [[19, 22], [43, 50]],
    });
    assert.equal(broker.stats().workers, 2, "bad input does not cost a worker");
    assert.equal(matrix.worker.stats().failed, 6, "six error replies");
    assert.equal(matrix.worker.stats().reconnects, 0);
  });
});

/** Ready events the Python broker printed (from line `fromIndex` on) for `service`. */
function readyCount(broker: PythonBroker, service: string, fromIndex = 0): number {
  return broker.peer.lines.slice(fromIndex).filter((l) => l["event"] === "ready" && l["service"] === service).length;
}

async function startFullEnvelopeBroker(t: TestContext, bind?: string): Promise<PythonBroker> {
  const broker = await startPythonBroker([...PYTHON_BROKER_HEARTBEAT, ...(bind === undefined ? [] : ["--bind", bind])]);
  t.after(() => broker.peer.kill());
  return broker;
}

/** A plain echo Worker (replies with the request body unchanged). */
function startEchoWorker(t: TestContext, endpoint: string, capacity: number, extra: { reconnectInitialDelayMs?: number; reconnectMaxDelayMs?: number } = {}): Worker {
  const worker = new Worker({ service: "echo", broker: endpoint, capacity, ...WORKER_HEARTBEAT, ...extra });
  worker.handle((request) => request.body);
  t.after(() => worker.stop());
  return worker;
}

async function untilRegistered(broker: PythonBroker, counts: Record<string, number>, fromIndex = 0): Promise<void> {
  await waitFor(() => Object.entries(counts).every(([service, n]) => readyCount(broker, service, fromIndex) >= n), {
    timeoutMs: WAIT_MS,
    what: `READY at the Python broker: ${JSON.stringify(counts)}`,
  });
}

/** Echo and matrix both answer the Python client through the Python broker at `endpoint`. */
async function assertServes(endpoint: string, echoCount: number): Promise<void> {
  const echo = await runPythonClient(endpoint, ["--count", String(echoCount), "--pattern", "mixed", "--timeout-ms", String(CLIENT_TIMEOUT_MS)]);
  assert.equal(echo.exit.code, ClientExit.OK, JSON.stringify(echo.result) + echo.stderr);
  assert.equal(echo.result["received"], echoCount);
  assert.equal(echo.result["mismatches"], 0);
  assert.deepEqual(jsonReply(await callPython(endpoint, "matrix", ["--body", multiplyJson])), {
    op: "multiply",
    result: [[19, 22], [43, 50]],
  });
}

void describe("interop - TypeScript worker SDK behind the Python broker (full envelope)", () => {
  before(() => {
    const problem = pythonZmqProblem();
    assert.equal(problem, null, problem ?? "");
  });

  void it("serves the Python client: echo (mixed frames, REQ and DEALER with an envelope) and matrix (JSON, binary, errors)", async (t) => {
    const broker = await startFullEnvelopeBroker(t);
    const { endpoint } = broker;
    const echo = startEchoWorker(t, endpoint, 2);
    const matrix = startMatrixWorker({ broker: endpoint, capacity: 2, threads: 1, inlineMaxBytes: 64, ...WORKER_HEARTBEAT });
    t.after(() => matrix.stop());
    await untilRegistered(broker, { echo: 2, matrix: 2 });

    const req = await runPythonClient(endpoint, ["--count", "300", "--pattern", "mixed", "--timeout-ms", String(CLIENT_TIMEOUT_MS)]);
    assert.equal(req.exit.code, ClientExit.OK, JSON.stringify(req.result) + req.stderr);
    assert.equal(req.result["received"], 300);
    const dealer = await runPythonClient(endpoint, [
      ...["--socket", "dealer", "--count", "100", "--pattern", "mixed", "--timeout-ms", String(CLIENT_TIMEOUT_MS)],
      ...["--envelope", "proxy-hop", "--envelope-hex", "00ff00"],
    ]);
    assert.equal(dealer.exit.code, ClientExit.OK, JSON.stringify(dealer.result) + dealer.stderr);
    assert.equal(dealer.result["received"], 100);
    assert.equal(echo.stats().received, 400);
    assert.equal(echo.stats().replied, 400);

    assert.deepEqual(jsonReply(await callPython(endpoint, "matrix", ["--body", multiplyJson])), {
      op: "multiply",
      result: [[19, 22], [43, 50]],
    });
    assertClose(
      await matrixJson(endpoint, { op: "solve", a: [[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], b: [8, -11, -3] }),
      [2, 3, -1],
      "solve",
    );
    const binary = await callPython(
      endpoint,
      "matrix",
      [
        ...["--body", JSON.stringify({ op: "multiply", dtype: "f64le", shapes: [[2, 3], [3, 2]] })],
        ...["--body-f64", "1,2,3,4,5,6", "--body-f64", "7,8,9,10,11,12"],
      ],
      ["--decode-f64"],
    );
    assert.deepEqual(f64Frames(binary), [[58, 64, 139, 154]]);
    const singular = assertErrorReply(
      await callPython(endpoint, "matrix", ["--body", JSON.stringify({ op: "solve", a: [[1, 2], [2, 4]], b: [1, 2] })]),
      "MATRIX_SINGULAR",
    );
    assert.equal(singular?.["op"], "solve");
    assert.equal(matrix.worker.stats().failed, 1);

    // The Python broker saw nothing it could not parse and lost no request.
    const { peer } = broker;
    assert.deepEqual(await peer.kill(), { code: 0, signal: null });
    const exitLine = peer.lines.find((l) => l["event"] === "exit");
    const counters = (exitLine?.["counters"] ?? {}) as Record<string, number>;
    assert.equal(counters["invalid"], undefined, JSON.stringify(exitLine));
    assert.equal(counters["requests-lost"], undefined, JSON.stringify(exitLine));
    assert.equal(counters["replies"], 404, JSON.stringify(exitLine));
  });

  void it("re-registers after the Python broker is killed (SIGKILL) and after it is stopped (SIGTERM), each time restarted on the same endpoint", async (t) => {
    const reconnect = { reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 400 };
    const first = await startFullEnvelopeBroker(t);
    const { endpoint } = first;
    const echo = startEchoWorker(t, endpoint, 1, reconnect);
    const matrix = startMatrixWorker({ broker: endpoint, capacity: 2, threads: 1, ...WORKER_HEARTBEAT, ...reconnect });
    t.after(() => matrix.stop());
    const disconnects: DisconnectedEvent[] = [];
    echo.on("disconnected", (event) => disconnects.push(event));
    matrix.worker.on("disconnected", (event) => disconnects.push(event));
    await untilRegistered(first, { echo: 1, matrix: 2 });
    await assertServes(endpoint, 20);

    // SIGKILL: no DISCONNECT reaches the workers; they find out from the new broker (which answers an
    // unknown worker's HEARTBEAT with DISCONNECT) or from the silence, whichever comes first.
    first.peer.child.kill("SIGKILL");
    assert.equal((await first.peer.waitForExit(WAIT_MS)).signal, "SIGKILL");
    await waitForPortFree(endpoint, WAIT_MS);
    const second = await startFullEnvelopeBroker(t, endpoint);
    assert.equal(second.endpoint, endpoint);
    await untilRegistered(second, { echo: 1, matrix: 2 });
    await assertServes(endpoint, 20);
    await waitFor(() => disconnects.length >= 3, { timeoutMs: WAIT_MS, what: "each of the 3 slots saw its old connection end" });
    const afterKill = disconnects.length;

    // SIGTERM: the broker sends DISCONNECT to every worker before it exits; the slots re-register at
    // once and their READY waits in the socket until the third broker is up.
    assert.deepEqual(await second.peer.kill(), { code: 0, signal: null });
    await waitForPortFree(endpoint, WAIT_MS);
    const third = await startFullEnvelopeBroker(t, endpoint);
    assert.equal(third.endpoint, endpoint);
    await untilRegistered(third, { echo: 1, matrix: 2 });
    await assertServes(endpoint, 20);
    await waitFor(() => disconnects.length >= afterKill + 3, { timeoutMs: WAIT_MS, what: "3 more connections ended" });

    assert.ok(
      disconnects.every((d) => d.reason === "broker-disconnect" || d.reason === "broker-silent" || d.reason === "transport-lost"),
      JSON.stringify(disconnects),
    );
    assert.equal(echo.stats().replied, 60, "20 echo requests per broker");
  });
});
