/**
 * Conformance, worker lifecycle and unexpected commands: protocol-notes §7 items 18–27, raw frames
 * against a real broker, over tcp and inproc.
 *
 * "Must not happen" clauses are shown two ways: the peer stays quiet for several heartbeat intervals,
 * and an exact account (per-pipe order, or heartbeats received == heartbeats the broker counted) shows
 * the window was one in which the broker was active, so the test fails for the right reason.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EXPIRY_HEARTBEAT, Harness, TEST_HEARTBEAT, drain, isHeartbeat, isRequest, nextEvent, notHeartbeat, total, type FakeWorker } from "../helpers/broker-harness.js";
import { TRANSPORTS } from "../helpers/endpoint.js";
import type { RawPeer } from "../helpers/raw-peer.js";
import { frames, show } from "../helpers/raw-peer.js";
import { waitFor } from "../helpers/wait.js";

const I = TEST_HEARTBEAT.intervalMs;
/** Window for "nothing more arrives": several heartbeat intervals. */
const QUIET_MS = 5 * I;
/** For 7.26/7.27: liveness 3, but an interval long enough that a stalled test process does not expire a worker that heartbeats. */
const LIVENESS_HEARTBEAT = { intervalMs: 100, liveness: 3 } as const;
const livenessMs = (hb: { intervalMs: number; liveness: number }): number => hb.intervalMs * hb.liveness;

/** Take every pending message of `peer`, asserting each is a HEARTBEAT; return how many. */
async function countHeartbeats(peer: RawPeer): Promise<number> {
  const messages = await drain(peer);
  for (const m of messages) assert.ok(isHeartbeat(m), `expected only HEARTBEATs, got ${show(m).join("|")}`);
  return messages.length;
}

/**
 * Show that `quiet` receives nothing for QUIET_MS while the broker keeps heartbeating the other
 * workers (its heartbeat counter moves), so the silence is the broker's choice, not a stalled broker.
 */
async function staysQuietWhileOthersHear(h: Harness, quiet: FakeWorker): Promise<void> {
  const before = h.stats().counters.heartbeatsSent;
  assert.equal(await quiet.peer.staysQuiet(QUIET_MS), true, `${quiet.routingId} received a frame`);
  assert.ok(h.stats().counters.heartbeatsSent > before, "the broker sent no heartbeat during the window: it proves nothing");
}

for (const transport of TRANSPORTS) {
  describe(`conformance: worker lifecycle over ${transport}`, () => {
    it("7.18 heartbeats an idle worker every interval and does not answer READY", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = h.rawWorker("W1", "echo");
      const ready = nextEvent(h.broker, "workerReady", (e) => e.workerId === worker.idHex);
      const startedAt = Date.now();
      await worker.command(0x01, "echo");
      await ready;
      worker.startHeartbeats(I);
      for (let i = 0; i < 5; i++) {
        // The first frame after READY is a HEARTBEAT: READY itself gets no answer.
        assert.deepEqual(show(await worker.peer.next()), ["", "MDPW01", "\\x04"]);
      }
      // Not more often than once per interval (a stalled test only makes fewer).
      const elapsedMs = Date.now() - startedAt;
      const sent = h.stats().counters.heartbeatsSent;
      assert.ok(sent >= 5 && sent <= Math.floor(elapsedMs / I) + 1, `${sent} heartbeats in ${elapsedMs} ms`);
      assert.equal(h.stats().workers, 1);
    });

    it("7.19 disconnects a worker that sends READY twice and routes nothing to it", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      await h.worker("W2", "other"); // a bystander the broker keeps heartbeating
      worker.stopHeartbeats();
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === worker.idHex);
      await worker.command(0x01, "echo");
      assert.deepEqual(show(await worker.peer.nextMatching(notHeartbeat)), ["", "MDPW01", "\\x05"]);
      assert.equal((await removed)[0].reason, "protocol-violation");
      const stats = h.stats();
      assert.equal(stats.perService.echo, undefined);
      assert.equal(stats.counters.disconnectsSent["ready-twice"], 1);
      // Nothing after the DISCONNECT on this pipe: not a HEARTBEAT, not the request below.
      const client = h.dealer("C1");
      await client.send(frames("", "MDPC01", "echo", "x"));
      await h.until((s) => s.queued === 1, "request queued, not routed to the removed worker");
      await staysQuietWhileOthersHear(h, worker);
      assert.equal(h.stats().perService.echo?.queued, 1);
    });

    it("7.20 disconnects an unknown peer that sends HEARTBEAT and registers nothing", async (t) => {
      const h = await Harness.start(t, transport);
      const stranger = h.rawWorker("X1", "");
      await stranger.command(0x04);
      assert.deepEqual(show(await stranger.peer.next()), ["", "MDPW01", "\\x05"]);
      const stats = h.stats();
      assert.equal(stats.workers, 0);
      assert.equal(stats.services, 0);
      assert.equal(stats.counters.disconnectsSent["unknown-worker"], 1);
      assert.equal(await stranger.peer.staysQuiet(QUIET_MS), true, "a stranger got frames after DISCONNECT");
    });

    it("7.21 disconnects an unknown peer that sends REPLY and forwards nothing to the cid", async (t) => {
      const h = await Harness.start(t, transport);
      const victim = h.dealer("C21");
      // A round trip first, so the broker's ROUTER can route to C21.
      await victim.send(frames("", "MDPC01", "mmi.service", "echo"));
      assert.deepEqual(show(await victim.next()), ["", "MDPC01", "mmi.service", "404"]);
      const stranger = h.rawWorker("X1", "");
      await stranger.reply(Buffer.from("C21"), "forged");
      assert.deepEqual(show(await stranger.peer.next()), ["", "MDPW01", "\\x05"]);
      assert.equal(await victim.staysQuiet(QUIET_MS), true, "the forged REPLY was forwarded");
      const stats = h.stats();
      assert.equal(stats.counters.requestsReplied, 0);
      assert.equal(stats.counters.disconnectsSent["unknown-worker"], 1);
      assert.equal(stats.workers, 0);
    });

    it("7.22 disconnects an idle worker that sends REPLY and forwards nothing", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const client = h.dealer("C22");
      await client.send(frames("", "MDPC01", "echo", "once"));
      const request = await worker.nextRequest();
      await worker.reply(request.clientAddress, "once");
      assert.deepEqual(show(await client.next()), ["", "MDPC01", "echo", "once"]);
      await h.until((s) => s.idleWorkers === 1, "worker idle again");
      worker.stopHeartbeats();
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === worker.idHex);
      await worker.reply(request.clientAddress, "twice");
      assert.deepEqual(show(await worker.peer.nextMatching(notHeartbeat)), ["", "MDPW01", "\\x05"]);
      assert.equal((await removed)[0].reason, "protocol-violation");
      assert.equal(await client.staysQuiet(QUIET_MS), true, "a REPLY from an idle worker was forwarded");
      const stats = h.stats();
      assert.equal(stats.counters.requestsReplied, 1);
      assert.equal(stats.counters.disconnectsSent["reply-while-idle"], 1);
      assert.equal(stats.workers, 0);
    });

    it("7.23 sends nothing more to a worker after its DISCONNECT and lowers the service's worker count", async (t) => {
      const h = await Harness.start(t, transport);
      const leaving = await h.worker("W1", "echo");
      const staying = await h.worker("W2", "echo");
      assert.equal(h.stats().perService.echo?.workers, 2);
      leaving.stopHeartbeats();
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === leaving.idHex);
      await leaving.command(0x05);
      assert.equal((await removed)[0].reason, "disconnected");
      assert.equal(h.stats().perService.echo?.workers, 1);
      // Account for every heartbeat the broker sent: once both peers hold them all, whatever the
      // leaving worker got was sent before its DISCONNECT was handled, and its count must not move again.
      let leavingCount = 0;
      let stayingCount = 0;
      const settle = async (): Promise<boolean> => {
        leavingCount += await countHeartbeats(leaving.peer);
        stayingCount += await countHeartbeats(staying.peer);
        return leavingCount + stayingCount === h.stats().counters.heartbeatsSent;
      };
      await waitFor(settle, { what: "all heartbeats delivered" });
      const frozen = leavingCount;
      const stayingBefore = stayingCount;
      assert.equal(await leaving.peer.staysQuiet(QUIET_MS), true, "a DISCONNECTed worker got a frame");
      await waitFor(settle, { what: "all heartbeats delivered" });
      assert.equal(leavingCount, frozen);
      assert.ok(stayingCount > stayingBefore, "the broker sent no heartbeat during the window: it proves nothing");
      // W1 registered first and would be first in line: the request must go to W2.
      const client = h.req("C1");
      await client.send(frames("MDPC01", "echo", "x"));
      const request = await staying.nextRequest();
      await staying.reply(request.clientAddress, "x");
      assert.deepEqual(show(await client.next()), ["MDPC01", "echo", "x"]);
      const stats = h.stats();
      assert.equal(total(stats.counters.disconnectsSent), 0, "the broker answered a DISCONNECT");
      assert.equal(leaving.peer.pending, 0);
    });

    it("7.24 ignores DISCONNECT from an unknown peer: no answer, no crash", async (t) => {
      const h = await Harness.start(t, transport);
      const stranger = h.rawWorker("X1", "");
      await stranger.command(0x05);
      // Same pipe, in order: the broker handled the DISCONNECT before this request, so any answer to it
      // would arrive first.
      await stranger.peer.send(frames("", "MDPC01", "mmi.service", "echo"));
      assert.deepEqual(show(await stranger.peer.next()), ["", "MDPC01", "mmi.service", "404"]);
      assert.equal(await stranger.peer.staysQuiet(QUIET_MS), true);
      const stats = h.stats();
      assert.equal(stats.status, "running");
      assert.equal(stats.workers, 0);
      assert.equal(total(stats.counters.disconnectsSent), 0);
      assert.deepEqual(stats.counters.workersRemoved, {});
      assert.deepEqual(stats.counters.invalidMessages, {});
    });

    it("7.25 removes a worker silent for liveness x interval: no heartbeats, mmi 404, requests queue", async (t) => {
      const h = await Harness.start(t, transport, { heartbeat: EXPIRY_HEARTBEAT });
      const worker = await h.worker("W1", "echo");
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === worker.idHex, livenessMs(EXPIRY_HEARTBEAT) + 3000);
      worker.stopHeartbeats();
      assert.equal((await removed)[0].reason, "expired");
      // The only worker: every heartbeat counted was for it. Once it holds them all, none may follow.
      const sent = h.stats().counters.heartbeatsSent;
      let received = 0;
      await waitFor(async () => (received += await countHeartbeats(worker.peer)) === sent, { what: "heartbeats delivered" });
      assert.deepEqual(show(await h.mmi("mmi.service", "echo")), ["MDPC01", "mmi.service", "404"]);
      const client = h.dealer("C1");
      await client.send(frames("", "MDPC01", "echo", "x"));
      await h.until((s) => s.queued === 1, "request queued");
      assert.equal(await worker.peer.staysQuiet(QUIET_MS), true, "an expired worker got a frame");
      const stats = h.stats();
      assert.equal(stats.counters.heartbeatsSent, sent, "heartbeats sent after expiry");
      assert.equal(stats.counters.workersRemoved.expired, 1);
      assert.equal(stats.workers, 0);
      assert.equal(stats.perService.echo?.queued, 1);
    });

    it("7.26 never expires an idle worker that heartbeats, even behind the head of the idle list", async (t) => {
      const h = await Harness.start(t, transport, { heartbeat: LIVENESS_HEARTBEAT });
      const head = await h.worker("W1", "echo");
      const behind = await h.worker("W2", "echo");
      // Let several liveness periods pass, measured in heartbeats the broker sends to W2.
      let heard = 0;
      await waitFor(async () => (heard += await countHeartbeats(behind.peer)) >= 4 * LIVENESS_HEARTBEAT.liveness, {
        timeoutMs: 10_000,
        what: "4 x liveness heartbeats",
      });
      const stats = h.stats();
      assert.deepEqual(stats.counters.workersRemoved, {});
      assert.equal(stats.perService.echo?.idle, 2);
      // Both still take work, the head first.
      const client = h.dealer("C1");
      await client.send(frames("", "MDPC01", "echo", "r1"));
      await client.send(frames("", "MDPC01", "echo", "r2"));
      assert.deepEqual(show((await head.nextRequest()).body), ["r1"]);
      assert.deepEqual(show((await behind.nextRequest()).body), ["r2"]);
    });

    it("7.27 purges a silent worker behind a heartbeating head within about liveness x interval", async (t) => {
      const h = await Harness.start(t, transport, { heartbeat: LIVENESS_HEARTBEAT });
      const head = await h.worker("W1", "echo");
      const removed = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === "5732", livenessMs(LIVENESS_HEARTBEAT) + 3000);
      const silent = await h.worker("W2", "echo", { heartbeat: false });
      assert.equal(silent.idHex, "5732");
      assert.equal((await removed)[0].reason, "expired");
      assert.equal(h.stats().workers, 1);
      // r1 keeps the head busy; r2 would go to W2 if it were still listed.
      const client = h.dealer("C1");
      await client.send(frames("", "MDPC01", "echo", "r1"));
      const r1 = await head.nextRequest();
      await client.send(frames("", "MDPC01", "echo", "r2"));
      await h.until((s) => s.queued === 1, "r2 queued");
      assert.equal(await silent.peer.staysQuiet(QUIET_MS, isRequest), true, "an expired worker got a REQUEST");
      await head.reply(r1.clientAddress, "r1");
      assert.deepEqual(show((await head.nextRequest()).body), ["r2"]);
    });
  });
}
