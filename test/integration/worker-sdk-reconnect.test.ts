/**
 * Worker SDK reconnect behaviour against a scripted raw-frame broker: silence and backoff, DISCONNECT,
 * a new identity per socket, and what an in-flight request sees (protocol-notes §7 items 38-39).
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { WorkerCommand } from "../../protocol/constants.js";
import { Worker, type DisconnectedEvent, type WorkerOptions } from "../../worker-sdk/index.js";
import { FakeBroker, workerFrames } from "../helpers/fake-broker.js";
import { waitFor } from "../helpers/wait.js";

const INTERVAL_MS = 30;

async function setup(t: TestContext, options: Partial<WorkerOptions> = {}): Promise<{ broker: FakeBroker; worker: Worker; disconnects: (DisconnectedEvent & { atMs: number })[] }> {
  const broker = await FakeBroker.start();
  const worker = new Worker({
    service: "echo",
    broker: broker.endpoint,
    heartbeatIntervalMs: INTERVAL_MS,
    heartbeatLiveness: 3,
    reconnectInitialDelayMs: 60,
    reconnectMaxDelayMs: 150,
    reconnectJitterRatio: 0,
    ...options,
  });
  const disconnects: (DisconnectedEvent & { atMs: number })[] = [];
  worker.on("disconnected", (event) => disconnects.push({ ...event, atMs: performance.now() }));
  t.after(async () => {
    await worker.stop({ drainTimeoutMs: 0 });
    await broker.close();
  });
  return { broker, worker, disconnects };
}

describe("worker-sdk reconnect", () => {
  it("reconnects after liveness x interval of silence, on a new socket, with doubling capped backoff", async (t) => {
    const { broker, worker, disconnects } = await setup(t);
    worker.handle((request) => request.body);
    await waitFor(() => disconnects.length >= 4, { timeoutMs: 10_000, what: "4 reconnects" });
    await waitFor(() => broker.filter({ command: WorkerCommand.READY }).length >= 5, { timeoutMs: 5000, what: "5 READY" });

    assert.deepEqual(
      disconnects.slice(0, 4).map((d) => [d.reason, d.reconnectDelayMs]),
      [
        ["broker-silent", 60],
        ["broker-silent", 120],
        ["broker-silent", 150],
        ["broker-silent", 150],
      ],
    );
    const readies = broker.filter({ command: WorkerCommand.READY });
    assert.equal(new Set(readies.map((r) => r.senderHex)).size, readies.length, "every socket has a new routing id");
    for (const ready of readies) assert.deepEqual(ready.frames, workerFrames(WorkerCommand.READY, "echo"));
    for (const [i, disconnect] of disconnects.slice(0, 4).entries()) {
      assert.equal(disconnect.routingId, readies[i]!.senderHex, "the silent socket is the one that goes");
      // The new READY cannot come before the backoff delay (lower bound only: no tight timing).
      assert.ok(readies[i + 1]!.atMs - disconnect.atMs >= disconnect.reconnectDelayMs! - 5, `delay ${i} honoured`);
      // And not before liveness x interval of silence on the old socket.
      assert.ok(disconnect.atMs - readies[i]!.atMs >= 3 * INTERVAL_MS - 5, `silence ${i} waited for`);
    }
    for (const ready of readies) {
      const readiesOnSocket = broker.filter({ from: ready.sender, command: WorkerCommand.READY });
      assert.equal(readiesOnSocket.length, 1, "never two READY on one socket");
    }
  });

  it("resets the backoff once the broker answers", async (t) => {
    const { broker, worker, disconnects } = await setup(t);
    worker.handle((request) => request.body);
    await waitFor(() => disconnects.length >= 2, { timeoutMs: 10_000, what: "2 silent reconnects" });
    // Answer the third socket for a while, then fall silent again.
    const third = await waitFor(() => broker.filter({ command: WorkerCommand.READY })[2], { timeoutMs: 5000 });
    broker.autoHeartbeat(INTERVAL_MS, (hex) => hex === third.senderHex);
    await waitFor(() => broker.filter({ from: third.sender, command: WorkerCommand.HEARTBEAT }).length >= 4, {
      what: "the healthy socket keeps heartbeating",
    });
    assert.equal(disconnects.length, 2, "a heartbeated socket is kept");
    broker.stopHeartbeats();
    await waitFor(() => disconnects.length >= 3, { timeoutMs: 5000, what: "reconnect after new silence" });
    assert.deepEqual(
      disconnects.map((d) => d.reconnectDelayMs),
      [60, 120, 60],
    );
  });

  it("on DISCONNECT closes the socket and sends READY once on a new socket with a new identity", async (t) => {
    const { broker, worker, disconnects } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle((request) => request.body);
    const first = await broker.next({ command: WorkerCommand.READY });
    await broker.next({ from: first.sender, command: WorkerCommand.HEARTBEAT });
    broker.disconnect(first.sender);

    const second = await broker.next({ command: WorkerCommand.READY });
    assert.notEqual(second.senderHex, first.senderHex, "new routing id");
    assert.deepEqual(second.frames, workerFrames(WorkerCommand.READY, "echo"));
    assert.deepEqual(
      disconnects.map((d) => [d.routingId, d.reason, d.reconnectDelayMs]),
      [[first.senderHex, "broker-disconnect", 0]],
      "a healthy link re-registers at once",
    );
    await waitFor(() => broker.filter({ from: second.sender, command: WorkerCommand.HEARTBEAT }).length >= 3, {
      what: "new socket heartbeats",
    });
    const fromOldAfterNew = broker.filter({ from: first.sender }).filter((m) => m.atMs > second.atMs);
    assert.deepEqual(fromOldAfterNew, [], "the old socket is silent after DISCONNECT");
    assert.equal(broker.filter({ from: second.sender, command: WorkerCommand.READY }).length, 1);

    // Serves on the new socket.
    broker.request(second.sender, Buffer.from("c"), [Buffer.from("again")]);
    const reply = await broker.next({ command: WorkerCommand.REPLY });
    assert.ok(reply.sender.equals(second.sender));
    assert.deepEqual(reply.frames.slice(5), [Buffer.from("again")]);
  });

  it("backs off when the broker answers READY with DISCONNECT straight away", async (t) => {
    const { broker, worker, disconnects } = await setup(t);
    worker.handle((request) => request.body);
    for (let i = 0; i < 3; i += 1) {
      const ready = await broker.next({ command: WorkerCommand.READY });
      broker.disconnect(ready.sender);
    }
    await waitFor(() => disconnects.length >= 3, { what: "3 rejected registrations" });
    assert.deepEqual(
      disconnects.slice(0, 3).map((d) => [d.reason, d.reconnectDelayMs]),
      [
        ["broker-disconnect", 60],
        ["broker-disconnect", 120],
        ["broker-disconnect", 150],
      ],
    );
  });

  it("aborts the signal of a request whose connection was lost and drops its late answer", async (t) => {
    const { broker, worker, disconnects } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    let reason: unknown;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    worker.handle(async (request) => {
      await new Promise<void>((resolve) => request.signal.addEventListener("abort", () => resolve(), { once: true }));
      reason = request.signal.reason;
      finish();
      return "too late";
    });
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from("x")]);
    await waitFor(() => worker.stats().busy === 1, { what: "busy" });
    broker.disconnect(ready.sender);
    await finished;
    assert.equal((reason as { code?: string }).code, "DOMO_WORKER_CONNECTION_LOST");
    const second = await broker.next({ command: WorkerCommand.READY });
    assert.notEqual(second.senderHex, ready.senderHex);
    await waitFor(() => worker.stats().busy === 0, { what: "slot free again" });
    await broker.next({ from: second.sender, command: WorkerCommand.HEARTBEAT });
    assert.equal(broker.filter({ command: WorkerCommand.REPLY }).length, 0, "the late answer is not sent anywhere");
    assert.equal(worker.stats().dropped, 1);
    assert.equal(disconnects[0]?.reason, "broker-disconnect");
  });

  it("re-registers with a new broker bound on the same endpoint", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle((request) => request.body);
    const first = await broker.next({ command: WorkerCommand.READY });
    await broker.next({ from: first.sender, command: WorkerCommand.HEARTBEAT });
    await broker.close();

    // The new broker does not know the old socket: like a real one, it answers its HEARTBEAT with DISCONNECT.
    const restarted = await FakeBroker.start(broker.endpoint);
    t.after(() => restarted.close());
    const stale = await restarted.next({ timeoutMs: 5000 });
    if (stale.command !== WorkerCommand.READY) {
      assert.equal(stale.senderHex, first.senderHex);
      restarted.disconnect(stale.sender);
    }
    const ready = stale.command === WorkerCommand.READY ? stale : await restarted.next({ command: WorkerCommand.READY });
    assert.notEqual(ready.senderHex, first.senderHex);
    restarted.autoHeartbeat(INTERVAL_MS);
    restarted.request(ready.sender, Buffer.from("c"), [Buffer.from("after restart")]);
    const reply = await restarted.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(reply.frames.slice(5), [Buffer.from("after restart")]);
  });
});
