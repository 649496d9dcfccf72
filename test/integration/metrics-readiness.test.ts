/**
 * Health and readiness: /healthz says the process is alive, /readyz says it should get traffic. Both
 * in process (Broker + startObservability) and in the `domo broker` daemon, where readiness turns off
 * at the shutdown signal while a held request keeps the drain open.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliProcess } from "../helpers/cli-process.js";
import { RawClient, RawWorker, get, metricValue as value, scrape, scrapeUntil, startObservedBroker } from "../helpers/observed-broker.js";
import { waitFor } from "../helpers/wait.js";

// Generous liveness (1 s), so a loaded machine does not expire a worker in the middle of a test.
const HEARTBEAT = { intervalMs: 100, liveness: 10 };

describe("readiness", () => {
  it("turns /readyz to 503 at drain start while /healthz stays 200; rejections during the drain are counted", async (t) => {
    const { broker, observability, endpoint } = await startObservedBroker(t, { heartbeat: HEARTBEAT });
    const url = observability.url;
    const worker = await RawWorker.start(t, endpoint, "slow", 40);
    await scrapeUntil(url, (m) => value(m, "domo_workers", { service: "slow", state: "idle" }) === 1, "slow registered");
    const client = RawClient.start(t, endpoint);
    await client.send("slow", "held");
    const held = await worker.nextRequest();
    assert.equal((await get(`${url}/readyz`)).status, 200);
    assert.equal(observability.ready, true);
    const drained = broker.drain(10_000);
    await waitFor(() => broker.stats().status === "draining", { what: "draining" });
    await client.send("slow", "too late");
    const f = await scrapeUntil(url, (m) => value(m, "domo_requests_total", { service: "slow", outcome: "rejected" }) === 1, "rejected");
    assert.equal(value(f, "domo_broker_ready"), 0);
    assert.equal((await get(`${url}/readyz`)).status, 503);
    assert.equal((await get(`${url}/healthz`)).status, 200);
    assert.equal((await get(`${url}/readyz`)).body, "not ready\n");
    await worker.reply(held.client, held.body);
    await drained;
    // Closed: still listening until observability.close(), and still not ready.
    assert.equal((await get(`${url}/readyz`)).status, 503);
  });

  it("domo broker: logs the metrics URL, serves the probes, and is not ready from SIGTERM until exit", async (t) => {
    const proc = new CliProcess(["broker", "--bind", "tcp://127.0.0.1:*", "--log-format", "json"], {
      env: { DOMO_HEARTBEAT_INTERVAL_MS: "100" },
    });
    t.after(() => proc.kill());
    const bound = await proc.waitForJson((l) => l.msg === "broker bound");
    const endpoint = (bound.endpoints as string[])[0]!;
    const listening = await proc.waitForJson((l) => l.msg === "metrics listening");
    const url = listening.url as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await get(`${url}/healthz`)).status, 200);
    assert.equal((await get(`${url}/readyz`)).status, 200);
    assert.equal(value(await scrape(url), "domo_broker_ready"), 1);

    const worker = await RawWorker.start(t, endpoint, "slow", 50);
    await scrapeUntil(url, (m) => value(m, "domo_workers", { service: "slow", state: "idle" }) === 1, "slow registered");
    const client = RawClient.start(t, endpoint);
    await client.send("slow", "held");
    const held = await worker.nextRequest();

    proc.child.kill("SIGTERM");
    await waitFor(async () => (await get(`${url}/readyz`)).status === 503, { timeoutMs: 10_000, what: "/readyz 503 after SIGTERM" });
    assert.equal((await get(`${url}/healthz`)).status, 200, "alive while draining");
    await worker.reply(held.client, held.body);
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 0, proc.output());
    await assert.rejects(get(`${url}/healthz`), "the listener is closed at exit");
  });

});
