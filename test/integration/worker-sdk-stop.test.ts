/**
 * Worker SDK shutdown against a scripted raw-frame broker: drain, DISCONNECT on every socket, drain
 * timeout, caller misuse, and a process that exits once the worker stopped.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it, type TestContext } from "node:test";
import { WorkerCommand } from "../../protocol/constants.js";
import { Worker, type WorkerOptions } from "../../worker-sdk/index.js";
import { FAKE_BROKER_INTERVAL_MS, workerAgainstFakeBroker } from "../helpers/fake-broker-worker.js";
import { FakeBroker, workerFrames } from "../helpers/fake-broker.js";
import { waitFor, withTimeout } from "../helpers/wait.js";

const INTERVAL_MS = FAKE_BROKER_INTERVAL_MS;

function setup(t: TestContext, options: Partial<WorkerOptions> = {}): ReturnType<typeof workerAgainstFakeBroker> {
  return workerAgainstFakeBroker(t, options, { autoHeartbeat: true });
}

describe("worker-sdk stop", () => {
  it("sends DISCONNECT on every socket, closes them, and resolves stopped with null", async (t) => {
    const { broker, worker } = await setup(t, { capacity: 2 });
    worker.handle((request) => request.body);
    await waitFor(() => broker.filter({ command: WorkerCommand.READY }).length === 2, { what: "2 READY" });
    await worker.stop();
    const readies = broker.filter({ command: WorkerCommand.READY });
    for (const ready of readies) {
      const disconnect = await broker.next({ from: ready.sender, command: WorkerCommand.DISCONNECT });
      assert.deepEqual(disconnect.frames, workerFrames(WorkerCommand.DISCONNECT));
    }
    assert.equal(await worker.stopped, null);
    assert.equal(worker.stats().connected, 0);
    // Nothing after DISCONNECT: give the heartbeat timer several intervals to misbehave.
    const lastAt = broker.received.at(-1)!.atMs;
    await waitFor(() => performance.now() - lastAt > 4 * INTERVAL_MS, { what: "4 intervals" });
    for (const ready of readies) {
      assert.equal(broker.filter({ from: ready.sender }).at(-1)!.command, WorkerCommand.DISCONNECT, "DISCONNECT is the last word");
    }
  });

  it("lets an in-flight request finish, sends its REPLY, then DISCONNECT", async (t) => {
    const { broker, worker } = await setup(t);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    worker.handle(async (request) => {
      await released;
      return request.body;
    });
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from("last")]);
    await waitFor(() => worker.stats().busy === 1, { what: "busy" });
    const stopping = worker.stop();
    // Still heartbeating while it drains, and no DISCONNECT before the reply.
    const since = performance.now();
    await waitFor(() => broker.filter({ command: WorkerCommand.HEARTBEAT }).some((m) => m.atMs > since), { what: "drain heartbeat" });
    assert.equal(broker.filter({ command: WorkerCommand.DISCONNECT }).length, 0);
    release();
    await stopping;
    const tail = await broker.next({ from: ready.sender, command: WorkerCommand.REPLY });
    assert.deepEqual(tail.frames.slice(5), [Buffer.from("last")]);
    const disconnect = await broker.next({ from: ready.sender, command: WorkerCommand.DISCONNECT });
    assert.ok(disconnect.atMs >= tail.atMs);
  });

  it("aborts a handler that outlasts drainTimeoutMs and disconnects without a reply", async (t) => {
    const { broker, worker } = await setup(t);
    let reason: unknown;
    worker.handle(async (request) => {
      await new Promise<void>((resolve) => request.signal.addEventListener("abort", () => resolve(), { once: true }));
      reason = request.signal.reason;
      return "never sent";
    });
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from("slow")]);
    await waitFor(() => worker.stats().busy === 1, { what: "busy" });
    await worker.stop({ drainTimeoutMs: 100 });
    assert.equal((reason as { code?: string }).code, "DOMO_WORKER_STOPPED");
    await broker.next({ from: ready.sender, command: WorkerCommand.DISCONNECT });
    assert.equal(broker.filter({ command: WorkerCommand.REPLY }).length, 0);
    assert.equal(worker.stats().dropped, 1);
  });

  it("ends the for-await loop on stop, and breaking out of the loop stops the worker", async (t) => {
    const { broker, worker } = await setup(t);
    const loop = (async () => {
      for await (const request of worker) {
        request.reply(request.body);
        break;
      }
    })();
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from("one")]);
    await withTimeout(loop, 5000, "loop ends after break");
    assert.equal(await worker.stopped, null);
    await broker.next({ from: ready.sender, command: WorkerCommand.DISCONNECT });
    const reply = broker.filter({ command: WorkerCommand.REPLY });
    assert.equal(reply.length, 1);
  });

  it("stops through Symbol.asyncDispose", async (t) => {
    const broker = await FakeBroker.start();
    t.after(() => broker.close());
    {
      await using worker = new Worker({ service: "echo", broker: broker.endpoint, heartbeatIntervalMs: INTERVAL_MS });
      worker.handle(() => undefined);
      await broker.next({ command: WorkerCommand.READY });
    }
    await broker.next({ command: WorkerCommand.DISCONNECT });
  });

  it("stops while waiting to reconnect without sending anything more", async (t) => {
    const { broker, worker } = await setup(t, { reconnectInitialDelayMs: 60_000, reconnectMaxDelayMs: 60_000 });
    broker.stopHeartbeats();
    worker.handle(() => undefined);
    await new Promise<void>((resolve) => worker.once("disconnected", () => resolve()));
    const count = broker.received.length;
    await withTimeout(worker.stop(), 2000, "stop during backoff");
    assert.equal(broker.received.length, count);
  });

  it("rejects misuse with stable codes", async (t) => {
    const { worker } = await setup(t);
    worker.handle(() => undefined);
    assert.throws(() => worker.handle(() => undefined), { code: "DOMO_WORKER_USAGE" });
    assert.throws(() => worker[Symbol.asyncIterator](), { code: "DOMO_WORKER_USAGE" });
    await worker.stop();
    assert.throws(() => new Worker({ service: "x", broker: "tcp://127.0.0.1:1" }).stop({ drainTimeoutMs: -1 }), {
      code: "DOMO_WORKER_INVALID_ARGUMENT",
    });
    const stopped = new Worker({ service: "x", broker: "tcp://127.0.0.1:1" });
    await stopped.stop();
    assert.throws(() => stopped.handle(() => undefined), { code: "DOMO_WORKER_STOPPED" });
  });

  it("lets the process exit after stop()", async () => {
    const broker = await FakeBroker.start();
    try {
      broker.autoHeartbeat(INTERVAL_MS);
      const fixture = fileURLToPath(new URL("../helpers/fixtures/worker-stop-exit.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", fixture, broker.endpoint], { stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const code = await withTimeout(exited, 20_000, "child exits on its own").finally(() => child.kill("SIGKILL"));
      assert.equal(code, 0);
      await broker.next({ command: WorkerCommand.READY });
      await broker.next({ command: WorkerCommand.DISCONNECT });
    } finally {
      await broker.close();
    }
  });
});
