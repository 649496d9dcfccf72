/**
 * Broker core, requests: expiry of queued requests (queue timeout and client deadline, via the heap),
 * queue bounds, duplicate folding, re-running after a worker dies, and service records that go away
 * when nothing uses them. Driven through dispatchFrames/livenessTick with a manual clock.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RequestDoneEvent } from "../../../broker/events.js";
import { decodeErrorReply } from "../../../protocol/error-reply.js";
import { decodeRequestTag } from "../../../protocol/request-tag.js";
import { CoreDriver, render } from "../../helpers/core-driver.js";

function outcomes(d: CoreDriver): RequestDoneEvent[] {
  const seen: RequestDoneEvent[] = [];
  d.events.on("requestDone", (e) => seen.push(e));
  return seen;
}

/** The broker-made error code in a reply to a tagged client: `[cid][tag][""][MDPC01][service][error...]`. */
function errorCode(message: readonly Buffer[]): string | undefined {
  assert.ok(decodeRequestTag(message[1]) !== undefined, "reply without the client's tag");
  assert.deepEqual(render(message.slice(2, 4)), ["", "MDPC01"]);
  return decodeErrorReply(message.slice(5))?.code;
}

describe("broker core: request expiry", () => {
  it("expires queued requests at their time via the heap, skipping ones dispatched meanwhile", () => {
    // Long liveness so the worker below never expires during the test.
    const d = new CoreDriver({ heartbeat: { intervalMs: 1000, liveness: 3 }, requests: { queueTimeoutMs: 500 } });
    const done = outcomes(d);
    d.request("C1", "nobody", "plain"); // t0: expires at t0 + 500
    d.tick(100);
    d.taggedRequest("C2", { requestId: "q2", ttlMs: 200 }, "nobody", "tagged"); // deadline t0 + 300
    d.tick(100);
    d.request("C3", "svc", "taken"); // t0 + 200: queued until a worker comes
    d.tick(50);
    d.ready("W1", "svc"); // takes C3's request: its heap entry goes stale
    d.take();
    d.tick(49); // t0 + 299
    assert.equal(done.length, 0);
    d.tick(1); // t0 + 300: C2's deadline
    assert.deepEqual(done.map((e) => [e.outcome, e.errorCode]), [["expired", "DOMO_DEADLINE_EXCEEDED"]]);
    const toC2 = d.takeFor("C2");
    assert.equal(toC2.length, 1);
    assert.equal(errorCode(toC2[0]!), "DOMO_DEADLINE_EXCEEDED");
    d.tick(200); // t0 + 500: C1's queue timeout
    assert.deepEqual(done.map((e) => e.errorCode), ["DOMO_DEADLINE_EXCEEDED", "DOMO_SERVICE_UNAVAILABLE"]);
    assert.deepEqual(d.takeFor("C1"), [], "a plain client got a broker-made error reply");
    d.tick(1000); // past C3's old expiry: it is in flight, not expired
    const stats = d.stats();
    assert.equal(stats.counters.requestsExpired, 2);
    assert.equal(stats.busyWorkers, 1);
    assert.equal(stats.held, 1);
    assert.equal(stats.perService.nobody, undefined, "the service entry of an unknown name stays behind");
  });

  it("expires a request once, even when it was queued again after its worker died", () => {
    // Regression: the request had two heap entries with the same time (its deadline) and was expired
    // twice: queued and held went to -1 and the client got two error replies.
    const d = new CoreDriver({ requests: { queueTimeoutMs: 500 } });
    const done = outcomes(d);
    d.taggedRequest("C1", { requestId: "r1", ttlMs: 300 }, "svc", "x"); // queued, expires at its deadline
    d.tick(10);
    d.ready("W1", "svc"); // dispatched
    d.disconnect("W1"); // re-queued at the head: same deadline, second heap entry
    d.take();
    d.tick(400);
    assert.equal(done.length, 1);
    assert.equal(d.takeFor("C1").length, 1, "one error reply");
    const stats = d.stats();
    assert.equal(stats.queued, 0);
    assert.equal(stats.held, 0);
    assert.equal(stats.counters.requestsExpired, 1);
  });
});

describe("broker core: queue bounds", () => {
  it("rejects past maxQueuedPerService with DOMO_OVERLOADED, told to tagged clients only", () => {
    const d = new CoreDriver({ requests: { maxQueuedPerService: 2 } });
    const done = outcomes(d);
    d.request("C1", "svc", "1");
    d.request("C1", "svc", "2");
    d.taggedRequest("C2", { requestId: "over" }, "svc", "3");
    d.request("C3", "svc", "4");
    assert.deepEqual(done.map((e) => [e.outcome, e.errorCode]), [
      ["rejected", "DOMO_OVERLOADED"],
      ["rejected", "DOMO_OVERLOADED"],
    ]);
    const toC2 = d.takeFor("C2");
    assert.equal(toC2.length, 1);
    assert.equal(render(toC2[0]!)[4], "svc");
    assert.equal(errorCode(toC2[0]!), "DOMO_OVERLOADED");
    assert.deepEqual(d.takeFor("C3"), []);
    const stats = d.stats();
    assert.equal(stats.queued, 2);
    assert.equal(stats.held, 2);
    assert.equal(stats.counters.requestsRejected, 2);
  });

  it("does not apply the bound when an idle worker takes the request at once", () => {
    const d = new CoreDriver({ requests: { maxQueuedPerService: 1 } });
    d.request("C1", "svc", "queued");
    d.ready("W1", "svc"); // takes it
    d.ready("W2", "svc"); // idle
    d.request("C2", "svc", "direct");
    assert.equal(d.stats().busyWorkers, 2);
    assert.equal(d.stats().counters.requestsRejected, 0);
  });

  it("rejects past maxQueuedTotal and deletes the service entry the rejected request created", () => {
    const d = new CoreDriver({ requests: { maxQueuedTotal: 3 } });
    d.request("C1", "a", "1");
    d.request("C1", "a", "2");
    d.request("C1", "b", "3");
    d.taggedRequest("C2", { requestId: "t" }, "c", "4");
    assert.equal(errorCode(d.takeFor("C2")[0]!), "DOMO_OVERLOADED");
    const stats = d.stats();
    assert.deepEqual(Object.keys(stats.perService).sort(), ["a", "b"]);
    assert.equal(stats.queued, 3);
  });

  it("rejects a request whose size (envelope, service and body) would pass maxQueuedBytes", () => {
    // Sizes count the whole message: routing id "C1" (2) + service "svc" (3) + body.
    const d = new CoreDriver({ requests: { maxQueuedBytes: 20 } });
    d.request("C1", "svc", "123456"); // 11 bytes
    d.taggedRequest("C2", { requestId: "big" }, "svc", "abcdef"); // the tag alone passes the bound
    assert.equal(errorCode(d.takeFor("C2")[0]!), "DOMO_OVERLOADED");
    d.request("C3", "svc", "1234"); // 9 bytes: exactly at the bound
    const stats = d.stats();
    assert.equal(stats.queued, 2);
    assert.equal(stats.queuedBytes, 20);
  });
});

describe("broker core: duplicate tags", () => {
  it("folds a retry with a held request id into one request and replies to the newest envelope", () => {
    const d = new CoreDriver();
    d.taggedRequest("C1", { requestId: "dup", attempt: 1 }, "svc", "body");
    // Lazy Pirate retry: a new socket (new routing id), same request id.
    d.taggedRequest("C2", { requestId: "dup", attempt: 2 }, "svc", "body");
    let stats = d.stats();
    assert.equal(stats.queued, 1);
    assert.equal(stats.held, 1);
    assert.equal(stats.counters.requestsDuplicate, 1);
    d.ready("W1", "svc");
    assert.deepEqual(d.takeFor("W1").map(render), [["W1", "", "MDPW01", "\\x02", "C2", "", "body"]]);
    d.reply("W1", "C2", "answer");
    const toC2 = d.takeFor("C2");
    assert.equal(toC2.length, 1);
    assert.equal(decodeRequestTag(toC2[0]![1])?.attempt, 2);
    assert.deepEqual(render(toC2[0]!.slice(2)), ["", "MDPC01", "svc", "answer"]);
    assert.deepEqual(d.takeFor("C1"), []);
    // Once the request has ended, the same id is a new request.
    d.taggedRequest("C2", { requestId: "dup", attempt: 3 }, "svc", "again");
    stats = d.stats();
    assert.equal(stats.counters.requestsDuplicate, 1);
    assert.equal(stats.busyWorkers, 1);
  });

  it("folds a retry of a request that is in flight: the worker is not given it twice", () => {
    const d = new CoreDriver();
    d.ready("W1", "svc");
    d.ready("W2", "svc");
    d.taggedRequest("C1", { requestId: "r" }, "svc", "x");
    d.taggedRequest("C1", { requestId: "r", attempt: 2 }, "svc", "x");
    assert.equal(d.stats().busyWorkers, 1);
    assert.equal(d.takeFor("W2").length, 0);
  });
});

describe("broker core: worker death", () => {
  it("re-runs a request whose worker died, up to maxAttempts, then fails it with DOMO_WORKER_LOST", () => {
    const d = new CoreDriver({ serviceDefaults: { maxAttempts: 2 } });
    const done = outcomes(d);
    d.ready("W1", "svc");
    d.ready("W2", "svc");
    d.ready("W3", "svc");
    d.taggedRequest("C1", { requestId: "r" }, "svc", "x");
    assert.equal(d.takeFor("W1").length, 1);
    d.disconnect("W1");
    assert.equal(d.takeFor("W2").length, 1, "not re-run on the next idle worker");
    assert.equal(d.stats().counters.requestsRedispatched, 1);
    d.disconnect("W2");
    assert.deepEqual(d.takeFor("W3"), [], "run a third time with maxAttempts 2");
    assert.deepEqual(done.map((e) => [e.outcome, e.errorCode, e.attempts]), [["failed", "DOMO_WORKER_LOST", 2]]);
    assert.equal(errorCode(d.takeFor("C1")[0]!), "DOMO_WORKER_LOST");
    const stats = d.stats();
    assert.equal(stats.held, 0);
    assert.equal(stats.counters.requestsFailed, 1);
  });

  it("takes maxAttempts from the service's own policy", () => {
    const d = new CoreDriver({ serviceDefaults: { maxAttempts: 1 }, services: { svc: { maxAttempts: 3 } } });
    d.ready("W1", "svc");
    d.request("C1", "svc", "x");
    for (const [dead, next] of [["W1", "W2"], ["W2", "W3"]] as const) {
      d.disconnect(dead);
      d.ready(next, "svc");
      assert.equal(d.takeFor(next).filter((m) => render(m)[3] === "\\x02").length, 1, `not re-run on ${next}`);
    }
    d.disconnect("W3");
    const stats = d.stats();
    assert.equal(stats.counters.requestsFailed, 1);
    assert.equal(stats.counters.requestsRedispatched, 2);
  });

  it("fails a request the client marked not idempotent at once, with DOMO_WORKER_LOST", () => {
    const d = new CoreDriver();
    d.ready("W1", "svc");
    d.ready("W2", "svc");
    d.taggedRequest("C1", { requestId: "once", idempotent: false }, "svc", "x");
    d.take();
    d.disconnect("W1");
    assert.equal(errorCode(d.takeFor("C1")[0]!), "DOMO_WORKER_LOST");
    assert.deepEqual(d.takeFor("W2"), []);
    assert.equal(d.stats().counters.requestsRedispatched, 0);
  });

  it("fails a request of a service configured not idempotent, silently for a plain client", () => {
    const d = new CoreDriver({ services: { pay: { idempotent: false, maxAttempts: 5 } } });
    d.ready("W1", "pay");
    d.ready("W2", "pay");
    d.request("C1", "pay", "x");
    d.take();
    d.tick(d.livenessMs);
    d.take();
    const stats = d.stats();
    assert.equal(stats.counters.requestsFailed, 1);
    assert.equal(stats.counters.requestsRedispatched, 0);
    assert.deepEqual(d.takeFor("C1"), []);
  });
});

describe("broker core: service records", () => {
  it("deletes a service once it has no workers and no queued requests", () => {
    const d = new CoreDriver({ requests: { queueTimeoutMs: 200 } });
    d.ready("W1", "svc");
    d.ready("W2", "svc");
    d.disconnect("W1");
    assert.equal(d.stats().services, 1, "deleted while a worker is left");
    d.disconnect("W2");
    assert.equal(d.stats().services, 0);
    d.request("C1", "ghost", "x");
    assert.equal(d.stats().services, 1, "a queued request keeps its service");
    d.tick(200);
    assert.equal(d.stats().services, 0);
  });

  it("creates no service for mmi.* requests or a worker offering an mmi.* service", () => {
    const d = new CoreDriver();
    d.request("C1", "mmi.service", "echo");
    d.request("C1", "mmi.nope", "x");
    d.ready("W1", "mmi.service");
    assert.deepEqual(d.takeFor("W1").map(render), [["W1", "", "MDPW01", "\\x05"]]);
    assert.deepEqual(d.takeFor("C1").map(render), [
      ["C1", "", "MDPC01", "mmi.service", "404"],
      ["C1", "", "MDPC01", "mmi.nope", "501"],
    ]);
    const stats = d.stats();
    assert.equal(stats.services, 0);
    assert.equal(stats.workers, 0);
  });

  it("keeps a service while its queue holds a re-run request after its last worker died", () => {
    const d = new CoreDriver();
    d.ready("W1", "svc");
    d.request("C1", "svc", "x");
    d.disconnect("W1");
    const stats = d.stats();
    assert.equal(stats.perService.svc?.workers, 0);
    assert.equal(stats.perService.svc?.queued, 1);
    d.ready("W2", "svc");
    assert.equal(d.takeFor("W2").filter((m) => render(m)[3] === "\\x02").length, 1);
  });
});
