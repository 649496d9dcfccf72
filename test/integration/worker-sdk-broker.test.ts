/**
 * The worker SDK and the matrix worker against our real Broker: matrix requests from the SDK client and
 * from a plain REQ client, a slow handler that outlives the broker's expiry, and a broker restart on the
 * same endpoint that the worker survives without help (protocol-notes §7 items 29 and 40).
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { Request } from "zeromq";
import { Broker } from "../../broker/index.js";
import { Client, RemoteError } from "../../client-sdk/index.js";
import { MDPC01 } from "../../protocol/constants.js";
import { Worker, type DisconnectedEvent } from "../../worker-sdk/index.js";
import { readF64le, startMatrixWorker, writeF64le } from "../../workers/matrix/index.js";
import { ANY_TCP } from "../helpers/endpoint.js";
import { waitForPortFree } from "../helpers/port-free.js";
import { waitFor } from "../helpers/wait.js";

/** Short heartbeats; a liveness that tolerates a stalled test process (as in broker-harness.ts). */
const HEARTBEAT = { intervalMs: 50, liveness: 10 } as const;
const WORKER_HEARTBEAT = { heartbeatIntervalMs: HEARTBEAT.intervalMs, heartbeatLiveness: HEARTBEAT.liveness } as const;

async function startBroker(t: TestContext, bind: string = ANY_TCP, heartbeat: { intervalMs: number; liveness: number } = HEARTBEAT): Promise<Broker> {
  const broker = await Broker.start({ config: { bind: [bind], heartbeat, metrics: { enabled: false } } });
  t.after(() => broker.close());
  return broker;
}

function client(t: TestContext, endpoint: string): Client {
  const c = new Client({ endpoint, timeoutMs: 5000, retries: 0 });
  t.after(() => c.close());
  return c;
}

describe("worker-sdk with the domo broker", () => {
  it("serves matrix requests from the SDK client, JSON and binary, with typed errors", async (t) => {
    const broker = await startBroker(t);
    const endpoint = broker.endpoints[0]!;
    const matrix = startMatrixWorker({ broker: endpoint, capacity: 2, threads: 1, inlineMaxBytes: 64, ...WORKER_HEARTBEAT });
    t.after(() => matrix.stop());
    await waitFor(() => broker.stats().perService["matrix"]?.idle === 2, { what: "2 matrix workers registered" });

    const c = client(t, endpoint);
    const product = await c.requestJson<{ op: string; result: number[][] }>(
      "matrix",
      JSON.stringify({ op: "multiply", a: [[1, 2], [3, 4]], b: [[5, 6], [7, 8]] }),
    );
    assert.deepEqual(product, { op: "multiply", result: [[19, 22], [43, 50]] });

    const reply = await c.request("matrix", [
      JSON.stringify({ op: "transpose", dtype: "f64le", shapes: [[2, 3]] }),
      Buffer.from(writeF64le(Float64Array.of(1, 2, 3, 4, 5, 6))),
    ]);
    assert.deepEqual(JSON.parse(reply[0]!.toString()), { op: "transpose", dtype: "f64le", shape: [3, 2] });
    assert.deepEqual(Array.from(readF64le(reply[1]!)), [1, 4, 2, 5, 3, 6]);

    await assert.rejects(c.request("matrix", JSON.stringify({ op: "inverse", a: [[1, 2], [2, 4]] })), (error: unknown) => {
      assert.ok(error instanceof RemoteError);
      assert.equal(error.remoteCode, "MATRIX_SINGULAR");
      return true;
    });
    assert.equal(broker.stats().workers, 2, "bad input does not cost a worker");
  });

  it("answers a plain MDP/0.1 REQ client (no SDK) with the reference frames", async (t) => {
    const broker = await startBroker(t);
    const endpoint = broker.endpoints[0]!;
    const matrix = startMatrixWorker({ broker: endpoint, ...WORKER_HEARTBEAT });
    t.after(() => matrix.stop());
    await waitFor(() => broker.stats().perService["matrix"]?.idle === 1, { what: "matrix registered" });

    const req = new Request({ linger: 0, receiveTimeout: 5000 });
    t.after(() => req.close());
    req.connect(endpoint);
    await req.send([MDPC01, "matrix", JSON.stringify({ op: "determinant", a: [[2, 0], [0, 3]] })]);
    const [header, service, body, ...rest] = await req.receive();
    assert.deepEqual([header?.toString(), service?.toString(), rest.length], ["MDPC01", "matrix", 0]);
    assert.deepEqual(JSON.parse(body!.toString()), { op: "determinant", result: 6 });
  });

  it("keeps a worker with a slow handler registered past the broker's expiry", async (t) => {
    // Broker expiry 150 ms; the handler takes 4x that. Heartbeats while busy keep the worker alive.
    const broker = await startBroker(t, ANY_TCP, { intervalMs: 50, liveness: 3 });
    const endpoint = broker.endpoints[0]!;
    const worker = new Worker({ service: "slow", broker: endpoint, heartbeatIntervalMs: 50, heartbeatLiveness: 10 });
    t.after(() => worker.stop());
    worker.handle(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 600)); // the slow work under test, not a wait for a condition
      return request.body;
    });
    await waitFor(() => broker.stats().perService["slow"]?.idle === 1, { what: "slow registered" });
    const reply = await client(t, endpoint).requestText("slow", "patience");
    assert.equal(reply, "patience");
    assert.deepEqual(broker.stats().counters.workersRemoved, {}, "no worker expired");
    assert.equal(worker.stats().reconnects, 0);
  });

  it("re-registers and serves again after the broker is replaced on the same endpoint", async (t) => {
    const first = await startBroker(t);
    const endpoint = first.endpoints[0]!;
    const matrix = startMatrixWorker({
      broker: endpoint,
      capacity: 2,
      ...WORKER_HEARTBEAT,
      reconnectInitialDelayMs: 100,
      reconnectMaxDelayMs: 400,
    });
    t.after(() => matrix.stop());
    const disconnects: DisconnectedEvent[] = [];
    matrix.worker.on("disconnected", (event) => disconnects.push(event));
    await waitFor(() => first.stats().perService["matrix"]?.idle === 2, { what: "registered with the first broker" });
    const body = JSON.stringify({ op: "scale", a: [[1, 2]], scalar: 3 });
    const c1 = client(t, endpoint);
    assert.deepEqual(await c1.requestJson("matrix", body), { op: "scale", result: [[3, 6]] });
    await c1.close();

    await first.close();
    // Broker.close() resolves before libzmq has released the listening port (its I/O thread closes it).
    await waitForPortFree(endpoint);
    const second = await startBroker(t, endpoint);
    assert.equal(second.endpoints[0], endpoint);
    await waitFor(() => second.stats().perService["matrix"]?.idle === 2, { timeoutMs: 10_000, what: "re-registered with the new broker" });
    assert.deepEqual(await client(t, endpoint).requestJson("matrix", body), { op: "scale", result: [[3, 6]] });
    assert.ok(disconnects.length >= 2, "each slot saw its old connection end");
    assert.ok(disconnects.every((d) => d.reason === "broker-disconnect" || d.reason === "broker-silent" || d.reason === "transport-lost"));
    assert.equal(matrix.worker.stats().connected, 2);
  });
});
