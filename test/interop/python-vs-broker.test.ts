/**
 * Interop: the independent Python MDP/0.1 client and worker (test/interop/peers, written from RFC 7, not
 * from our code) through our Broker over tcp. Nothing here shares a line of codec with the broker, so a
 * symmetric misreading of the RFC on our side shows up as a failure.
 */
import assert from "node:assert/strict";
import { before, describe, it, type TestContext } from "node:test";
import { Broker } from "../../broker/index.js";
import type { RequestRedispatchedEvent, WorkerReadyEvent, WorkerRemovedEvent } from "../../broker/index.js";
import { ANY_TCP } from "../helpers/endpoint.js";
import {
  ClientExit,
  PeerScript,
  pythonZmqProblem,
  queryMmi,
  runPythonClient,
  spawnPythonPeer,
  startPythonWorker,
  type PeerLine,
  type PythonPeer,
} from "../helpers/python-peer.js";
import { waitFor } from "../helpers/wait.js";

/** Short heartbeats on both sides (they must match: RFC 7 has no negotiation). */
const HEARTBEAT_MS = 100;
const WAIT_MS = 10_000;

/** A broker on tcp://127.0.0.1:* with every worker event recorded. */
interface Harness {
  broker: Broker;
  endpoint: string;
  ready: WorkerReadyEvent[];
  removed: WorkerRemovedEvent[];
  redispatched: RequestRedispatchedEvent[];
}

async function startBroker(t: TestContext): Promise<Harness> {
  const broker = await Broker.start({
    config: { bind: [ANY_TCP], heartbeat: { intervalMs: HEARTBEAT_MS, liveness: 3 } },
  });
  t.after(() => broker.close());
  const endpoint = broker.endpoints[0] ?? "";
  assert.match(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const harness: Harness = { broker, endpoint, ready: [], removed: [], redispatched: [] };
  broker.on("workerReady", (event) => harness.ready.push(event));
  broker.on("workerRemoved", (event) => harness.removed.push(event));
  broker.on("requestRedispatched", (event) => harness.redispatched.push(event));
  return harness;
}

/** Start a Python worker and wait until the broker has registered it. */
async function addWorker(t: TestContext, h: Harness, args: string[] = []): Promise<PythonPeer> {
  const readyBefore = h.ready.length;
  const worker = await startPythonWorker(h.endpoint, ["--heartbeat-ms", String(HEARTBEAT_MS), ...args]);
  t.after(() => worker.kill());
  await waitFor(() => h.ready.length > readyBefore, { timeoutMs: WAIT_MS, what: "broker workerReady" });
  return worker;
}

const isRequestEvent = (line: PeerLine): boolean => line["event"] === "request";

void describe("python MDP/0.1 peers through our broker (tcp)", () => {
  before(() => {
    const problem = pythonZmqProblem();
    assert.equal(problem, null, problem ?? "");
  });

  void it("serves 1,000 mixed echo requests (multi-frame and empty bodies) from a REQ client", async (t) => {
    const h = await startBroker(t);
    const worker = await addWorker(t, h);

    const run = await runPythonClient(h.endpoint, ["--count", "1000", "--pattern", "mixed"]);

    assert.equal(run.exit.code, ClientExit.OK, JSON.stringify(run.result) + run.stderr);
    assert.equal(run.result["received"], 1000);
    assert.equal(run.result["mismatches"], 0);
    assert.equal(worker.lines.filter(isRequestEvent).length, 1000);
    assert.equal(h.broker.stats().counters.requestsReplied, 1000);
  });

  void it("serves a DEALER client and returns its whole multi-frame envelope", async (t) => {
    const h = await startBroker(t);
    await addWorker(t, h);

    const run = await runPythonClient(h.endpoint, [
      ...["--socket", "dealer", "--count", "300", "--pattern", "mixed"],
      ...["--envelope", "hop-1", "--envelope-hex", "00ff00"],
    ]);

    assert.equal(run.exit.code, ClientExit.OK, JSON.stringify(run.result) + run.stderr);
    assert.equal(run.result["received"], 300);
  });

  void it("answers mmi.service with 200 and 404, and mmi.foo with 501", async (t) => {
    const h = await startBroker(t);
    await addWorker(t, h);

    assert.equal(await queryMmi(h.endpoint, "mmi.service", "echo"), "200");
    assert.equal(await queryMmi(h.endpoint, "mmi.service", "ghost"), "404");
    assert.equal(await queryMmi(h.endpoint, "mmi.foo", "x"), "501");
  });

  void it("removes a worker that exits without DISCONNECT and serves again from a new worker", async (t) => {
    const h = await startBroker(t);
    const first = await addWorker(t, h, ["--prefix", "A:", "--exit-after", "5"]);

    const before = await runPythonClient(h.endpoint, ["--count", "5", "--expect-prefix", "A:"]);
    assert.equal(before.exit.code, ClientExit.OK, JSON.stringify(before.result));
    assert.deepEqual(before.result["byPrefix"], { "A:": 5 });
    assert.equal((await first.waitForExit(WAIT_MS)).code, 0);
    await waitFor(() => h.broker.stats().workers === 0, { timeoutMs: WAIT_MS, what: "the worker's removal" });
    assert.ok(
      h.removed.every((e) => e.reason === "expired" || e.reason === "unreachable"),
      JSON.stringify(h.removed),
    );
    assert.equal(await queryMmi(h.endpoint, "mmi.service", "echo"), "404");

    await addWorker(t, h, ["--prefix", "B:"]);
    const after = await runPythonClient(h.endpoint, [
      ...["--count", "20", "--expect-prefix", "A:", "--expect-prefix", "B:"],
    ]);
    assert.equal(after.exit.code, ClientExit.OK, JSON.stringify(after.result));
    assert.deepEqual(after.result["byPrefix"], { "B:": 20 });
    assert.equal(await queryMmi(h.endpoint, "mmi.service", "echo"), "200");
  });

  void it("removes a worker that sends DISCONNECT at once", async (t) => {
    const h = await startBroker(t);
    const worker = await addWorker(t, h, ["--exit-after", "1", "--exit-mode", "disconnect"]);

    const run = await runPythonClient(h.endpoint, ["--count", "1"]);
    assert.equal(run.exit.code, ClientExit.OK, JSON.stringify(run.result));
    assert.equal((await worker.waitForExit(WAIT_MS)).code, 0);
    await waitFor(() => h.removed.length === 1, { timeoutMs: WAIT_MS, what: "workerRemoved" });
    assert.equal(h.removed[0]?.reason, "disconnected");
    assert.equal(h.removed[0]?.heldRequest, false);
  });

  void it("re-runs the request of a worker that dies holding it on the worker that comes back", async (t) => {
    const h = await startBroker(t);
    const doomed = await addWorker(t, h, ["--exit-after", "0", "--exit-mode", "crash"]);

    // No client retries: the broker itself must keep the request and hand it to the next worker.
    const client = spawnPythonPeer(PeerScript.CLIENT, [
      ...["--endpoint", h.endpoint, "--count", "1", "--expect-prefix", "B:", "--timeout-ms", String(WAIT_MS)],
    ]);
    t.after(() => client.kill());
    assert.equal((await doomed.waitForExit(WAIT_MS)).code, 3, "the crash exit code");
    await waitFor(() => h.removed.length === 1, { timeoutMs: WAIT_MS, what: "workerRemoved" });
    assert.equal(h.removed[0]?.heldRequest, true);
    await addWorker(t, h, ["--prefix", "B:"]);

    const exit = await client.waitForExit(WAIT_MS + 5000);
    const result = client.lines.at(-1) ?? {};
    assert.equal(exit.code, ClientExit.OK, JSON.stringify(result));
    assert.deepEqual(result["byPrefix"], { "B:": 1 });
    assert.equal(result["retries"], 0);
    assert.equal(h.redispatched.length, 1);
  });
});
