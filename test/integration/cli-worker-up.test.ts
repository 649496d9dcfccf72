/**
 * `domo worker matrix` and `domo up` as real processes: what they print, that they serve, and that
 * SIGINT/SIGTERM stops everything cleanly with exit code 0.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client } from "../../client-sdk/index.js";
import { WorkerCommand } from "../../protocol/constants.js";
import { CliProcess } from "../helpers/cli-process.js";
import { FakeBroker, workerFrames } from "../helpers/fake-broker.js";
import { waitFor } from "../helpers/wait.js";

describe("domo worker matrix", () => {
  it("registers capacity connections, serves, and on SIGTERM sends DISCONNECT on each and exits 0", async (t) => {
    const broker = await FakeBroker.start();
    t.after(() => broker.close());
    broker.autoHeartbeat(50);
    const cli = new CliProcess(["worker", "matrix", "--broker", broker.endpoint, "--capacity", "2", "--heartbeat-interval", "50", "--log-level", "warn"]);
    t.after(() => cli.kill());
    await cli.waitForText(`serving "matrix" for broker ${broker.endpoint}`);
    await waitFor(() => broker.filter({ command: WorkerCommand.READY }).length === 2, { timeoutMs: 10_000, what: "2 READY" });
    const readies = broker.filter({ command: WorkerCommand.READY });
    for (const ready of readies) assert.deepEqual(ready.frames, workerFrames(WorkerCommand.READY, "matrix"));

    broker.request(readies[0]!.sender, Buffer.from("c"), [Buffer.from(JSON.stringify({ op: "add", a: [[1]], b: [[2]] }))]);
    const reply = await broker.next({ command: WorkerCommand.REPLY, timeoutMs: 10_000 });
    assert.deepEqual(JSON.parse(reply.frames[5]!.toString()), { op: "add", result: [[3]] });

    cli.child.kill("SIGTERM");
    const exit = await cli.waitForExit(15_000);
    assert.deepEqual(exit, { code: 0, signal: null }, cli.output());
    for (const ready of readies) await broker.next({ from: ready.sender, command: WorkerCommand.DISCONNECT });
  });

  it("rejects a bad broker endpoint with the usage exit code", async (t) => {
    const cli = new CliProcess(["worker", "matrix", "--broker", "localhost:5555"]);
    t.after(() => cli.kill());
    const exit = await cli.waitForExit(15_000);
    assert.equal(exit.code, 2, cli.output());
    await cli.waitForText("ZeroMQ endpoint");
  });
});

describe("domo up", () => {
  it("runs a broker with matrix workers, says where, serves, and exits 0 on SIGINT", async (t) => {
    const cli = new CliProcess(["up", "--bind", "tcp://127.0.0.1:*", "--workers", "2", "--log-format", "json"]);
    t.after(() => cli.kill());
    const line = await cli.waitForText("domo up: broker listening on", 15_000);
    const endpoint = /listening on (tcp:\/\/[\d.]+:\d+)/.exec(line)?.[1];
    assert.ok(endpoint !== undefined, line);
    await cli.waitForText(`2 "matrix" workers in this process -> ${endpoint}`);

    const client = new Client({ endpoint, timeoutMs: 10_000, retries: 0 });
    try {
      const reply = await client.requestJson("matrix", JSON.stringify({ op: "multiply", a: [[1, 2], [3, 4]], b: [[5], [6]] }));
      assert.deepEqual(reply, { op: "multiply", result: [[17], [39]] });
    } finally {
      await client.close();
    }

    cli.child.kill("SIGINT");
    const exit = await cli.waitForExit(20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, cli.output());
  });
});
