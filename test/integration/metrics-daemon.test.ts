/**
 * The metrics listener and request logging in the `domo broker` daemon, driven the way
 * docs/troubleshooting.md shows: `domo broker --log-requests`, `domo call <service>`,
 * `domo call mmi.health`, DOMO_METRICS_LISTEN / DOMO_METRICS_ENABLED.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { CliProcess } from "../helpers/cli-process.js";
import { RawClient, RawWorker, metricValue, scrapeUntil } from "../helpers/observed-broker.js";

async function startDaemon(extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ proc: CliProcess; endpoint: string }> {
  const proc = new CliProcess(["broker", "--bind", "tcp://127.0.0.1:*", "--log-format", "json", ...extra], { env });
  const bound = await proc.waitForJson((l) => l.msg === "broker bound");
  return { proc, endpoint: (bound.endpoints as string[])[0]! };
}

describe("domo broker: metrics and request logs", () => {
  it("--log-requests logs each `domo call` with requestId, service, worker, outcome and timings", async (t) => {
    const { proc, endpoint } = await startDaemon(["--log-requests"]);
    t.after(() => proc.kill());
    const url = (await proc.waitForJson((l) => l.msg === "metrics listening")).url as string;
    const worker = await RawWorker.start(t, endpoint, "echo", 200);
    await scrapeUntil(url, (m) => metricValue(m, "domo_workers", { service: "echo", state: "idle" }) === 1, "echo registered");

    const call = new CliProcess(["call", "echo", "hello", "--broker", endpoint]);
    t.after(() => call.kill());
    await worker.echoOne(15_000);
    const exit = await call.waitForExit(20_000);
    assert.equal(exit.code, 0, call.output());
    assert.equal(call.stdoutLines.join("\n"), "hello");

    const done = await proc.waitForJson((l) => l.msg === "request done");
    assert.equal(typeof done.requestId, "string", "the CLI client tags its requests");
    assert.deepEqual(done.peer, { service: "echo" });
    assert.equal(typeof done.worker, "string");
    assert.equal(done.outcome, "replied");
    assert.equal(typeof done.queueWaitMs, "number");
    assert.equal(typeof done.serviceMs, "number");
    await scrapeUntil(url, (m) => metricValue(m, "domo_requests_total", { service: "echo", outcome: "replied" }) === 1, "replied counted");

    const health = new CliProcess(["call", "mmi.health", "--json", "--broker", endpoint]);
    t.after(() => health.kill());
    assert.equal((await health.waitForExit(20_000)).code, 0, health.output());
    const facts = JSON.parse(health.stdoutLines.join("\n")) as { status: string; workers: number; requests: { succeeded: number } };
    assert.equal(facts.status, "ok");
    assert.equal(facts.workers, 1);
    assert.equal(facts.requests.succeeded, 1);
  });

  it("domo broker: exits 4 naming metrics.listen when the metrics address is taken", async (t) => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const taken = `127.0.0.1:${(squatter.address() as AddressInfo).port}`;
    const proc = new CliProcess(["broker", "--bind", "tcp://127.0.0.1:*", "--log-format", "json"], { env: { DOMO_METRICS_LISTEN: taken } });
    t.after(() => proc.kill());
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 4, proc.output());
    const line = proc.stderrLines.find((l) => l.includes("EADDRINUSE"));
    assert.ok(line?.includes("metrics.listen"), proc.output());
  });

  it("domo broker: with metrics.enabled false there is no listener", async (t) => {
    const proc = new CliProcess(["broker", "--bind", "tcp://127.0.0.1:*", "--log-format", "json"], { env: { DOMO_METRICS_ENABLED: "false" } });
    t.after(() => proc.kill());
    const bound = await proc.waitForJson((l) => l.msg === "broker bound");
    // A round trip first: the daemon installs its signal handlers just after logging "broker bound".
    const client = RawClient.start(t, (bound.endpoints as string[])[0]!);
    assert.equal(await client.call("mmi.service", "anything"), "404");
    proc.child.kill("SIGTERM");
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 0, proc.output());
    assert.ok(proc.jsonLines().some((l) => l.msg === "broker closed"), proc.output());
    assert.equal(proc.jsonLines().find((l) => l.msg === "metrics listening"), undefined);
  });
});
