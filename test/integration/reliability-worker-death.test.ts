/**
 * Worker death mid-request (issue 6), with real worker processes killed by SIGKILL:
 * - an idempotent request held by the dead worker is re-dispatched by the broker and answered by
 *   another worker, without the client retrying and long before its own timeout;
 * - a non-idempotent request (service configured so, or flagged by the client) fails with the typed
 *   WorkerLostError and is never run again, proven by the workers' shared execution ledger.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { Broker } from "../../broker/index.js";
import { Client, type RequestOptions } from "../../client-sdk/index.js";
import { nextEvent } from "../helpers/broker-harness.js";
import type { CliProcess } from "../helpers/cli-process.js";
import { rejectionOf } from "../helpers/client-fixtures.js";
import { killProcess, readLedger, spawnEchoWorker, type EchoWorkerOptions } from "../helpers/echo-worker-process.js";
import { ANY_TCP } from "../helpers/endpoint.js";
import { waitFor } from "../helpers/wait.js";

const HEARTBEAT = { intervalMs: 100, liveness: 5 } as const;
/** The client's own timeout: far beyond the broker's detection of a dead worker (≤ 500 ms). */
const CLIENT_TIMEOUT_MS = 30_000;

interface Setup {
  broker: Broker;
  endpoint: string;
  ledger: string;
  client: Client;
  /** Start an echo worker process for `service` and wait until the broker registered it. */
  worker(service: string, options?: Pick<EchoWorkerOptions, "hold" | "announce">): Promise<CliProcess>;
}

async function setup(t: TestContext): Promise<Setup> {
  const broker = await Broker.start({
    config: {
      bind: [ANY_TCP],
      heartbeat: HEARTBEAT,
      serviceDefaults: { maxAttempts: 3 },
      // Not idempotent by configuration: even a client that says nothing gets at-most-once.
      services: { payment: { idempotent: false, maxAttempts: 5 } },
    },
  });
  t.after(() => broker.close());
  const endpoint = broker.endpoints[0]!;
  const dir = mkdtempSync(join(tmpdir(), "domo-death-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = join(dir, "ledger");
  writeFileSync(ledger, "");
  // retries 0: whatever answer arrives is the broker's doing, not a client re-send.
  const client = new Client({ endpoint, timeoutMs: CLIENT_TIMEOUT_MS, retries: 0 });
  t.after(() => client.close());
  const worker = async (service: string, options: Pick<EchoWorkerOptions, "hold" | "announce"> = {}): Promise<CliProcess> => {
    const registered = nextEvent(broker, "workerReady", (e) => e.service === service, 20_000);
    const proc = spawnEchoWorker({ endpoint, service, ledger, heartbeatIntervalMs: HEARTBEAT.intervalMs, heartbeatLiveness: 10, ...options });
    t.after(() => killProcess(proc));
    await registered;
    return proc;
  };
  return { broker, endpoint, ledger, client, worker };
}

describe("worker death mid-request", () => {
  it("a busy worker SIGKILLed: another worker answers its request before the client's own timeout", async (t) => {
    const { broker, ledger, client, worker } = await setup(t);
    const holder = await worker("echo", { hold: true, announce: true });
    const startedAt = Date.now();
    const reply = client.requestText("echo", "survive me");
    await holder.waitForText("got survive me");
    const rescuer = await worker("echo");

    const redispatched = nextEvent(broker, "requestRedispatched", () => true, 10_000);
    holder.child.kill("SIGKILL");
    assert.equal(await reply, "survive me");
    const elapsedMs = Date.now() - startedAt;
    t.diagnostic(`answered ${elapsedMs} ms after it was sent (client timeout ${CLIENT_TIMEOUT_MS} ms)`);
    const [event] = await redispatched;
    assert.equal(event.service, "echo");

    const runs = readLedger(ledger).filter((r) => r.text === "survive me");
    assert.deepEqual(
      runs.map((r) => r.pid),
      [holder.child.pid, rescuer.child.pid],
      "run by the dead worker, then once more by the other one",
    );
    const stats = client.stats();
    assert.equal(stats.sent, 1, "the client did not re-send");
    assert.equal(stats.droppedReplies, 0, "a second answer reached the client");
    assert.equal(broker.stats().counters.requestsRedispatched, 1);
  });

  const nonIdempotentCases: { name: string; service: string; options: RequestOptions }[] = [
    { name: "a service configured idempotent: false", service: "payment", options: {} },
    { name: "a request the client flags idempotent: false", service: "echo", options: { idempotent: false } },
  ];
  for (const { name, service, options } of nonIdempotentCases) {
    it(`${name}: the dead worker's request fails with WorkerLostError and never runs again`, async (t) => {
      const { broker, ledger, client, worker } = await setup(t);
      const holder = await worker(service, { hold: true, announce: true });
      const outcome = rejectionOf(client.request(service, "charge once", options));
      await holder.waitForText("got charge once");
      // A live worker that would take the request if the broker re-ran it.
      const standby = await worker(service);

      holder.child.kill("SIGKILL");
      const err = await outcome;
      assert.equal(err.code, "MDP_ERR_WORKER_LOST");
      assert.equal((err as { remoteCode?: string }).remoteCode, "DOMO_WORKER_LOST");

      // The standby is alive and serving: a later request reaches it. Had the broker re-run the first
      // request, the standby would have taken it before this one (re-runs go to the head of the queue).
      assert.equal(await client.requestText(service, "next", options), "next");
      await waitFor(() => readLedger(ledger).some((r) => r.text === "next"), { timeoutMs: 5000, what: "the standby ran the next request" });
      const runs = readLedger(ledger).filter((r) => r.text === "charge once");
      assert.deepEqual(
        runs.map((r) => r.pid),
        [holder.child.pid],
        "run more than once",
      );
      assert.ok(readLedger(ledger).every((r) => r.pid === holder.child.pid || r.pid === standby.child.pid));
      const counters = broker.stats().counters;
      assert.equal(counters.requestsRedispatched, 0);
      assert.equal(counters.requestsFailed, 1);
    });
  }
});
