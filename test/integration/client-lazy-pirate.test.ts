/**
 * Lazy Pirate: per-attempt timeouts, retries with backoff, socket replacement after repeated failures,
 * and the typed errors a request can end with.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BrokerUnavailableError,
  Client,
  lazyPirateRequest,
  RemoteError,
  TimeoutError,
} from "../../client-sdk/index.js";
import { Router } from "zeromq";
import { ANY_TCP } from "../helpers/endpoint.js";
import { rejectionOf, startTestBroker, startTestWorker, track, unusedTcpEndpoint } from "../helpers/client-fixtures.js";
import { waitFor } from "../helpers/wait.js";

describe("client - Lazy Pirate", () => {
  it("broker down at start, up later: retries succeed once it is up", async (t) => {
    const endpoint = await unusedTcpEndpoint();
    const client = new Client({ endpoint, timeoutMs: 250, retries: 40, backoff: { initialDelayMs: 50, maxDelayMs: 200 } });
    t.after(() => client.close());
    const reply = track(client.requestText("echo", "are you there"));

    await waitFor(() => client.stats().retries >= 2, { timeoutMs: 10_000, what: "at least two attempts timed out" });
    assert.equal(reply.state(), "pending");
    assert.ok(client.stats().connectionResets >= 1, "the socket was replaced after repeated timeouts");

    await startTestBroker(t, endpoint);
    startTestWorker(t, endpoint, "echo");
    assert.equal(await reply.promise, "are you there");
  });

  it("a burst of timeouts replaces the socket once per round of attempts, not once per pair", async (t) => {
    // A "broker" that accepts connections and never answers.
    const silent = new Router({ linger: 0 });
    t.after(() => silent.close());
    await silent.bind(ANY_TCP);
    const client = new Client({ endpoint: silent.lastEndpoint!, timeoutMs: 200, retries: 1, backoff: { initialDelayMs: 10 } });
    t.after(() => client.close());
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => client.request("echo", `${i}`)));
    assert.ok(results.every((r) => r.status === "rejected" && (r.reason as { code: string }).code === "MDP_ERR_TIMEOUT"));
    const { connectionResets, sent } = client.stats();
    assert.ok(connectionResets >= 1 && connectionResets <= 2, `connectionResets ${connectionResets}`);
    assert.equal(sent, 200, "each request sent exactly twice (first attempt and one retry)");
  });

  it("lazyPirateRequest: the one-shot helper calls `matrix` by default and closes its client", async (t) => {
    const { endpoint } = await startTestBroker(t);
    startTestWorker(t, endpoint, "matrix", { onRequest: (req) => `matrix got ${req.text}` });
    startTestWorker(t, endpoint, "other", { onRequest: (req) => `other got ${req.text}` });
    const reply = await lazyPirateRequest(endpoint, "[[1]]", 2000, 3);
    assert.equal(Buffer.concat(reply).toString(), "matrix got [[1]]");
    const other = await lazyPirateRequest(endpoint, "x", 2000, 3, { service: "other" });
    assert.equal(Buffer.concat(other).toString(), "other got x");
  });

  it("no broker at all: TimeoutError says how many attempts went to which endpoint", async (t) => {
    const endpoint = await unusedTcpEndpoint();
    const err = await rejectionOf(lazyPirateRequest(endpoint, "x", 100, 2, { backoff: { initialDelayMs: 10 } }));
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.code, "MDP_ERR_TIMEOUT");
    assert.equal(err.name, "TimeoutError");
    assert.equal(err.attempts, 3);
    assert.equal(err.endpoint, endpoint);
    assert.equal(err.service, "matrix");
    assert.ok(err.message.includes(endpoint) && err.message.includes("3 attempt"), err.message);
    t.diagnostic(err.message);
  });
});

describe("client - typed errors", () => {
  it("a worker's error reply rejects with RemoteError carrying its code, message and details", async (t) => {
    const { endpoint } = await startTestBroker(t);
    startTestWorker(t, endpoint, "matrix", {
      onRequest: (req) => {
        req.fail({ code: "MATRIX_SINGULAR", message: "matrix is singular", details: { rank: 1 } });
        return undefined;
      },
    });
    const client = new Client({ endpoint, timeoutMs: 5000, retries: 0 });
    t.after(() => client.close());
    const err = await rejectionOf(client.request("matrix", "[[1,1],[1,1]]"));
    assert.ok(err instanceof RemoteError);
    assert.equal(err.code, "MDP_ERR_REMOTE");
    assert.equal(err.remoteCode, "MATRIX_SINGULAR");
    assert.equal(err.remoteMessage, "matrix is singular");
    assert.deepEqual(err.details, { rank: 1 });

    // In plain mode an error reply is an answer too: the socket is kept.
    const plain = new Client({ endpoint, envelope: "plain", timeoutMs: 5000, retries: 0 });
    t.after(() => plain.close());
    assert.equal((await rejectionOf(plain.request("matrix", "x"))).code, "MDP_ERR_REMOTE");
    assert.equal(plain.stats().connectionResets, 0);
  });

  it("a service with no worker: the broker's DOMO_SERVICE_UNAVAILABLE becomes ServiceUnavailableError", async (t) => {
    const { endpoint } = await startTestBroker(t, undefined, { requests: { queueTimeoutMs: 200 } });
    const client = new Client({ endpoint, timeoutMs: 10_000, retries: 0 });
    t.after(() => client.close());
    const err = await rejectionOf(client.request("ghost", "x"));
    assert.equal(err.code, "MDP_ERR_SERVICE_UNAVAILABLE");
    assert.equal((err as unknown as { remoteCode: string }).remoteCode, "DOMO_SERVICE_UNAVAILABLE");
    assert.equal(await client.serviceAvailable("ghost"), false);
  });

  it("AbortSignal: rejects with AbortError (cause = reason); an already aborted signal rejects at once", async (t) => {
    const { endpoint } = await startTestBroker(t);
    startTestWorker(t, endpoint, "hold", { onRequest: () => undefined });
    const client = new Client({ endpoint, timeoutMs: 10_000, retries: 0 });
    t.after(() => client.close());
    const controller = new AbortController();
    const pending = client.request("hold", "x", { signal: controller.signal });
    controller.abort(new Error("user gave up"));
    const err = await rejectionOf(pending);
    assert.equal(err.code, "MDP_ERR_ABORTED");
    assert.equal((err.cause as Error).message, "user gave up");
    const again = await rejectionOf(client.request("hold", "x", { signal: AbortSignal.abort() }));
    assert.equal(again.code, "MDP_ERR_ABORTED");
    assert.equal(client.stats().pending, 0);
  });

  it("close() rejects pending requests with ClosedError, later ones too; await using closes", async (t) => {
    const { endpoint } = await startTestBroker(t);
    startTestWorker(t, endpoint, "hold", { onRequest: () => undefined });
    const client = new Client({ endpoint, timeoutMs: 10_000, retries: 0 });
    const pending = Array.from({ length: 3 }, () => client.request("hold", "x"));
    await client.close();
    for (const p of pending) assert.equal((await rejectionOf(p)).code, "MDP_ERR_CLOSED");
    assert.equal((await rejectionOf(client.request("hold", "x"))).code, "MDP_ERR_CLOSED");
    await client.close(); // idempotent

    let disposed: Client | undefined;
    {
      await using scoped = new Client({ endpoint });
      disposed = scoped;
    }
    assert.equal(disposed.closed, true);
  });

  it("caller misuse fails at once with InvalidArgumentError naming the option", async () => {
    assert.throws(() => new Client({ timeoutMs: 0 }), { code: "MDP_ERR_INVALID_ARGUMENT", option: "timeoutMs" });
    assert.throws(() => new Client({ heartbeat: { heartbeatIntervalMs: 100, heartbeatLiveness: 0 } }), {
      code: "MDP_ERR_INVALID_ARGUMENT",
      option: "heartbeat.heartbeatLiveness",
    });
    assert.throws(() => new Client({ envelope: "weird" as "plain" }), { option: "envelope" });
    const client = new Client({ endpoint: "tcp://127.0.0.1:1" });
    try {
      assert.equal((await rejectionOf(client.request("", "x"))).code, "MDP_ERR_INVALID_ARGUMENT");
      assert.equal((await rejectionOf(client.request("echo", "x", { retries: -1 }))).code, "MDP_ERR_INVALID_ARGUMENT");
      assert.equal((await rejectionOf(client.request("echo", 42 as unknown as string))).code, "MDP_ERR_INVALID_ARGUMENT");
    } finally {
      await client.close();
    }
  });

  it("a full client refuses more requests with OverloadedError (maxPending)", async (t) => {
    const { endpoint } = await startTestBroker(t);
    startTestWorker(t, endpoint, "hold", { onRequest: () => undefined });
    const client = new Client({ endpoint, maxPending: 2, timeoutMs: 10_000, retries: 0 });
    const first = [client.request("hold", "1"), client.request("hold", "2")];
    const err = await rejectionOf(client.request("hold", "3"));
    assert.equal(err.code, "MDP_ERR_OVERLOADED");
    await client.close();
    await Promise.allSettled(first);
    assert.ok(!(err instanceof BrokerUnavailableError));
  });
});
