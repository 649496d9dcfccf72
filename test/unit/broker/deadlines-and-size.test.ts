/**
 * Broker core: a request whose deadline passed is never dispatched, even between two expiry passes
 * (a worker freeing up takes the queue head at once, without waiting for the tick), nor run again after
 * its worker died; and a message whose frames together pass `transport.maxMessageBytes` is dropped
 * before it is decoded (libzmq's ZMQ_MAXMSGSIZE bounds single frames only).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RequestDoneEvent } from "../../../broker/events.js";
import { MESSAGE_TOO_LARGE } from "../../../broker/handlers/oversized-message.js";
import { decodeErrorReply } from "../../../protocol/error-reply.js";
import { CoreDriver, render } from "../../helpers/core-driver.js";

function outcomes(d: CoreDriver): RequestDoneEvent[] {
  const seen: RequestDoneEvent[] = [];
  d.events.on("requestDone", (e) => seen.push(e));
  return seen;
}

const requestsIn = (messages: readonly Buffer[][]): string[][] => messages.map(render).filter((m) => m[3] === "\\x02");

/** The broker error code of a reply to a tagged client `[cid][tag][""][MDPC01][service][error...]`. */
const errorCodeOf = (message: readonly Buffer[]): string | undefined => decodeErrorReply(message.slice(5))?.code;

describe("broker core: deadlines at dispatch time", () => {
  it("expires, instead of dispatching, a queued request whose deadline passed before its worker freed up", () => {
    // Liveness far away, and no tick is run: only the worker's REPLY moves the queue.
    const d = new CoreDriver({ heartbeat: { intervalMs: 10_000, liveness: 3 } });
    const done = outcomes(d);
    d.ready("W1", "svc");
    d.taggedRequest("C1", { requestId: "first" }, "svc", "busy");
    d.taggedRequest("C2", { requestId: "late", ttlMs: 50 }, "svc", "too late");
    d.taggedRequest("C3", { requestId: "fine", ttlMs: 5_000 }, "svc", "in time");
    assert.equal(requestsIn(d.takeFor("W1")).length, 1);
    d.clock.advance(60); // C2's deadline passes; no expiry pass runs
    d.reply("W1", "C1", "done");
    const toW1 = requestsIn(d.takeFor("W1"));
    assert.deepEqual(
      toW1.map((m) => m.slice(4)),
      [["C3", "", "in time"]],
      "the late request was dispatched, or the next one was not",
    );
    const toC2 = d.takeFor("C2");
    assert.equal(toC2.length, 1);
    assert.equal(errorCodeOf(toC2[0]!), "DOMO_DEADLINE_EXCEEDED");
    assert.deepEqual(
      done.map((e) => [e.requestId && Buffer.from(e.requestId, "hex").toString("latin1"), e.outcome, e.errorCode ?? ""]),
      [
        ["first", "replied", ""],
        ["late", "expired", "DOMO_DEADLINE_EXCEEDED"],
      ],
    );
    assert.equal(d.stats().queued, 0);
  });

  it("does not run again a request whose worker died after the request's deadline", () => {
    const d = new CoreDriver({ heartbeat: { intervalMs: 10_000, liveness: 3 } });
    const done = outcomes(d);
    d.ready("W1", "svc");
    d.taggedRequest("C1", { requestId: "r", ttlMs: 100 }, "svc", "x");
    d.ready("W2", "svc");
    d.take();
    d.clock.advance(150);
    d.disconnect("W1");
    assert.deepEqual(requestsIn(d.takeFor("W2")), [], "re-run for a client that stopped waiting");
    assert.equal(errorCodeOf(d.takeFor("C1")[0]!), "DOMO_DEADLINE_EXCEEDED");
    assert.deepEqual(
      done.map((e) => [e.outcome, e.errorCode]),
      [["expired", "DOMO_DEADLINE_EXCEEDED"]],
    );
    const stats = d.stats();
    assert.equal(stats.held, 0);
    assert.equal(stats.counters.requestsRedispatched, 0);
  });
});

describe("broker core: transport.maxMessageBytes over all frames", () => {
  it("drops a client message whose frames together pass the limit, and keeps serving", () => {
    const d = new CoreDriver({ transport: { maxMessageBytes: 1_000 } });
    d.ready("W1", "svc");
    const part = "x".repeat(400);
    d.taggedRequest("C1", { requestId: "big" }, "svc", part, part, part);
    assert.deepEqual(requestsIn(d.takeFor("W1")), []);
    assert.deepEqual(d.takeFor("C1"), []);
    let stats = d.stats();
    assert.deepEqual(stats.counters.invalidMessages, { [MESSAGE_TOO_LARGE]: 1 });
    assert.equal(stats.counters.requestsReceived, 0, "decoded and counted as a request");
    assert.equal(stats.held, 0);
    d.taggedRequest("C1", { requestId: "small" }, "svc", part, part);
    assert.equal(requestsIn(d.takeFor("W1")).length, 1);
    stats = d.stats();
    assert.equal(stats.busyWorkers, 1);
  });

  it("disconnects a worker that sends an oversized REPLY and fails its request with DOMO_REPLY_TOO_LARGE, not re-run", () => {
    // Re-running would make the next worker produce the same oversized reply: one worker lost per attempt.
    const d = new CoreDriver({ transport: { maxMessageBytes: 1_000 } });
    d.ready("W1", "svc");
    d.ready("W2", "svc");
    d.taggedRequest("C1", { requestId: "r" }, "svc", "x");
    assert.equal(requestsIn(d.takeFor("W1")).length, 1);
    d.reply("W1", "C1", "y".repeat(600), "y".repeat(600));
    assert.deepEqual(d.takeFor("W1").map(render), [["W1", "", "MDPW01", "\\x05"]]);
    assert.equal(requestsIn(d.takeFor("W2")).length, 0, "the request was re-run");
    const toClient = d.takeFor("C1");
    assert.equal(toClient.length, 1);
    assert.equal(errorCodeOf(toClient[0]!), "DOMO_REPLY_TOO_LARGE");
    const stats = d.stats();
    assert.equal(stats.workers, 1);
    assert.equal(stats.held, 0);
    assert.equal(stats.counters.requestsRedispatched, 0);
    assert.equal(stats.counters.requestsFailed, 1);
  });
});

describe("broker core: services.<name>.maxServiceMs", () => {
  it("disconnects a worker that holds a request too long while heartbeating, and re-runs the request", () => {
    const d = new CoreDriver({
      heartbeat: { intervalMs: 100, liveness: 3 },
      services: { slow: { maxServiceMs: 1_000 } },
    });
    d.ready("W1", "slow");
    d.ready("W2", "slow");
    d.request("C1", "slow", "job");
    assert.equal(requestsIn(d.takeFor("W1")).length, 1);
    // W1 stays alive (heartbeats) but never answers: a lost REQUEST looks exactly like this.
    for (let elapsed = 0; elapsed < 900; elapsed += 100) {
      d.heartbeat("W1");
      d.heartbeat("W2");
      d.tick(100);
    }
    assert.equal(d.stats().busyWorkers, 1, "removed before maxServiceMs");
    d.heartbeat("W1");
    d.heartbeat("W2");
    d.tick(150);
    assert.deepEqual(d.takeFor("W1").map(render).filter((m) => m[3] === "\\x05"), [["W1", "", "MDPW01", "\\x05"]]);
    assert.equal(requestsIn(d.takeFor("W2")).length, 1, "the request was not re-run");
    const stats = d.stats();
    assert.equal(stats.workers, 1);
    assert.equal(stats.counters.workersRemoved["service-timeout"], 1);
    assert.equal(stats.counters.disconnectsSent["service-timeout"], 1);
  });

  it("takes maxServiceMs from serviceDefaults, and 0 means no limit", () => {
    const d = new CoreDriver({ heartbeat: { intervalMs: 100, liveness: 3 }, serviceDefaults: { maxServiceMs: 0 } });
    d.ready("W1", "svc");
    d.request("C1", "svc", "job");
    for (let elapsed = 0; elapsed < 60_000; elapsed += 100) {
      d.heartbeat("W1");
      d.tick(100);
    }
    assert.equal(d.stats().busyWorkers, 1);
    assert.deepEqual(d.stats().counters.workersRemoved, {});
  });
});
