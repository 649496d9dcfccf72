/**
 * Broker core, liveness: worker expiry (idle and busy), heartbeats only on silent links, and a purge
 * that scans every worker. Driven through dispatchFrames/livenessTick with a manual clock.
 * Config: heartbeat interval 100 ms, liveness 3 (a worker expires after 300 ms of silence).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WorkerRemovedEvent } from "../../../broker/events.js";
import { CoreDriver, render } from "../../helpers/core-driver.js";

const HEARTBEAT = ["", "MDPW01", "\\x04"];

function removals(d: CoreDriver): WorkerRemovedEvent[] {
  const seen: WorkerRemovedEvent[] = [];
  d.events.on("workerRemoved", (e) => seen.push(e));
  return seen;
}

const hex = (id: string): string => Buffer.from(id).toString("hex");

describe("broker core: liveness", () => {
  it("expires an idle worker after liveness x interval of silence, not before", () => {
    const d = new CoreDriver();
    const removed = removals(d);
    d.ready("W1", "echo");
    d.tick(d.livenessMs - 1);
    assert.equal(d.stats().workers, 1);
    d.tick(1);
    const stats = d.stats();
    assert.equal(stats.workers, 0);
    assert.equal(stats.services, 0, "the service of the last worker stays behind");
    assert.deepEqual(removed, [{ workerId: hex("W1"), service: "echo", reason: "expired", heldRequest: false }]);
    assert.deepEqual(stats.counters.workersRemoved, { expired: 1 });
  });

  it("keeps a worker that heartbeats, and counts a REPLY as proof of life too", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    for (let i = 0; i < 10; i++) {
      d.tick(d.livenessMs - 1);
      d.heartbeat("W1");
    }
    assert.equal(d.stats().workers, 1);
    d.request("C1", "echo", "x");
    d.tick(d.livenessMs - 1);
    d.reply("W1", "C1", "x");
    d.tick(d.livenessMs - 1);
    assert.equal(d.stats().workers, 1);
    d.tick(1);
    assert.equal(d.stats().workers, 0);
  });

  it("expires a busy worker that falls silent and runs its request on another worker", () => {
    const d = new CoreDriver();
    const removed = removals(d);
    d.ready("W1", "echo");
    d.request("C1", "echo", "job");
    assert.equal(d.stats().busyWorkers, 1);
    d.tick(10);
    d.ready("W2", "echo");
    d.take();
    d.tick(d.livenessMs - 10);
    assert.deepEqual(removed.map((e) => [e.workerId, e.reason, e.heldRequest]), [[hex("W1"), "expired", true]]);
    const toW2 = d.takeFor("W2").filter((m) => render(m)[3] === "\\x02");
    assert.deepEqual(toW2.map(render), [["W2", "", "MDPW01", "\\x02", "C1", "", "job"]]);
    assert.equal(d.stats().counters.requestsRedispatched, 1);
  });

  it("does not expire a busy worker that keeps heartbeating through a long job", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.request("C1", "echo", "long");
    for (let i = 0; i < 20; i++) {
      d.tick(d.ctx.config.heartbeat.intervalMs);
      d.heartbeat("W1");
    }
    d.take();
    d.reply("W1", "C1", "done");
    assert.deepEqual(d.takeFor("C1").map(render), [["C1", "", "MDPC01", "echo", "done"]]);
    assert.equal(d.stats().counters.requestsReplied, 1);
  });

  it("heartbeats only workers it sent nothing to for an interval, busy ones included", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    d.ready("W2", "echo");
    d.tick(50);
    assert.deepEqual(d.take(), [], "heartbeat before an interval of silence");
    d.request("C1", "echo", "x"); // to W1 (idle longest), at t+50
    assert.equal(d.takeFor("W1").length, 1);
    d.tick(50);
    // W2 heard nothing for 100 ms; W1 got the REQUEST 50 ms ago.
    assert.deepEqual(d.take().map(render), [["W2", ...HEARTBEAT]]);
    d.tick(50);
    // Now W1 (busy) has been silent for 100 ms; W2 was heartbeated 50 ms ago.
    assert.deepEqual(d.take().map(render), [["W1", ...HEARTBEAT]]);
    assert.equal(d.stats().counters.heartbeatsSent, 2);
  });

  it("sends a heartbeat at most once per interval however often the pass runs", () => {
    const d = new CoreDriver();
    d.ready("W1", "echo");
    let heartbeats = 0;
    for (let i = 0; i < 100; i++) {
      d.tick(10);
      d.heartbeat("W1");
      heartbeats += d.take().length;
    }
    // 1000 ms at a 100 ms interval.
    assert.equal(heartbeats, 10);
  });

  it("purges every silent worker, including ones behind a live head and busy ones", () => {
    const d = new CoreDriver();
    const removed = removals(d);
    d.ready("W1", "a"); // head of a's idle list, keeps heartbeating
    d.ready("W2", "a"); // behind it, silent
    d.ready("B1", "b");
    d.request("C1", "b", "x"); // B1 busy and silent
    d.tick(10);
    d.ready("W3", "a"); // registered later, silent
    for (let i = 0; i < 3; i++) {
      d.tick(95);
      d.heartbeat("W1");
    }
    d.tick(5); // t0 + 300: W2 and B1 are due, W3 (t0 + 310) not yet
    assert.deepEqual(removed.map((e) => e.workerId).sort(), [hex("B1"), hex("W2")].sort());
    d.heartbeat("W1");
    d.tick(10);
    assert.deepEqual(removed.map((e) => e.workerId).sort(), [hex("B1"), hex("W2"), hex("W3")].sort());
    const stats = d.stats();
    assert.equal(stats.workers, 1);
    assert.equal(stats.perService.a?.idle, 1);
    // B1's request is waiting for a new worker of b, not lost.
    assert.equal(stats.perService.b?.queued, 1);
  });
});
