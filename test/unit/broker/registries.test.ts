/**
 * Broker core, registries: workers and services come and go with READY, REPLY, DISCONNECT and
 * protocol violations; idle workers are served least recently used first; every removal has a reason.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreDriver, render } from "../../helpers/core-driver.js";

const DISCONNECT = ["", "MDPW01", "\\x05"];
const requestsTo = (d: CoreDriver, worker: string): string[][] =>
  d.takeFor(worker).map(render).filter((m) => m[3] === "\\x02");

describe("broker core: registries", () => {
  it("registers a worker and its service on READY, without answering it", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    assert.deepEqual(d.take(), []);
    const stats = d.stats();
    assert.equal(stats.workers, 1);
    assert.deepEqual(stats.perService, { echo: { workers: 1, idle: 1, busy: 0, queued: 0, queuedBytes: 0 } });
    assert.equal(stats.counters.workersRegistered, 1);
  });

  it("hands requests to idle workers least recently used first", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.ready("W2", "echo");
    d.ready("W3", "echo");
    d.request("C1", "echo", "1");
    d.request("C1", "echo", "2");
    assert.equal(requestsTo(d, "W1").length, 1);
    assert.equal(requestsTo(d, "W2").length, 1);
    d.reply("W2", "C1", "2"); // W2 idle again, behind W3
    d.reply("W1", "C1", "1"); // W1 idle again, behind W2
    d.take();
    for (const expected of ["W3", "W2", "W1"]) {
      d.request("C1", "echo", "x");
      assert.equal(requestsTo(d, expected).length, 1, `expected ${expected} next`);
    }
  });

  it("disconnects and removes a worker that sends READY twice", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.ready("W1", "echo");
    assert.deepEqual(d.takeFor("W1").map(render), [["W1", ...DISCONNECT]]);
    const stats = d.stats();
    assert.equal(stats.workers, 0);
    assert.deepEqual(stats.counters.workersRemoved, { "protocol-violation": 1 });
    assert.deepEqual(stats.counters.disconnectsSent, { "ready-twice": 1 });
  });

  it("disconnects and removes an idle worker that sends REPLY, forwarding nothing", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.reply("W1", "C1", "forged");
    assert.deepEqual(d.take().map(render), [["W1", ...DISCONNECT]]);
    assert.equal(d.stats().workers, 0);
  });

  it("answers HEARTBEAT and REPLY from unknown peers with DISCONNECT and ignores their DISCONNECT", () => {
    const d = new CoreDriver();
    d.heartbeat("X1");
    d.reply("X2", "C1", "forged");
    d.disconnect("X3");
    assert.deepEqual(d.take().map(render), [
      ["X1", ...DISCONNECT],
      ["X2", ...DISCONNECT],
    ]);
    const stats = d.stats();
    assert.equal(stats.workers, 0);
    assert.equal(stats.services, 0);
    assert.deepEqual(stats.counters.disconnectsSent, { "unknown-worker": 2 });
  });

  it("removes a worker that sends a malformed command, and counts the decode issue", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.receive("W1", "", "MDPW01", Buffer.from([0x07]));
    assert.deepEqual(d.take().map(render), [["W1", ...DISCONNECT]]);
    const stats = d.stats();
    assert.equal(stats.workers, 0);
    assert.deepEqual(stats.counters.invalidMessages, { MDP_DECODE_UNKNOWN_COMMAND: 1 });
    assert.deepEqual(stats.counters.workersRemoved, { "protocol-violation": 1 });
  });

  it("disconnects a worker that sends REQUEST (valid, but only the broker may send it)", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.receive("W1", "", "MDPW01", Buffer.from([0x02]), "C1", "", "x");
    assert.deepEqual(d.take().map(render), [["W1", ...DISCONNECT]]);
    assert.equal(d.stats().workers, 0);
  });

  it("routes a REPLY by its own record, not by the address frame the worker sends back", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.request("C1", "echo", "x");
    d.take();
    d.reply("W1", "SOMEONE-ELSE", "y");
    assert.deepEqual(d.take().map(render), [["C1", "", "MDPC01", "echo", "y"]]);
  });
});
