/**
 * `domo status` with a broker that answers mmi.status (metrics enabled): rates and latency per service
 * over MDP, as the live view shows them. Without mmi.status the view falls back to the MMI counts
 * (covered in client-cli.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startObservability } from "../../broker/index.js";
import { Client } from "../../client-sdk/index.js";
import { CliProcess } from "../helpers/cli-process.js";
import { startTestBroker, startTestWorker } from "../helpers/client-fixtures.js";
import { waitFor } from "../helpers/wait.js";

interface StatusJson {
  windowSeconds: number | null;
  notImplemented: string[];
  services: { name: string; traffic?: { repliedPerSecond: number; serviceP99Ms: number | null } }[];
}

async function statusJson(endpoint: string): Promise<StatusJson> {
  const proc = new CliProcess(["status", "--once", "--json", "--broker", endpoint]);
  try {
    const exit = await proc.waitForExit(20_000);
    assert.equal(exit.code, 0, proc.output());
    return JSON.parse(proc.stdoutLines.join("\n")) as StatusJson;
  } finally {
    await proc.kill();
  }
}

describe("domo status live view", () => {
  it("shows per-service rates and latency from mmi.status, and the table has their columns", async (t) => {
    const { broker, endpoint } = await startTestBroker(t);
    const observability = await startObservability(broker, { listen: "127.0.0.1:0", defaultMetrics: false });
    t.after(() => observability.close());
    startTestWorker(t, endpoint, "echo");
    const client = new Client({ endpoint });
    t.after(() => client.close());
    await waitFor(async () => (await client.requestText("mmi.service", "echo")) === "200", { timeoutMs: 5000 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => client.request("echo", `r${i}`)));

    const snapshot = await statusJson(endpoint);
    assert.deepEqual(snapshot.notImplemented, []);
    assert.ok(snapshot.windowSeconds !== null && snapshot.windowSeconds > 0);
    const echo = snapshot.services.find((s) => s.name === "echo");
    assert.ok(echo?.traffic, JSON.stringify(snapshot));
    assert.ok(echo.traffic.repliedPerSecond > 0);
    assert.ok(echo.traffic.serviceP99Ms !== null && echo.traffic.serviceP99Ms >= 0);

    const table = new CliProcess(["status", "--once", "--broker", endpoint]);
    t.after(() => table.kill());
    assert.equal((await table.waitForExit(20_000)).code, 0, table.output());
    const header = table.stdoutLines.find((l) => l.startsWith("SERVICE"));
    assert.match(header ?? "", /OK\/S +FAIL\/S +P50 MS +P99 MS +WAIT P99/);
  });

  it("mmi.status is 501 without observability, and built-in MMI names cannot be replaced", async (t) => {
    const { broker, endpoint } = await startTestBroker(t);
    const client = new Client({ endpoint });
    t.after(() => client.close());
    assert.equal(await client.requestText("mmi.status", ""), "501");
    assert.throws(() => broker.addMmiService("mmi.service", () => "200"), RangeError);
    assert.throws(() => broker.addMmiService("status", () => "x"), RangeError);
    const remove = broker.addMmiService("mmi.version", () => "0.1.0");
    assert.equal(await client.requestText("mmi.version", ""), "0.1.0");
    remove();
    assert.equal(await client.requestText("mmi.version", ""), "501");
  });
});
