/**
 * The broker going away and coming back (issue 6), with the `domo broker` daemon as a real process:
 * - restart on the same endpoint, after a crash (SIGKILL) and after a clean stop (SIGTERM): workers
 *   re-register and clients resume with no manual step;
 * - graceful drain on SIGTERM: the request in flight finishes, new requests get DOMO_DRAINING (a typed
 *   error in the client), workers get DISCONNECT, exit 0; a second signal exits at once.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { Client } from "../../client-sdk/index.js";
import { Worker, type DisconnectedEvent, type WorkerRequest } from "../../worker-sdk/index.js";
import { startBrokerProcess } from "../helpers/broker-process.js";
import { rejectionOf, track } from "../helpers/client-fixtures.js";
import { waitForPortFree } from "../helpers/port-free.js";
import { waitFor, waitForEvent } from "../helpers/wait.js";

/** An SDK worker in this process, with test heartbeats and quick reconnects; stopped after the test. */
function startWorker(t: TestContext, endpoint: string, handler: (request: WorkerRequest) => unknown): Worker {
  const worker = new Worker({
    service: "echo",
    broker: endpoint,
    heartbeatIntervalMs: 100,
    heartbeatLiveness: 5,
    reconnectInitialDelayMs: 50,
    reconnectMaxDelayMs: 500,
    stopLingerMs: 0,
  });
  worker.handle(async (request) => {
    await handler(request);
    return request.body;
  });
  t.after(() => worker.stop({ drainTimeoutMs: 0 }));
  return worker;
}

/** A broker's log says the worker registered. */
const registered = (l: Record<string, unknown>): boolean => l.msg === "worker registered";

describe("broker restart", () => {
  it("after SIGKILL and after SIGTERM on the same endpoint: workers re-register, clients resume", async (t) => {
    const first = await startBrokerProcess(t);
    const endpoint = first.endpoint;
    const worker = startWorker(t, endpoint, () => undefined);
    // Lazy Pirate: a lost request is re-sent after the per-attempt timeout; the socket is replaced after
    // two silent attempts. Nothing here is specific to the restart.
    const client = new Client({ endpoint, timeoutMs: 1_000, retries: 30, backoff: { initialDelayMs: 50, maxDelayMs: 200, multiplier: 2, jitter: false } });
    t.after(() => client.close());
    await first.proc.waitForJson(registered);
    assert.equal(await client.requestText("echo", "before"), "before");

    // Crash: no DISCONNECT to anyone. A request sent while the broker is down waits in the client.
    first.proc.child.kill("SIGKILL");
    await first.proc.exited;
    const duringOutage = track(client.requestText("echo", "while down"));
    await waitForPortFree(endpoint, 10_000);
    const second = await startBrokerProcess(t, endpoint);
    assert.equal(second.endpoint, endpoint);
    await second.proc.waitForJson(registered, 15_000);
    assert.equal(await duringOutage.promise, "while down");
    assert.equal(await client.requestText("echo", "after crash"), "after crash");

    // Clean stop: the broker DISCONNECTs the worker, which registers again at once (its READY waits in
    // the socket until the next broker is up).
    const disconnected = waitForEvent<DisconnectedEvent>(worker, "disconnected", 10_000);
    second.proc.child.kill("SIGTERM");
    assert.equal((await second.proc.waitForExit()).code, 0, second.proc.output());
    assert.equal((await disconnected).reason, "broker-disconnect");
    await waitForPortFree(endpoint, 10_000);
    const third = await startBrokerProcess(t, endpoint);
    await third.proc.waitForJson(registered, 15_000);
    assert.equal(await client.requestText("echo", "after stop"), "after stop");
    const stats = worker.stats();
    t.diagnostic(`worker reconnects ${stats.reconnects}; client resets ${client.stats().connectionResets}, resent ${client.stats().resent}`);
    assert.ok(stats.reconnects >= 2, "the worker did not register again after each restart");
  });
});

describe("graceful drain", () => {
  it("SIGTERM: the request in flight finishes, new ones get DOMO_DRAINING, workers DISCONNECT, exit 0", async (t) => {
    const { proc, endpoint } = await startBrokerProcess(t, undefined, { DOMO_SHUTDOWN__DRAIN_TIMEOUT_MS: "60000" });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held: WorkerRequest[] = [];
    const worker = startWorker(t, endpoint, async (request) => {
      held.push(request);
      await gate;
    });
    t.after(release);
    await proc.waitForJson(registered);
    const client = new Client({ endpoint, timeoutMs: 30_000, retries: 0 });
    t.after(() => client.close());

    const inFlight = client.requestText("echo", "finish me");
    await waitFor(() => held.length === 1, { timeoutMs: 10_000, what: "the worker holds the request" });
    const disconnected = waitForEvent<DisconnectedEvent>(worker, "disconnected", 20_000);
    proc.child.kill("SIGTERM");
    await proc.waitForJson((l) => l.msg === "draining: new requests are refused");

    const refused = await rejectionOf(client.request("echo", "too late"));
    assert.equal(refused.code, "MDP_ERR_BROKER_UNAVAILABLE");
    assert.equal((refused as { remoteCode?: string }).remoteCode, "DOMO_DRAINING");
    assert.equal(proc.child.exitCode, null, "the broker left before its request finished");

    release();
    assert.equal(await inFlight, "finish me");
    assert.equal((await disconnected).reason, "broker-disconnect");
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 0, proc.output());
    assert.equal(held.length, 1, "the refused request reached the worker");
  });

  it("a second signal exits at once, without waiting for the drain", async (t) => {
    const { proc, endpoint } = await startBrokerProcess(t, undefined, { DOMO_SHUTDOWN__DRAIN_TIMEOUT_MS: "600000" });
    const held: WorkerRequest[] = [];
    // The request is never answered: a drain would wait the full 10 minutes.
    startWorker(t, endpoint, (request) => {
      held.push(request);
      return new Promise(() => undefined);
    });
    await proc.waitForJson(registered);
    const client = new Client({ endpoint, timeoutMs: 30_000, retries: 0 });
    t.after(() => client.close());
    const stuck = client.request("echo", "never answered").catch((err: unknown) => err);
    await waitFor(() => held.length === 1, { timeoutMs: 10_000, what: "the worker holds the request" });

    proc.child.kill("SIGTERM");
    await proc.waitForJson((l) => l.msg === "draining: new requests are refused");
    proc.child.kill("SIGTERM");
    const exit = await proc.waitForExit(10_000);
    assert.equal(exit.code, 1, proc.output());
    assert.ok(proc.jsonLines().some((l) => l.msg === "second signal: exiting without waiting for the drain"));
    await client.close();
    await stuck;
  });
});
