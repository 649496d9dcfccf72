/**
 * Client SDK against the real broker: many requests in flight on one DEALER, each answered with its own
 * reply, and late replies never handed to another request.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client } from "../../client-sdk/index.js";
import { rejectionOf, startTestBroker, startTestWorker } from "../helpers/client-fixtures.js";
import type { ScriptedRequest } from "../helpers/scripted-worker.js";
import { waitFor } from "../helpers/wait.js";

describe("client - many in flight", () => {
  it("1,000 concurrent request() calls are each answered with their own reply", async (t) => {
    const { endpoint } = await startTestBroker(t);
    // Three workers answering in different orders: replies come back interleaved, never in request order.
    let n = 0;
    const held: ScriptedRequest[] = [];
    startTestWorker(t, endpoint, "echo");
    startTestWorker(t, endpoint, "echo", { onRequest: (req) => `${req.text}` });
    startTestWorker(t, endpoint, "echo", {
      onRequest: (req) => {
        // Answer every other request after the next one arrives, so this worker's replies are reordered.
        n += 1;
        if (n % 2 === 1) {
          held.push(req);
          setImmediate(() => held.shift()?.reply(req.body));
          return undefined;
        }
        return req.body;
      },
    });
    const client = new Client({ endpoint, timeoutMs: 20_000, retries: 0 });
    t.after(() => client.close());
    await waitFor(async () => (await client.requestText("mmi.workers", "echo")).includes('"idle":3'), { timeoutMs: 5000 });

    const bodies = Array.from({ length: 1000 }, (_, i) => `request-${i}-${"x".repeat(i % 7)}`);
    const replies = await Promise.all(bodies.map((body) => client.requestText("echo", body)));

    assert.deepEqual(replies, bodies);
    const stats = client.stats();
    assert.equal(stats.pending, 0);
    assert.equal(stats.droppedReplies, 0);
    assert.equal(stats.retries, 0);
  });

  it("multipart bodies come back frame for frame, Buffers untouched", async (t) => {
    const { endpoint } = await startTestBroker(t);
    startTestWorker(t, endpoint, "echo");
    const client = new Client({ endpoint, timeoutMs: 10_000, retries: 0 });
    t.after(() => client.close());
    const frames = [Buffer.from([0, 1, 2, 255]), Buffer.alloc(0), Buffer.from("third")];
    const reply = await client.request("echo", frames);
    assert.deepEqual(reply, frames);
  });
});

describe("client - late replies", () => {
  it("a reply to request 1 that arrives after the client gave up is dropped; request 2 gets its own answer", async (t) => {
    const { endpoint } = await startTestBroker(t);
    const held: ScriptedRequest[] = [];
    const worker = startTestWorker(t, endpoint, "slow", {
      onRequest: (req) => {
        if (req.text === "one") {
          held.push(req);
          return undefined;
        }
        return req.body;
      },
    });
    // resetAfterTimeouts is high so the late reply reaches this very socket: the tag must reject it.
    const client = new Client({ endpoint, timeoutMs: 300, retries: 1, resetAfterTimeouts: 100, backoff: { jitter: false } });
    t.after(() => client.close());

    const err = await rejectionOf(client.request("slow", "one"));
    assert.equal(err.code, "MDP_ERR_TIMEOUT");
    assert.equal((err as unknown as { attempts: number }).attempts, 2);
    assert.equal(client.stats().connectionResets, 0);

    // Request 2 queues at the broker behind the busy worker; then the worker answers request 1.
    const two = client.requestText("slow", "two", { timeoutMs: 10_000, retries: 0 });
    await waitFor(() => held.length === 1, { timeoutMs: 5000, what: "the worker holds request 1" });
    held[0]!.reply("late answer to one");

    assert.equal(await two, "two");
    await waitFor(() => client.stats().droppedReplies === 1, { timeoutMs: 5000, what: "the late reply counted as dropped" });
    assert.deepEqual(
      worker.received.map((r) => r.text),
      ["one", "two"],
      "the broker ran request 1 once although it was sent twice (same request id)",
    );
  });

  it("plain envelope: one request at a time, the socket is replaced on timeout so a late reply cannot answer the next", async (t) => {
    const { endpoint } = await startTestBroker(t);
    const held: ScriptedRequest[] = [];
    startTestWorker(t, endpoint, "slow", {
      onRequest: (req) => {
        if (req.text === "one") {
          held.push(req);
          return undefined;
        }
        return req.body;
      },
    });
    const client = new Client({ endpoint, envelope: "plain", timeoutMs: 300, retries: 0 });
    t.after(() => client.close());

    const err = await rejectionOf(client.request("slow", "one"));
    assert.equal(err.code, "MDP_ERR_TIMEOUT");
    assert.equal(client.stats().connectionResets, 1);

    const queued = Array.from({ length: 5 }, (_, i) => client.requestText("slow", `next-${i}`, { timeoutMs: 10_000 }));
    await waitFor(() => held.length === 1, { timeoutMs: 5000 });
    held[0]!.reply("late answer to one");
    assert.deepEqual(await Promise.all(queued), ["next-0", "next-1", "next-2", "next-3", "next-4"]);
  });
});
