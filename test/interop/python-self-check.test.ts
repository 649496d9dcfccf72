/**
 * Self-check of the independent Python MDP/0.1 peers (test/interop/peers): client and worker against the
 * Python broker over tcp, and the worker against a scripted zeromq Router. Interop tests against our broker
 * and SDKs trust these peers, so they must be shown to work on their own first.
 */
import assert from "node:assert/strict";
import { before, describe, it, type TestContext } from "node:test";
import { Router } from "zeromq";
import { ANY_TCP } from "../helpers/endpoint.js";
import {
  ClientExit,
  PeerScript,
  pythonZmqProblem,
  queryMmi,
  runPythonClient,
  spawnPythonPeer,
  startPythonBroker,
  startPythonWorker,
  type PeerLine,
  type PythonBroker,
  type PythonPeer,
} from "../helpers/python-peer.js";

/** Short heartbeats so expiry and reconnects take a fraction of a second (reference: 2500 ms). */
const HEARTBEAT_MS = "100";
const WAIT_MS = 10_000;

const isEvent =
  (event: string, extra: Record<string, unknown> = {}) =>
  (line: PeerLine): boolean =>
    line["event"] === event && Object.entries(extra).every(([key, value]) => line[key] === value);

/** Start a broker and register its cleanup; returns the endpoint and the broker peer. */
async function brokerFor(t: TestContext, args: string[] = []): Promise<PythonBroker> {
  const broker = await startPythonBroker(["--heartbeat-ms", HEARTBEAT_MS, ...args]);
  t.after(() => broker.peer.kill());
  return broker;
}

/** Start a worker, register its cleanup, and wait until the broker has registered it. */
async function workerFor(
  t: TestContext,
  broker: PythonPeer,
  endpoint: string,
  args: string[] = [],
): Promise<PythonPeer> {
  const mark = broker.lines.length;
  const worker = await startPythonWorker(endpoint, ["--heartbeat-ms", HEARTBEAT_MS, ...args]);
  t.after(() => worker.kill());
  await broker.waitForLine(isEvent("ready"), WAIT_MS, { fromIndex: mark, what: "broker ready event" });
  return worker;
}

void describe("python MDP peers (self-check)", () => {
  before(() => {
    const problem = pythonZmqProblem();
    assert.equal(problem, null, problem ?? "");
  });

  void it("serve 1,000 mixed echo requests (multi-frame and empty bodies) through a REQ client", async (t) => {
    const { peer: broker, endpoint } = await brokerFor(t);
    const worker = await workerFor(t, broker, endpoint);

    const run = await runPythonClient(endpoint, ["--count", "1000", "--pattern", "mixed"]);

    assert.equal(run.exit.code, ClientExit.OK, JSON.stringify(run.result) + run.stderr);
    assert.equal(run.result["received"], 1000);
    assert.equal(run.result["mismatches"], 0);
    const requests = worker.lines.filter(isEvent("request"));
    assert.equal(requests.length, 1000);
    assert.ok(requests.some((line) => line["frames"] === 1 && line["bytes"] === 0), "an empty body frame");
    assert.ok(requests.some((line) => line["frames"] === 10), "a ten-frame body");
    // SIGTERM ends both cleanly.
    assert.deepEqual(await worker.kill(), { code: 0, signal: null });
    assert.deepEqual(await broker.kill(), { code: 0, signal: null });
  });

  void it("return a DEALER client's whole envelope by default", async (t) => {
    const { peer: broker, endpoint } = await brokerFor(t);
    await workerFor(t, broker, endpoint);

    const run = await runPythonClient(endpoint, [
      ...["--socket", "dealer", "--count", "200", "--pattern", "mixed"],
      ...["--envelope", "proxy-hop", "--envelope-hex", "444f4d4f01"],
    ]);

    assert.equal(run.exit.code, ClientExit.OK, JSON.stringify(run.result) + run.stderr);
    assert.equal(run.result["received"], 200);
  });

  void it("pop exactly one address frame with --single-address, dropping longer envelopes", async (t) => {
    const { peer: broker, endpoint } = await brokerFor(t, ["--single-address"]);
    await workerFor(t, broker, endpoint);

    const plain = await runPythonClient(endpoint, ["--socket", "dealer", "--count", "50"]);
    assert.equal(plain.exit.code, ClientExit.OK, JSON.stringify(plain.result) + plain.stderr);

    const mark = broker.lines.length;
    const tagged = await runPythonClient(endpoint, [
      ...["--socket", "dealer", "--envelope", "tag", "--count", "1", "--timeout-ms", "500"],
    ]);
    assert.equal(tagged.exit.code, ClientExit.TIMEOUT, JSON.stringify(tagged.result));
    await broker.waitForLine(isEvent("invalid", { reason: "unknown-header" }), WAIT_MS, { fromIndex: mark });
  });

  void it("answer mmi.service with 200 and 404, and other mmi.* with 501", async (t) => {
    const { peer: broker, endpoint } = await brokerFor(t);
    await workerFor(t, broker, endpoint);

    assert.equal(await queryMmi(endpoint, "mmi.service", "echo"), "200");
    assert.equal(await queryMmi(endpoint, "mmi.service", "ghost"), "404");
    assert.equal(await queryMmi(endpoint, "mmi.foo", "x"), "501");
  });

  void it("expire a worker that exits silently, then serve again from a new worker", async (t) => {
    const { peer: broker, endpoint } = await brokerFor(t);
    const first = await workerFor(t, broker, endpoint, ["--prefix", "A:", "--exit-after", "5"]);

    const before = await runPythonClient(endpoint, ["--count", "5", "--expect-prefix", "A:"]);
    assert.equal(before.exit.code, ClientExit.OK, JSON.stringify(before.result));
    assert.deepEqual(before.result["byPrefix"], { "A:": 5 });
    assert.equal((await first.waitForExit(WAIT_MS)).code, 0);
    // Removed by expiry, or earlier when a heartbeat to its vanished connection fails (mandatory routing).
    await broker.waitForLine(
      (line) => (line["event"] === "expired" || line["event"] === "unreachable") && line["service"] === "echo",
      WAIT_MS,
      { what: "the worker's removal" },
    );
    assert.equal(await queryMmi(endpoint, "mmi.service", "echo"), "404");

    await workerFor(t, broker, endpoint, ["--prefix", "B:"]);
    const after = await runPythonClient(endpoint, ["--count", "20", "--expect-prefix", "A:", "--expect-prefix", "B:"]);
    assert.equal(after.exit.code, ClientExit.OK, JSON.stringify(after.result));
    assert.deepEqual(after.result["byPrefix"], { "B:": 20 });
    assert.equal(await queryMmi(endpoint, "mmi.service", "echo"), "200");
  });

  void it("serve a client's retry from a new worker after the first one dies holding the request", async (t) => {
    const { peer: broker, endpoint } = await brokerFor(t);
    const doomed = await workerFor(t, broker, endpoint, ["--exit-after", "0", "--exit-mode", "crash"]);

    const client = spawnPythonPeer(PeerScript.CLIENT, [
      ...["--endpoint", endpoint, "--count", "1", "--expect-prefix", "B:"],
      ...["--timeout-ms", "2000", "--retries", "3"],
    ]);
    t.after(() => client.kill());
    assert.equal((await doomed.waitForExit(WAIT_MS)).code, 3, "the crash exit code");
    await broker.waitForLine(isEvent("request-lost"), WAIT_MS);
    await workerFor(t, broker, endpoint, ["--prefix", "B:"]);

    const exit = await client.waitForExit(WAIT_MS);
    const result = client.lines.at(-1) ?? {};
    assert.equal(exit.code, ClientExit.OK, JSON.stringify(result));
    assert.deepEqual(result["byPrefix"], { "B:": 1 });
    assert.ok((result["retries"] as number) >= 1, "the answer came from a resend");
  });

  void it("reconnect a worker with a new socket and one READY after DISCONNECT and after broker silence", async (t) => {
    const router = new Router({ linger: 0, receiveTimeout: WAIT_MS });
    t.after(() => router.close());
    await router.bind(ANY_TCP);
    const endpoint = router.lastEndpoint ?? "";
    const worker = spawnPythonPeer(PeerScript.WORKER, [
      ...["--endpoint", endpoint, "--heartbeat-ms", HEARTBEAT_MS, "--liveness", "5"],
      ...["--reconnect-ms", "50", "--disconnect-delay-ms", "0"],
    ]);
    t.after(() => worker.kill());

    const readyIds: string[] = [];
    const heartbeatsBy = new Map<string, number>();
    // Reads until the predicate holds; every READY and HEARTBEAT on the way is recorded.
    const readUntil = async (done: () => boolean): Promise<void> => {
      while (!done()) {
        const [id, empty, header, command, ...rest] = await router.receive();
        assert.ok(id && empty && header && command, "a worker command has at least four frames");
        assert.equal(empty.length, 0);
        assert.equal(header.toString("latin1"), "MDPW01");
        const key = id.toString("hex");
        if (command.equals(Buffer.from([0x01]))) {
          assert.deepEqual(rest.map(String), ["echo"]);
          readyIds.push(key);
        } else if (command.equals(Buffer.from([0x04]))) {
          heartbeatsBy.set(key, (heartbeatsBy.get(key) ?? 0) + 1);
        } else {
          assert.fail(`unexpected command ${command.toString("hex")}`);
        }
      }
    };

    await readUntil(() => readyIds.length === 1);
    const firstId = Buffer.from(readyIds[0] ?? "", "hex");
    await router.send([firstId, Buffer.alloc(0), Buffer.from("MDPW01"), Buffer.from([0x05])]);
    await readUntil(() => readyIds.length === 2);
    // Silence now: after liveness x interval the worker gives up on this socket too.
    await readUntil(() => readyIds.length === 3);

    assert.equal(new Set(readyIds).size, 3, "each READY comes from a new socket (routing id)");
    assert.ok((heartbeatsBy.get(readyIds[1] ?? "") ?? 0) >= 1, "the worker heartbeats while connected");
    await worker.waitForLine(isEvent("reconnect", { reason: "silence" }), WAIT_MS);
    const reasons = worker.lines.filter(isEvent("reconnect")).map((line) => line["reason"]);
    assert.deepEqual(reasons.slice(0, 2), ["disconnect", "silence"]);
  });
});
