/**
 * /metrics over a real listener: the exposition parses with a strict Prometheus text parser
 * (test/helpers/prom-text.ts) and its counters follow the traffic of raw MDP peers, failures included.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeRequestTag } from "../../protocol/request-tag.js";
import { captureLogs, type LogLine } from "../helpers/log-capture.js";
import { RawClient, RawWorker, get, metricValue, scrape, scrapeUntil, startObservedBroker } from "../helpers/observed-broker.js";
import { RawPeer, frames } from "../helpers/raw-peer.js";
import { waitFor } from "../helpers/wait.js";

// Generous liveness (1 s): only the test that wants a worker to expire lets one go silent.
const HEARTBEAT = { intervalMs: 100, liveness: 10 };
const value = metricValue;

describe("metrics endpoint", () => {
  it("parses as Prometheus text with HELP and TYPE for every family, process metrics included", async (t) => {
    const { observability } = await startObservedBroker(t);
    const res = await get(`${observability.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.contentType ?? "", /^text\/plain; version=0\.0\.4/);
    const families = await scrape(observability.url);
    for (const family of families.values()) {
      assert.ok(family.help, `${family.name} has HELP`);
      assert.notEqual(family.type, "untyped", `${family.name} has TYPE`);
    }
    for (const name of [
      "domo_requests_total",
      "domo_request_queue_wait_seconds",
      "domo_request_service_seconds",
      "domo_queue_requests",
      "domo_queue_bytes",
      "domo_workers",
      "domo_heartbeats_sent_total",
      "domo_workers_removed_total",
      "domo_invalid_messages_total",
      "domo_disconnects_sent_total",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_p99_seconds",
    ]) {
      assert.ok(families.has(name), `missing ${name}`);
    }
    assert.equal(families.get("domo_requests_total")?.type, "counter");
    assert.equal(families.get("domo_request_service_seconds")?.type, "histogram");
    assert.equal(families.get("domo_queue_requests")?.type, "gauge");
    assert.equal(value(families, "domo_broker_ready"), 1);
  });

  it("counts replies, latency, queue depth, workers and heartbeats as requests flow", async (t) => {
    const { observability, endpoint } = await startObservedBroker(t, { heartbeat: HEARTBEAT });
    const url = observability.url;
    const worker = await RawWorker.start(t, endpoint, "echo", 40);
    await scrapeUntil(url, (f) => value(f, "domo_workers", { service: "echo", state: "idle" }) === 1, "echo worker idle");

    const client = RawClient.start(t, endpoint);
    // Three requests while the worker is not answering: one in flight, two queued.
    for (let i = 0; i < 3; i++) await client.send("echo", `hello ${i}`);
    const first = await worker.nextRequest();
    let f = await scrapeUntil(url, (m) => value(m, "domo_queue_requests", { service: "echo" }) === 2, "two queued");
    assert.equal(value(f, "domo_workers", { service: "echo", state: "busy" }), 1);
    // Queued size counts the whole message: libzmq's 5-byte routing id, the service name and the body.
    assert.equal(value(f, "domo_queue_bytes", { service: "echo" }), 2 * (5 + "echo".length + "hello 1".length));
    assert.equal(value(f, "domo_requests_held"), 3);

    await worker.reply(first.client, first.body);
    await worker.echoOne();
    await worker.echoOne();
    for (let i = 0; i < 3; i++) await client.peer.next();

    f = await scrapeUntil(url, (m) => value(m, "domo_requests_total", { service: "echo", outcome: "replied" }) === 3, "three replied");
    assert.equal(value(f, "domo_request_service_seconds_count", { service: "echo" }), 3);
    assert.equal(value(f, "domo_request_queue_wait_seconds_count", { service: "echo" }), 3);
    assert.ok(value(f, "domo_request_queue_wait_seconds_sum", { service: "echo" }) > 0, "queued requests waited");
    assert.equal(value(f, "domo_request_service_seconds_bucket", { service: "echo", le: "+Inf" }), 3);
    assert.equal(value(f, "domo_queue_requests", { service: "echo" }), 0);
    assert.equal(value(f, "domo_workers_registered_total", { service: "echo" }), 1);
    assert.ok(value(f, "domo_requests_received_total") >= 3);
    for (const outcome of ["expired", "rejected", "failed", "redispatched"]) {
      assert.equal(value(f, "domo_requests_total", { service: "echo", outcome }), 0, outcome);
    }
    // The broker heartbeats every worker it sent nothing to for an interval.
    await scrapeUntil(url, (m) => value(m, "domo_heartbeats_sent_total") > 0, "heartbeats sent");
  });

  it("counts failures: expired requests, invalid messages, DISCONNECTs, expired workers and re-runs", async (t) => {
    const { observability, endpoint } = await startObservedBroker(t, {
      heartbeat: HEARTBEAT,
      requests: { queueTimeoutMs: 300 },
    });
    const url = observability.url;
    const client = RawClient.start(t, endpoint);

    // A request nobody serves expires; its service has no worker, so it is counted under _other.
    await client.send("nobody-serves-this", "x");
    let f = await scrapeUntil(url, (m) => value(m, "domo_requests_total", { service: "_other", outcome: "expired" }) === 1, "expired");
    assert.equal(value(f, "domo_request_queue_wait_seconds_count", { service: "_other" }), 1);
    assert.ok(value(f, "domo_request_queue_wait_seconds_sum", { service: "_other" }) >= 0.3);

    // Malformed input: a client frame with an unknown header, and a worker command that is too short.
    const rogue = RawPeer.dealer(endpoint);
    t.after(() => rogue.close());
    await rogue.send(frames("", "MDPX99", "svc"));
    await rogue.send(frames("", "MDPW01", [0x01]));
    f = await scrapeUntil(url, (m) => value(m, "domo_invalid_messages_total", { reason: "MDP_DECODE_UNKNOWN_HEADER" }) === 1, "invalid header");
    f = await scrapeUntil(url, (m) => value(m, "domo_disconnects_sent_total", { reason: "malformed" }) === 1, "malformed disconnect");
    // A HEARTBEAT from a peer that never sent READY gets DISCONNECT (7/MDP).
    await rogue.send(frames("", "MDPW01", [0x04]));
    await scrapeUntil(url, (m) => value(m, "domo_disconnects_sent_total", { reason: "unknown-worker" }) === 1, "unknown-worker disconnect");

    // A worker that takes a request and goes silent: it expires (missed heartbeats), and its request is
    // queued again (redispatched), then expires because no other worker comes.
    const fragile = await RawWorker.start(t, endpoint, "fragile", 40);
    await scrapeUntil(url, (m) => value(m, "domo_workers", { service: "fragile", state: "idle" }) === 1, "fragile registered");
    await client.send("fragile", "work");
    await fragile.nextRequest();
    fragile.stopHeartbeats();
    f = await scrapeUntil(
      url,
      (m) => value(m, "domo_requests_total", { service: "fragile", outcome: "expired" }) === 1,
      "fragile request re-run then expired",
    );
    assert.equal(value(f, "domo_workers_removed_total", { service: "fragile", reason: "expired" }), 1);
    assert.equal(value(f, "domo_requests_total", { service: "fragile", outcome: "redispatched" }), 1);
    assert.equal(value(f, "domo_workers", { service: "fragile", state: "idle" }), 0, "series stays, at 0");
    assert.equal(value(f, "domo_request_service_seconds_count", { service: "fragile" }), Number.NaN, "no service time without a reply");
  });

  it("logs one line per completed request with correlation id, service, worker, outcome and timings", async (t) => {
    const logs = captureLogs("info");
    const { observability, endpoint } = await startObservedBroker(
      t,
      { heartbeat: HEARTBEAT, requests: { queueTimeoutMs: 200 }, log: { requests: true } },
      { logger: logs.logger },
    );
    const worker = await RawWorker.start(t, endpoint, "echo", 40);
    await scrapeUntil(observability.url, (m) => value(m, "domo_workers", { service: "echo", state: "idle" }) === 1, "echo registered");
    const client = RawClient.start(t, endpoint);
    const requestId = Buffer.from("c0ffee01", "hex");
    const tag = encodeRequestTag({ acceptsErrorReplies: false, idempotent: true, attempt: 1, ttlMs: 0, requestId });
    await client.send("echo", "hi", [tag]);
    await worker.echoOne();
    await client.peer.next();
    await client.send("nobody", "x", [encodeRequestTag({ acceptsErrorReplies: false, idempotent: true, attempt: 1, ttlMs: 0, requestId: Buffer.from("0bad", "hex") })]);

    const byMessage = (msg: string): LogLine | undefined => logs.lines.find((l) => l.msg === msg);
    const done = await waitFor(() => byMessage("request done"), { what: "request done line" });
    assert.equal(done.requestId, "c0ffee01");
    assert.deepEqual(done.peer, { service: "echo" });
    assert.equal(typeof done.worker, "string");
    assert.equal(done.outcome, "replied");
    for (const field of ["queueWaitMs", "serviceMs", "attempts", "requestSeq"]) assert.equal(typeof done[field], "number", field);

    const ended = await waitFor(() => byMessage("request ended without a worker reply"), { what: "expired line" });
    assert.equal(ended.requestId, "0bad");
    assert.deepEqual(ended.peer, { service: "nobody" });
    assert.equal(ended.outcome, "expired");
    assert.equal(ended.code, "DOMO_SERVICE_UNAVAILABLE");
    assert.equal(ended.worker, undefined, "never dispatched: no worker");
    assert.equal(typeof ended.queueWaitMs, "number");
    assert.ok(logs.lines.some((l) => l.msg === "metrics listening" && typeof l.url === "string" && l.url === observability.url));
  });

  it("answers 404 for unknown paths and 405 for other methods", async (t) => {
    const { observability } = await startObservedBroker(t);
    assert.equal((await get(`${observability.url}/nope`)).status, 404);
    const res = await fetch(`${observability.url}/metrics`, { method: "POST", signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
  });
});
