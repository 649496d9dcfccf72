/**
 * Client SDK pieces without sockets: backoff, body frames, option validation, liveness counting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelayMs, nominalBackoffMs, requestBudgetMs } from "../../client-sdk/backoff.js";
import { replyJson, replyText, toBodyFrames } from "../../client-sdk/body.js";
import { ClientErrorCode, InvalidArgumentError, isClientError, TimeoutError, type ClientError } from "../../client-sdk/errors.js";
import { errorFromReply } from "../../client-sdk/reply-errors.js";
import { LivenessMonitor } from "../../client-sdk/liveness.js";
import { DEFAULT_BACKOFF, resolveClientOptions, resolveRequestOptions } from "../../client-sdk/options.js";

describe("client backoff", () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: false };

  it("doubles from the initial delay and stops at the cap", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => nominalBackoffMs(n, options)), [100, 200, 400, 800, 1000, 1000]);
  });

  it("jitter stays within [delay/2, delay]", () => {
    const jittered = { ...options, jitter: true };
    assert.equal(backoffDelayMs(3, jittered, () => 0), 200);
    assert.equal(backoffDelayMs(3, jittered, () => 1), 400);
  });

  it("the request budget covers every attempt and every backoff", () => {
    assert.equal(requestBudgetMs(1000, 0, options), 1000);
    assert.equal(requestBudgetMs(1000, 3, options), 4000 + 100 + 200 + 400);
  });
});

describe("client body frames", () => {
  it("strings are UTF-8, Buffers pass through unchanged (same object), arrays are multipart", () => {
    const buf = Buffer.from([1, 2, 3]);
    assert.equal(toBodyFrames(buf)[0], buf);
    assert.deepEqual(toBodyFrames("héllo"), [Buffer.from("héllo", "utf8")]);
    const parts = toBodyFrames(["a", buf, new Uint8Array([9])]);
    assert.equal(parts.length, 3);
    assert.equal(parts[1], buf);
    assert.deepEqual(parts[2], Buffer.from([9]));
  });

  it("an empty array becomes one empty frame (RFC 7 needs a body frame)", () => {
    assert.deepEqual(toBodyFrames([]), [Buffer.alloc(0)]);
  });

  it("replyText joins frames; replyJson throws InvalidReplyError with the parse error as cause", () => {
    assert.equal(replyText([Buffer.from("ab"), Buffer.from("cd")]), "abcd");
    assert.deepEqual(replyJson([Buffer.from('{"a":1}')]), { a: 1 });
    assert.throws(
      () => replyJson([Buffer.from("not json")]),
      (err: unknown) => isClientError(err, ClientErrorCode.INVALID_REPLY) && (err as Error).cause instanceof SyntaxError,
    );
  });

  it("a body of the wrong type is InvalidArgumentError", () => {
    assert.throws(() => toBodyFrames(42 as unknown as string), { code: "MDP_ERR_INVALID_ARGUMENT" });
  });
});

describe("client options", () => {
  it("defaults: reference endpoint, 2500 ms, 3 retries, tagged envelope, idempotent", () => {
    const o = resolveClientOptions();
    assert.equal(o.endpoint, "tcp://127.0.0.1:5555");
    assert.equal(o.timeoutMs, 2500);
    assert.equal(o.retries, 3);
    assert.equal(o.envelope, "tagged");
    assert.equal(o.idempotent, true);
    assert.deepEqual(o.backoff, DEFAULT_BACKOFF);
    assert.equal(o.heartbeat, undefined);
  });

  it("every bad option names itself", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ endpoint: "localhost:5555" }, "endpoint"],
      [{ timeoutMs: -1 }, "timeoutMs"],
      [{ timeoutMs: 1.5 }, "timeoutMs"],
      [{ retries: -1 }, "retries"],
      [{ backoff: { multiplier: 0.5 } }, "backoff.multiplier"],
      [{ backoff: { initialDelayMs: 500, maxDelayMs: 100 } }, "backoff.maxDelayMs"],
      [{ heartbeat: { heartbeatIntervalMs: 0, heartbeatLiveness: 3 } }, "heartbeat.heartbeatIntervalMs"],
      [{ maxPending: 0 }, "maxPending"],
      [{ idempotent: "yes" }, "idempotent"],
    ];
    for (const [input, option] of cases) {
      assert.throws(
        () => resolveClientOptions(input),
        (err: unknown) => err instanceof InvalidArgumentError && err.option === option && err.message.startsWith(option),
        JSON.stringify(input),
      );
    }
  });

  it("request options override the client's", () => {
    const client = resolveClientOptions({ timeoutMs: 1000, retries: 2 });
    assert.deepEqual(resolveRequestOptions(client, { timeoutMs: 50, idempotent: false }), {
      timeoutMs: 50,
      retries: 2,
      idempotent: false,
      signal: undefined,
    });
    assert.throws(() => resolveRequestOptions(client, { signal: {} as AbortSignal }), { option: "signal" });
  });
});

describe("client errors", () => {
  it("TimeoutError has a stable code and name and names the attempts and endpoint", () => {
    const err = new TimeoutError({ endpoint: "tcp://h:1", service: "matrix", attempts: 4, timeoutMs: 1000 });
    assert.equal(err.code, "MDP_ERR_TIMEOUT");
    assert.equal(err.name, "TimeoutError");
    assert.match(err.message, /4 attempt\(s\).*tcp:\/\/h:1|tcp:\/\/h:1.*4 attempt\(s\)/);
    assert.ok(err instanceof Error);
  });
});

describe("client liveness monitor", () => {
  it("probes each silent interval and declares the broker lost after `liveness` unanswered probes", (t) => {
    t.mock.timers.enable({ apis: ["setInterval"] });
    let probes = 0;
    const silent: number[] = [];
    const monitor = new LivenessMonitor(
      { heartbeatIntervalMs: 100, heartbeatLiveness: 3 },
      { sendProbe: () => (probes += 1), onSilent: (ms) => silent.push(ms) },
    );
    monitor.start();
    t.mock.timers.tick(300);
    assert.equal(probes, 3);
    assert.deepEqual(silent, []);
    t.mock.timers.tick(100);
    assert.deepEqual(silent, [400]);
    monitor.stop();
  });

  it("anything heard resets the count; nothing is probed while traffic flows", (t) => {
    t.mock.timers.enable({ apis: ["setInterval"] });
    let probes = 0;
    let lost = 0;
    const monitor = new LivenessMonitor(
      { heartbeatIntervalMs: 100, heartbeatLiveness: 2 },
      { sendProbe: () => (probes += 1), onSilent: () => (lost += 1) },
    );
    monitor.start();
    for (let i = 0; i < 10; i++) {
      monitor.heard();
      t.mock.timers.tick(100);
    }
    assert.equal(probes, 0);
    t.mock.timers.tick(200);
    assert.equal(probes, 2);
    monitor.heard();
    t.mock.timers.tick(100);
    assert.equal(lost, 0);
    monitor.stop();
  });
});

describe("client error replies", () => {
  const context = { endpoint: "tcp://h:1", service: "matrix", attempts: 2, timeoutMs: 500 };
  it("each broker code maps to its error class and keeps the code as remoteCode; others are RemoteError", () => {
    const cases: [string, string][] = [
      ["DOMO_SERVICE_UNAVAILABLE", "MDP_ERR_SERVICE_UNAVAILABLE"],
      ["DOMO_DEADLINE_EXCEEDED", "MDP_ERR_TIMEOUT"],
      ["DOMO_OVERLOADED", "MDP_ERR_OVERLOADED"],
      ["DOMO_DRAINING", "MDP_ERR_BROKER_UNAVAILABLE"],
      ["DOMO_WORKER_LOST", "MDP_ERR_WORKER_LOST"],
      ["MATRIX_SINGULAR", "MDP_ERR_REMOTE"],
    ];
    for (const [remote, code] of cases) {
      const err = errorFromReply({ code: remote, message: "m" }, context) as ClientError & { remoteCode?: string };
      assert.equal(err.code, code, remote);
      assert.equal(err.remoteCode, remote);
    }
    const timeout = errorFromReply({ code: "DOMO_DEADLINE_EXCEEDED", message: "m" }, context) as TimeoutError;
    assert.equal(timeout.attempts, 2);
  });
});
