/**
 * Interop: our client SDK against the independent Python MDP/0.1 broker and worker (test/interop/peers,
 * written from RFC 7, not from our code).
 * - Default mode, the broker returns the client's whole envelope: the request tag comes back untouched,
 *   so many requests in flight on one DEALER are matched exactly (correlation needs nothing from the
 *   broker beyond ROUTER envelope semantics).
 * - `--single-address`, the broker pops exactly one address frame like mdbroker.c: a tagged request is
 *   dropped (the tag sits where the broker expects the delimiter), and `envelope: "plain"` works.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { Client } from "../../client-sdk/index.js";
import { rejectionOf } from "../helpers/client-fixtures.js";
import { pythonZmqProblem, startPythonBroker, startPythonWorker, type PythonBroker } from "../helpers/python-peer.js";
import { waitFor } from "../helpers/wait.js";

const HEARTBEAT_MS = 100;
const LIVENESS = 10;
const WAIT_MS = 10_000;

async function pythonBrokerWithWorker(t: TestContext, brokerArgs: string[], workerArgs: string[] = []): Promise<PythonBroker> {
  const problem = pythonZmqProblem();
  assert.equal(problem, null, problem ?? "");
  // Lenient worker liveness on both sides: these tests are about the client, not about expiry on a
  // loaded machine.
  const heartbeat = ["--heartbeat-ms", String(HEARTBEAT_MS), "--liveness", String(LIVENESS)];
  const broker = await startPythonBroker([...heartbeat, ...brokerArgs]);
  t.after(() => broker.peer.kill());
  const worker = await startPythonWorker(broker.endpoint, [...heartbeat, ...workerArgs]);
  t.after(() => worker.kill());
  return broker;
}

/** Wait until the broker's mmi.service says the worker is registered. */
async function untilServiceUp(client: Client, service: string): Promise<void> {
  await waitFor(async () => client.serviceAvailable(service, { timeoutMs: 2000, retries: 0 }), {
    timeoutMs: WAIT_MS,
    what: `${service} registered at the Python broker`,
  });
}

describe("interop - client SDK vs Python broker", () => {
  it("whole-envelope broker: 300 concurrent tagged requests, each matched to its own reply", async (t) => {
    const { endpoint } = await pythonBrokerWithWorker(t, [], ["--upper"]);
    const client = new Client({ endpoint, timeoutMs: 20_000, retries: 0 });
    t.after(() => client.close());
    await untilServiceUp(client, "echo");

    const bodies = Array.from({ length: 300 }, (_, i) => `hello-${i}`);
    const replies = await Promise.all(bodies.map((b) => client.requestText("echo", b)));
    assert.deepEqual(replies, bodies.map((b) => b.toUpperCase()));
    assert.equal(client.stats().droppedReplies, 0);
    assert.equal(await client.requestText("mmi.service", "nope"), "404");
  });

  it("single-address broker (like mdbroker.c): a tagged request is dropped; envelope \"plain\" works", async (t) => {
    const { endpoint } = await pythonBrokerWithWorker(t, ["--single-address"]);
    const plain = new Client({ endpoint, envelope: "plain", timeoutMs: 5000, retries: 0 });
    t.after(() => plain.close());
    await untilServiceUp(plain, "echo");

    const replies = await Promise.all(["a", "b", "c", "d"].map((b) => plain.requestText("echo", b)));
    assert.deepEqual(replies, ["a", "b", "c", "d"], "plain mode queues and answers in order");

    const tagged = new Client({ endpoint, timeoutMs: 300, retries: 0 });
    t.after(() => tagged.close());
    const err = await rejectionOf(tagged.request("echo", "x"));
    assert.equal(err.code, "MDP_ERR_TIMEOUT", "the broker read the tag as the delimiter and dropped the request");
  });

  it("Paranoid Pirate against the Python broker: MMI probes keep it `up`", async (t) => {
    const { endpoint } = await pythonBrokerWithWorker(t, []);
    const client = new Client({ endpoint, heartbeat: { heartbeatIntervalMs: 100, heartbeatLiveness: 3 }, timeoutMs: 5000 });
    t.after(() => client.close());
    await untilServiceUp(client, "echo");
    assert.equal(client.brokerState, "up");
    // Several liveness windows of idleness: probes, not requests, keep the broker known to be alive.
    const probesBefore = client.stats().probesSent;
    await waitFor(() => client.stats().probesSent >= probesBefore + 5, { timeoutMs: WAIT_MS });
    assert.equal(client.brokerState, "up");
    assert.equal(await client.requestText("echo", "still here"), "still here");
  });

  it("plain envelope with Paranoid Pirate against the single-address broker: probes told apart by service", async (t) => {
    const { endpoint } = await pythonBrokerWithWorker(t, ["--single-address"]);
    const client = new Client({
      endpoint,
      envelope: "plain",
      heartbeat: { heartbeatIntervalMs: 100, heartbeatLiveness: 3 },
      timeoutMs: 5000,
    });
    t.after(() => client.close());
    await untilServiceUp(client, "echo");
    const probesBefore = client.stats().probesSent;
    await waitFor(() => client.stats().probesSent >= probesBefore + 3, { timeoutMs: WAIT_MS });
    const replies = await Promise.all(["p", "q", "r"].map((b) => client.requestText("echo", b)));
    assert.deepEqual(replies, ["p", "q", "r"]);
    assert.equal(client.brokerState, "up");
    assert.equal(client.stats().connectionResets, 0);
  });
});
