/**
 * Conformance, robustness: protocol-notes §7 items 31–36. Invalid input is dropped (and counted and
 * logged), answered with DISCONNECT where the peer claims to be a worker, and never crashes the broker
 * or leaks records. Raw frames against a real broker, over tcp and inproc.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WARN_WINDOW_MS } from "../../broker/rate-limited-log.js";
import { DecodeIssueCode } from "../../protocol/errors.js";
import { TEST_HEARTBEAT, Harness, drain, isDisconnect, nextEvent, notHeartbeat, total, type FakeWorker } from "../helpers/broker-harness.js";
import { TRANSPORTS } from "../helpers/endpoint.js";
import { LOG_LEVEL, captureLogs } from "../helpers/log-capture.js";
import type { RawPeer } from "../helpers/raw-peer.js";
import { frames, show } from "../helpers/raw-peer.js";

const QUIET_MS = 5 * TEST_HEARTBEAT.intervalMs;

/**
 * Follow whatever was sent on `peer` with an mmi.service request on the same pipe: the broker handles
 * messages of one pipe in order, so the mmi answer must be the very next frame `peer` receives if the
 * earlier input was dropped without an answer.
 */
async function expectNoAnswerBefore(peer: RawPeer): Promise<void> {
  await peer.send(frames("", "MDPC01", "mmi.service", "echo"));
  const next = show(await peer.next());
  assert.deepEqual(next.slice(0, 3), ["", "MDPC01", "mmi.service"], `got ${next.join("|")} before the mmi answer`);
  assert.equal(next.length, 4);
}

/** One echo round trip from a fresh REQ, through `worker`, proving the broker still serves. */
async function echoRoundTrip(h: Harness, worker: FakeWorker, body: string): Promise<void> {
  const client = h.req();
  await client.send(frames("MDPC01", "echo", body));
  const request = await worker.nextRequest();
  assert.deepEqual(show(request.body), [body]);
  await worker.reply(request.clientAddress, body);
  assert.deepEqual(show(await client.next()), ["MDPC01", "echo", body]);
}

for (const transport of TRANSPORTS) {
  describe(`conformance: robustness over ${transport}`, () => {
    it("7.31 drops and logs (rate-limited) a message with an unknown header and keeps serving", async (t) => {
      const capture = captureLogs("warn");
      const h = await Harness.start(t, transport, {}, capture.logger);
      const worker = await h.worker("W1", "echo");
      const bad = h.dealer("X1");
      for (let i = 0; i < 50; i++) await bad.send(frames("", "XXXX01", "echo", "x"));
      await expectNoAnswerBefore(bad);
      const stats = h.stats();
      assert.equal(stats.counters.invalidMessages[DecodeIssueCode.UNKNOWN_HEADER], 50);
      assert.equal(stats.counters.requestsReceived, 1, "only the mmi request counts as a request");
      const warnings = capture.lines.filter((l) => l.code === DecodeIssueCode.UNKNOWN_HEADER);
      assert.equal(warnings.length, 1, "one warning per peer and code per window");
      assert.equal(warnings[0]!.level, LOG_LEVEL.warn);
      assert.equal(warnings[0]!.peerId, Buffer.from("X1").toString("hex"));
      await echoRoundTrip(h, worker, "still-serving");
      assert.equal(await worker.peer.staysQuiet(QUIET_MS, notHeartbeat), true, "the bad message reached the worker");
    });

    it("7.32 drops a client message whose empty delimiter frame is missing, and MDP/0.2 headers", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const bad = h.dealer("X1");
      await bad.send(frames("MDPC01", "echo", "x"));
      await bad.send(frames("MDPC02", [0x01], "echo", "x"));
      await expectNoAnswerBefore(bad);
      // A 0.2 worker is told DISCONNECT (a 0.1 frame it cannot parse, which is harmless) and not registered.
      const worker02 = h.dealer("X2");
      await worker02.send(frames("MDPW02", [0x01], "echo"));
      assert.equal(isDisconnect(await worker02.next()), true);
      const stats = h.stats();
      assert.equal(stats.counters.invalidMessages[DecodeIssueCode.NO_DELIMITER], 1);
      assert.equal(stats.counters.invalidMessages[DecodeIssueCode.UNSUPPORTED_VERSION], 2);
      assert.equal(stats.counters.requestsReceived, 1);
      assert.equal(stats.workers, 1);
      assert.equal(await worker.peer.staysQuiet(QUIET_MS, notHeartbeat), true, "a dropped message reached the worker");
      await echoRoundTrip(h, worker, "ok");
    });

    it("7.33 serves a REQUEST with no body as one empty body frame (documented policy)", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const client = h.req("C1");
      await client.send(frames("MDPC01", "echo"));
      const request = await worker.peer.nextMatching(notHeartbeat);
      assert.deepEqual(show(request), ["", "MDPW01", "\\x02", "C1", "", ""]);
      // A REPLY with no body is forwarded with one empty body frame: the client still gets four frames.
      await worker.peer.send(frames("", "MDPW01", [0x03], "C1", ""));
      assert.deepEqual(show(await client.next()), ["MDPC01", "echo", ""]);
      // mmi.* with no body is answered as if the body were one empty frame.
      const probe = h.req("C2");
      await probe.send(frames("MDPC01", "mmi.service"));
      assert.deepEqual(show(await probe.next()), ["MDPC01", "mmi.service", "404"]);
      const stats = h.stats();
      assert.deepEqual(stats.counters.invalidMessages, {});
      assert.equal(stats.counters.requestsReplied, 1);
    });

    it("7.34 disconnects a READY with no service frame or a multi-byte command frame, registers nothing", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const cases: { id: string; message: Buffer[]; code: string }[] = [
        { id: "X1", message: frames("", "MDPW01", [0x01]), code: DecodeIssueCode.BAD_FRAME_COUNT },
        { id: "X2", message: frames("", "MDPW01", [0x01, 0x00], "echo"), code: DecodeIssueCode.BAD_COMMAND_FRAME },
        { id: "X3", message: frames("", "MDPW01", "", "echo"), code: DecodeIssueCode.BAD_COMMAND_FRAME },
        { id: "X4", message: frames("", "MDPW01", [0x01], ""), code: DecodeIssueCode.EMPTY_SERVICE },
        { id: "X5", message: frames("", "MDPW01", [0x01], "echo", "extra"), code: DecodeIssueCode.BAD_FRAME_COUNT },
      ];
      for (const c of cases) {
        const peer = h.dealer(c.id);
        await peer.send(c.message);
        assert.deepEqual(show(await peer.next()), ["", "MDPW01", "\\x05"], `${c.id}: ${show(c.message).join("|")}`);
        assert.equal(h.stats().counters.invalidMessages[c.code]! >= 1, true, `${c.id}: not counted as ${c.code}`);
      }
      // A registered worker that sends a malformed command is disconnected and removed.
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === worker.idHex);
      worker.stopHeartbeats();
      await worker.peer.send(frames("", "MDPW01", [0x04, 0x04]));
      assert.deepEqual(show(await worker.peer.nextMatching(notHeartbeat)), ["", "MDPW01", "\\x05"]);
      assert.equal((await removed)[0].reason, "protocol-violation");
      const stats = h.stats();
      assert.equal(stats.workers, 0);
      assert.equal(stats.services, 0);
      assert.equal(stats.counters.workersRegistered, 1);
      assert.equal(stats.counters.disconnectsSent.malformed, cases.length + 1);
      const fresh = await h.worker("W2", "echo");
      await echoRoundTrip(h, fresh, "ok");
    });

    it("7.35 answers 10^5 unknown command bytes \\x07 with DISCONNECT and leaks no record", async (t) => {
      const capture = captureLogs("warn");
      const h = await Harness.start(t, transport, {}, capture.logger);
      const spammer = h.dealer("X1");
      const count = 100_000;
      const bad = frames("", "MDPW01", [0x07]);
      const startedAt = Date.now();
      let disconnects = 0;
      for (let i = 0; i < count; i++) {
        await spammer.send(bad);
        if (i % 1000 === 999) {
          disconnects += (await drain(spammer)).filter(isDisconnect).length;
          // Let timers run (the broker's liveness pass) while the spam goes on.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      const stats = await h.until((s) => s.counters.invalidMessages[DecodeIssueCode.UNKNOWN_COMMAND] === count, "all counted", 60_000);
      const elapsedMs = Date.now() - startedAt;
      assert.equal(stats.counters.disconnectsSent.malformed, count);
      assert.deepEqual({ workers: stats.workers, services: stats.services, queued: stats.queued, held: stats.held }, { workers: 0, services: 0, queued: 0, held: 0 });
      disconnects += (await drain(spammer)).filter(isDisconnect).length;
      // Every \x07 is answered; a few answers may be dropped if the spammer's pipe is full (counted).
      assert.ok(disconnects > 0 && disconnects <= count, `${disconnects} DISCONNECTs received`);
      // Logs stay bounded: one warning per peer and code per window, not one per message.
      const warnings = capture.lines.filter((l) => l.code === DecodeIssueCode.UNKNOWN_COMMAND).length;
      assert.ok(warnings >= 1 && warnings <= 1 + Math.ceil(elapsedMs / WARN_WINDOW_MS), `${warnings} warnings in ${elapsedMs} ms`);
      // A registered worker that sends \x07 is disconnected and removed: its record does not stay either.
      const worker = await h.worker("W1", "echo");
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === worker.idHex);
      worker.stopHeartbeats();
      await worker.peer.send(bad);
      assert.equal((await removed)[0].reason, "protocol-violation");
      assert.deepEqual(show(await worker.peer.nextMatching(notHeartbeat)), ["", "MDPW01", "\\x05"]);
      const after = h.stats();
      assert.equal(after.workers, 0);
      assert.equal(after.services, 0);
      const fresh = await h.worker("W2", "echo");
      await echoRoundTrip(h, fresh, "ok");
    });

    it("7.36 drops a REPLY whose cid frame is not followed by an empty frame", async (t) => {
      const h = await Harness.start(t, transport, { serviceDefaults: { maxAttempts: 3 } });
      const client = h.req("C1");
      await client.send(frames("MDPC01", "echo", "payload"));
      const variants = [
        { id: "W1", tail: ["payload"], code: DecodeIssueCode.MISSING_ADDRESS_DELIMITER },
        { id: "W2", tail: [] as string[], code: DecodeIssueCode.BAD_FRAME_COUNT },
      ];
      for (const v of variants) {
        const worker = await h.worker(v.id, "echo");
        const request = await worker.nextRequest();
        worker.stopHeartbeats();
        const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === worker.idHex);
        await worker.peer.send(frames("", "MDPW01", [0x03], request.clientAddress, ...v.tail));
        assert.deepEqual(show(await worker.peer.nextMatching(notHeartbeat)), ["", "MDPW01", "\\x05"]);
        assert.equal((await removed)[0].heldRequest, true);
        assert.equal(h.stats().counters.invalidMessages[v.code], 1);
        assert.equal(client.pending, 0, "a malformed REPLY was forwarded");
      }
      // The request was re-run, not lost: a conforming worker answers it.
      const good = await h.worker("W3", "echo");
      const request = await good.nextRequest();
      assert.deepEqual(show(request.body), ["payload"]);
      await good.reply(request.clientAddress, "answer");
      assert.deepEqual(show(await client.next()), ["MDPC01", "echo", "answer"]);
      assert.equal(await client.staysQuiet(QUIET_MS), true, "the client got a second reply");
      const stats = h.stats();
      assert.equal(stats.counters.requestsReplied, 1);
      assert.equal(stats.counters.requestsRedispatched, 2);
      assert.equal(total(stats.counters.workersRemoved), 2);
    });
  });
}
