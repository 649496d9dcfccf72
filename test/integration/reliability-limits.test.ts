/**
 * Bounded memory under abuse (issue 6), against the `domo broker` daemon as its own process so its
 * resident memory can be read from /proc:
 * - 100,000 requests flooded at a service with no workers: the queue stops at its bound, everything past
 *   it is refused at once with DOMO_OVERLOADED (OverloadedError in the client) and counted, the soft-limit
 *   warning is logged, and the broker's RSS stays bounded;
 * - messages over transport.maxMessageBytes (one huge frame, or many frames that each pass libzmq's
 *   per-frame limit) neither crash the broker nor enter a queue, and other clients keep being served.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Dealer } from "zeromq";
import { Client } from "../../client-sdk/index.js";
import { encodeClientRequest } from "../../protocol/encode.js";
import { Worker } from "../../worker-sdk/index.js";
import { mib, rssBytes, startBrokerProcess } from "../helpers/broker-process.js";
import { metricValue, scrapeUntil } from "../helpers/observed-broker.js";
import { waitFor } from "../helpers/wait.js";

const FLOOD = 100_000;
const MAX_QUEUED = 10_000;
/**
 * 4 KiB per request: an unbounded queue would keep all 100,000 bodies (measured: +1 GB RSS with the
 * bounds lifted). With the bounds the broker keeps 10,000 (40 MB); the rest of its growth is bodies
 * already dropped but not yet returned by the GC and malloc, which scales with the traffic rate and
 * measured +300 to +340 MB on a 2-core machine. The bound sits between the two.
 */
const BODY_BYTES = 4096;
const MAX_RSS_GROWTH_BYTES = 600 * 1024 * 1024;

interface Health {
  requests: { failed: number; queued: number; succeeded: number };
}

describe("bounded memory", () => {
  it(`flood of ${FLOOD.toLocaleString("en")} requests at a service with no workers: refused past the bound, RSS bounded`, async (t) => {
    const { proc, endpoint } = await startBrokerProcess(t, undefined, {
      DOMO_REQUESTS__MAX_QUEUED_PER_SERVICE: String(MAX_QUEUED),
      // Nothing expires during the test: the queue stays full, so the count of refusals is exact.
      DOMO_QUEUE_TIMEOUT_MS: "600000",
      // By design the broker drops (and counts) replies to a client that reads slower than the broker
      // writes, once that client's 10,000-message pipe is full (docs/configuration.md, transport). This
      // test's client reads 90,000 refusals while it is still sending; room for all of them keeps the
      // count exact. The queue bound under test does not depend on it.
      DOMO_TRANSPORT__SEND_HIGH_WATER_MARK: String(FLOOD),
    });
    const client = new Client({ endpoint, timeoutMs: 600_000, retries: 0, maxPending: FLOOD + 10 });
    t.after(() => client.close());
    const probe = new Client({ endpoint, timeoutMs: 5_000, retries: 2 });
    t.after(() => probe.close());
    assert.equal(await probe.serviceAvailable("nobody"), false);
    const pid = proc.child.pid!;
    const before = rssBytes(pid);

    let overloaded = 0;
    const other: string[] = [];
    const body = Buffer.alloc(BODY_BYTES, 0x61); // one buffer for all requests: the client sends it, never copies it
    for (let i = 0; i < FLOOD; i++) {
      client.request("nobody", body).then(
        () => other.push("replied"),
        (err: { code?: string; remoteCode?: string }) => {
          if (err.code === "MDP_ERR_OVERLOADED" && err.remoteCode === "DOMO_OVERLOADED") overloaded++;
          else if (err.code !== "MDP_ERR_CLOSED") other.push(`${err.code}/${err.remoteCode}`);
        },
      );
    }
    await waitFor(() => overloaded + other.length >= FLOOD - MAX_QUEUED, { timeoutMs: 60_000, pollMs: 50, what: "every refusal arrived" }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${overloaded} refused, ${other.length} other; health ${await probe.requestText("mmi.health", "")}; client ${JSON.stringify(client.stats())}`);
    });
    const after = rssBytes(pid);
    t.diagnostic(`broker RSS before ${mib(before)}, after ${mib(after)} (+${mib(after - before)}); ${overloaded} refused`);

    assert.deepEqual(other, [], "requests ended otherwise than refused or queued");
    assert.equal(overloaded, FLOOD - MAX_QUEUED);
    const health = JSON.parse(await probe.requestText("mmi.health", "")) as Health;
    assert.equal(health.requests.queued, MAX_QUEUED);
    assert.equal(health.requests.failed, FLOOD - MAX_QUEUED, "refusals counted");
    assert.equal(client.stats().pending, MAX_QUEUED, "the queued ones still wait, none was dropped");
    const warning = await proc.waitForJson((l) => l.msg === "service queue passed its soft limit");
    assert.equal(warning.queued, MAX_QUEUED * 0.8);
    assert.ok(after - before < MAX_RSS_GROWTH_BYTES, `broker RSS grew by ${mib(after - before)}`);
    assert.equal(proc.child.exitCode, null, "the broker exited");
  });

  it("messages over transport.maxMessageBytes: dropped before any queue, the broker keeps serving others", async (t) => {
    const maxMessageBytes = 1024 * 1024;
    const { proc, endpoint } = await startBrokerProcess(t, undefined, { DOMO_TRANSPORT__MAX_MESSAGE_BYTES: String(maxMessageBytes) });
    const metricsUrl = (await proc.waitForJson((l) => l.msg === "metrics listening")).url as string;
    const worker = new Worker({ service: "echo", broker: endpoint, heartbeatIntervalMs: 100, heartbeatLiveness: 10 });
    worker.handle((request) => request.body);
    t.after(() => worker.stop({ drainTimeoutMs: 0 }));
    const client = new Client({ endpoint, timeoutMs: 5_000, retries: 2 });
    t.after(() => client.close());
    assert.equal(await client.requestText("echo", "before"), "before");
    const pid = proc.child.pid!;
    const before = rssBytes(pid);

    // 8 MiB in one frame: libzmq (ZMQ_MAXMSGSIZE) drops the connection on reading the frame's size.
    const single = new Dealer({ linger: 0 });
    t.after(() => single.close());
    single.connect(endpoint);
    const huge = Buffer.alloc(8 * maxMessageBytes, 0x62);
    for (let i = 0; i < 4; i++) await single.send(encodeClientRequest([], "nobody", [huge]));
    // 20 messages of 16 frames of 512 KiB: each frame passes libzmq, each message (8 MiB) does not pass
    // the broker's own check. Accepted, they would queue 160 MiB for a service nobody serves.
    const multi = new Dealer({ linger: 0 });
    t.after(() => multi.close());
    multi.connect(endpoint);
    const half = Buffer.alloc(maxMessageBytes / 2, 0x63);
    const count = 20;
    for (let i = 0; i < count; i++) await multi.send(encodeClientRequest([], "nobody", Array.from({ length: 16 }, () => half)));

    await scrapeUntil(
      metricsUrl,
      (m) => metricValue(m, "domo_invalid_messages_total", { reason: "DOMO_MESSAGE_TOO_LARGE" }) === count,
      "every multi-frame message over the limit dropped and counted",
    );
    const warning = await proc.waitForJson((l) => l.msg === "dropped a message larger than transport.maxMessageBytes");
    assert.equal(warning.code, "DOMO_MESSAGE_TOO_LARGE");
    assert.equal(warning.maxMessageBytes, maxMessageBytes);
    // Still serving, nothing queued for the attackers' service, memory bounded.
    assert.equal(await client.requestText("echo", "after"), "after");
    const workers = JSON.parse(await client.requestText("mmi.workers", "nobody")) as Record<string, { queued: number }>;
    assert.equal(workers.nobody?.queued, 0);
    const after = rssBytes(pid);
    t.diagnostic(`broker RSS before ${mib(before)}, after ${mib(after)}; ${count} × 8 MiB multi-frame and 4 × 8 MiB single-frame messages sent`);
    assert.ok(after - before < 300 * 1024 * 1024, `broker RSS grew by ${mib(after - before)}`);
    assert.equal(proc.child.exitCode, null, "the broker exited");
  });
});
