/**
 * Paranoid Pirate: the client watches the broker (ZMTP heartbeats, socket events, MMI probes). When the
 * broker goes away it notices within the liveness window, fails non-idempotent requests at once and
 * re-sends idempotent ones when the broker is back. The broker here is the real `domo broker` process,
 * so it can be killed (SIGKILL) or frozen (SIGSTOP) like a crashed or hung daemon.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { Client, paranoidPirateRequest } from "../../client-sdk/index.js";
import { CliProcess } from "../helpers/cli-process.js";
import { rejectionOf, startTestWorker, TEST_HEARTBEAT_MS, TEST_WORKER_LIVENESS, track } from "../helpers/client-fixtures.js";
import type { ScriptedRequest } from "../helpers/scripted-worker.js";
import { waitFor, waitForEvent } from "../helpers/wait.js";

const LIVENESS = 3;
const HEARTBEAT = { heartbeatIntervalMs: TEST_HEARTBEAT_MS, heartbeatLiveness: LIVENESS };
/** Requests in these tests would wait this long if the client did not watch the broker. */
const LONG_TIMEOUT_MS = 30_000;
/** Generous bound on noticing a lost broker: the liveness window is 400 ms; a loaded CI box is slow. */
const NOTICE_WITHIN_MS = 5_000;

async function startDaemon(t: TestContext, bind = "tcp://127.0.0.1:*"): Promise<{ proc: CliProcess; endpoint: string }> {
  const proc = new CliProcess(["broker", "--bind", bind, "--log-format", "json", "--log-level", "info"], {
    // The broker's worker liveness is lenient (workers live in this test process); the client's own
    // liveness (HEARTBEAT) is what these tests are about, and it does not depend on the broker's settings.
    env: { DOMO_HEARTBEAT_INTERVAL_MS: String(TEST_HEARTBEAT_MS), DOMO_HEARTBEAT_LIVENESS: String(TEST_WORKER_LIVENESS) },
  });
  t.after(() => proc.kill());
  const line = await proc.waitForJson((l) => l.msg === "broker bound");
  return { proc, endpoint: (line.endpoints as string[])[0]! };
}

async function connectedClient(t: TestContext, endpoint: string): Promise<Client> {
  const client = new Client({ endpoint, heartbeat: HEARTBEAT, timeoutMs: LONG_TIMEOUT_MS, retries: 0 });
  t.after(() => client.close());
  if (client.brokerState !== "up") await waitForEvent(client, "connected", 10_000);
  return client;
}

describe("client - Paranoid Pirate", () => {
  it("broker killed mid-request: noticed within liveness, non-idempotent fails fast, idempotent re-sent once it is back", async (t) => {
    const first = await startDaemon(t);
    const held: ScriptedRequest[] = [];
    const oldWorker = startTestWorker(t, first.endpoint, "work", { onRequest: (req) => void held.push(req) });
    const client = await connectedClient(t, first.endpoint);
    await waitFor(async () => client.serviceAvailable("work"), { timeoutMs: 5000, what: "the worker registered" });

    const idempotent = track(client.requestText("work", "safe to repeat"));
    const nonIdempotent = track(client.requestText("work", "run at most once", { idempotent: false }));
    await waitFor(() => held.length === 1, { timeoutMs: 5000, what: "the worker holds one request" });

    const disconnected = waitForEvent<{ reason: string }>(client, "disconnected", NOTICE_WITHIN_MS);
    const killedAt = Date.now();
    first.proc.child.kill("SIGKILL");
    const { reason } = await disconnected;
    const noticedMs = Date.now() - killedAt;
    t.diagnostic(`noticed in ${noticedMs} ms: ${reason}`);
    await oldWorker.close();

    const err = await rejectionOf(nonIdempotent.promise);
    assert.equal(err.code, "MDP_ERR_BROKER_UNAVAILABLE");
    assert.ok(Date.now() - killedAt < LONG_TIMEOUT_MS / 2, "failed long before its timeout");
    assert.equal(idempotent.state(), "pending", "the idempotent request waits for the broker");
    assert.equal(client.brokerState, "down");

    // A request made while the broker is known to be down: non-idempotent fails at once, idempotent waits.
    assert.equal((await rejectionOf(client.request("work", "x", { idempotent: false }))).code, "MDP_ERR_BROKER_UNAVAILABLE");
    const madeWhileDown = track(client.requestText("work", "made while down"));

    const reconnected = waitForEvent(client, "connected", 30_000);
    const second = await startDaemon(t, first.endpoint);
    const newWorker = startTestWorker(t, second.endpoint, "work");
    await reconnected;
    assert.equal(await idempotent.promise, "safe to repeat");
    assert.equal(await madeWhileDown.promise, "made while down");
    assert.ok(
      !newWorker.received.some((r) => r.text === "run at most once"),
      "the non-idempotent request was not re-sent to the new broker",
    );
  });

  it("broker frozen (SIGSTOP, no TCP close): liveness notices, and the held request completes after SIGCONT", async (t) => {
    const { proc, endpoint } = await startDaemon(t);
    startTestWorker(t, endpoint, "echo");
    const client = await connectedClient(t, endpoint);
    await waitFor(async () => client.serviceAvailable("echo"), { timeoutMs: 5000 });

    const disconnected = waitForEvent<{ reason: string }>(client, "disconnected", NOTICE_WITHIN_MS);
    const frozenAt = Date.now();
    proc.child.kill("SIGSTOP");
    t.after(() => proc.child.kill("SIGCONT"));
    const idempotent = track(client.requestText("echo", "again please"));
    const nonIdempotent = client.requestText("echo", "once only", { idempotent: false });
    const { reason } = await disconnected;
    t.diagnostic(`noticed in ${Date.now() - frozenAt} ms: ${reason}`);
    assert.equal((await rejectionOf(nonIdempotent)).code, "MDP_ERR_BROKER_UNAVAILABLE");
    assert.equal(idempotent.state(), "pending");

    const connected = waitForEvent(client, "connected", 10_000);
    proc.child.kill("SIGCONT");
    // The broker may have expired the worker while frozen; a fresh one makes the outcome certain.
    startTestWorker(t, endpoint, "echo");
    await connected;
    assert.equal(await idempotent.promise, "again please");
  });

  it("paranoidPirateRequest: one-shot helper with heartbeat settings", async (t) => {
    const { endpoint } = await startDaemon(t);
    startTestWorker(t, endpoint, "matrix", { onRequest: (req) => `ok ${req.text}` });
    const client = await connectedClient(t, endpoint);
    await waitFor(async () => client.serviceAvailable("matrix"), { timeoutMs: 5000 });
    const reply = await paranoidPirateRequest(endpoint, "m", 5000, 5, HEARTBEAT);
    assert.equal(Buffer.concat(reply).toString(), "ok m");
  });
});
