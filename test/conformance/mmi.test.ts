/**
 * Conformance, MMI (RFC 8): protocol-notes §7 items 12–17, raw frames against a real broker, over tcp
 * and inproc.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EXPIRY_HEARTBEAT, Harness, nextEvent } from "../helpers/broker-harness.js";
import { TRANSPORTS } from "../helpers/endpoint.js";
import { frames, show } from "../helpers/raw-peer.js";

for (const transport of TRANSPORTS) {
  describe(`conformance: MMI over ${transport}`, () => {
    it("7.12 answers mmi.service 200 for a service with a worker", async (t) => {
      const h = await Harness.start(t, transport);
      await h.worker("W1", "echo");
      const client = h.req("C1");
      await client.send(frames("MDPC01", "mmi.service", "echo"));
      assert.deepEqual(show(await client.next()), ["MDPC01", "mmi.service", "200"]);
      // DEALER form too: the envelope comes back.
      const dealer = h.dealer("D1");
      await dealer.send(frames("", "MDPC01", "mmi.service", "echo"));
      assert.deepEqual(show(await dealer.next()), ["", "MDPC01", "mmi.service", "200"]);
    });

    it("7.13 answers mmi.service 404 for a service with no worker", async (t) => {
      const h = await Harness.start(t, transport);
      await h.worker("W1", "echo");
      assert.deepEqual(show(await h.mmi("mmi.service", "ghost")), ["MDPC01", "mmi.service", "404"]);
      // Asking about a name must not create a service entry.
      assert.equal(h.stats().services, 1);
    });

    it("7.14 answers 404 once the last worker has sent DISCONNECT or expired", async (t) => {
      const h = await Harness.start(t, transport, { heartbeat: EXPIRY_HEARTBEAT });
      const w1 = await h.worker("W1", "echo");
      assert.deepEqual(show(await h.mmi("mmi.service", "echo")), ["MDPC01", "mmi.service", "200"]);
      w1.stopHeartbeats();
      const left = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === w1.idHex);
      await w1.command(0x05);
      assert.equal((await left)[0].reason, "disconnected");
      assert.deepEqual(show(await h.mmi("mmi.service", "echo")), ["MDPC01", "mmi.service", "404"]);

      const w2 = await h.worker("W2", "echo");
      assert.deepEqual(show(await h.mmi("mmi.service", "echo")), ["MDPC01", "mmi.service", "200"]);
      const expiry = nextEvent(h.broker, "workerRemoved", (e) => e.workerId === w2.idHex);
      w2.stopHeartbeats();
      assert.equal((await expiry)[0].reason, "expired");
      assert.deepEqual(show(await h.mmi("mmi.service", "echo")), ["MDPC01", "mmi.service", "404"]);
      assert.equal(h.stats().services, 0);
    });

    it("7.15 answers 404, not 200, for a service that only has queued requests", async (t) => {
      const h = await Harness.start(t, transport);
      const client = h.dealer("D1");
      await client.send(frames("", "MDPC01", "ghost", "x"));
      const stats = await h.until((s) => s.perService.ghost?.queued === 1, "ghost request queued");
      assert.equal(stats.perService.ghost?.workers, 0);
      await client.send(frames("", "MDPC01", "mmi.service", "ghost"));
      assert.deepEqual(show(await client.next()), ["", "MDPC01", "mmi.service", "404"]);
    });

    it("7.16 answers 501 for an mmi.* service it does not implement", async (t) => {
      const h = await Harness.start(t, transport);
      assert.deepEqual(show(await h.mmi("mmi.foo", "x")), ["MDPC01", "mmi.foo", "501"]);
      const stats = h.stats();
      assert.equal(stats.services, 0, "mmi.foo was registered as a service");
      assert.equal(stats.queued, 0);
    });

    it("7.17 disconnects a worker that offers an mmi.* service and registers nothing", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = h.rawWorker("W1", "mmi.service");
      await worker.command(0x01, "mmi.service");
      assert.deepEqual(show(await worker.peer.next()), ["", "MDPW01", "\\x05"]);
      const stats = h.stats();
      assert.equal(stats.workers, 0);
      assert.equal(stats.services, 0);
      assert.equal(stats.counters.workersRegistered, 0);
      assert.equal(stats.counters.disconnectsSent["mmi-service"], 1);
      // The broker still answers mmi.service itself, and about itself reports nothing registered.
      assert.deepEqual(show(await h.mmi("mmi.service", "mmi.service")), ["MDPC01", "mmi.service", "404"]);
      assert.equal(await worker.peer.staysQuiet(3 * h.broker.config.heartbeat.intervalMs), true, "a DISCONNECTed peer got more frames");
    });
  });
}
