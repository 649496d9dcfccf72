/**
 * Conformance, MDP/0.1 request/reply and routing: protocol-notes §7 items 1–11, raw frames against a
 * real broker, over tcp and inproc.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeErrorReply } from "../../protocol/error-reply.js";
import { encodeRequestTag } from "../../protocol/request-tag.js";
import { Harness, notHeartbeat } from "../helpers/broker-harness.js";
import { TRANSPORTS } from "../helpers/endpoint.js";
import { frames, show } from "../helpers/raw-peer.js";

for (const transport of TRANSPORTS) {
  describe(`conformance: request/reply over ${transport}`, () => {
    it("7.1 delivers a REQ client's request to the worker as [\"\"][MDPW01][\\x02][cid][\"\"][body]", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const client = h.req("C1");
      await client.send(frames("MDPC01", "echo", "hello"));
      const got = await worker.peer.nextMatching(notHeartbeat);
      assert.deepEqual(show(got), ["", "MDPW01", "\\x02", "C1", "", "hello"]);
    });

    it("7.2 forwards the worker's REPLY to the client as [MDPC01][echo][body]", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const client = h.req("C1");
      await client.send(frames("MDPC01", "echo", "hello"));
      const request = await worker.nextRequest();
      await worker.peer.send(frames("", "MDPW01", [0x03], request.clientAddress, "", "hello"));
      assert.deepEqual(show(await client.next()), ["MDPC01", "echo", "hello"]);
      const stats = await h.until((s) => s.held === 0, "request released");
      assert.equal(stats.counters.requestsReplied, 1);
      assert.equal(stats.idleWorkers, 1);
    });

    it("7.3 keeps a multi-frame body with a zero-length frame intact both ways", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const client = h.req("C1");
      const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const big = Buffer.alloc(100_000, 0xab);
      const body = [Buffer.from("a"), Buffer.alloc(0), binary, Buffer.alloc(0), big];
      await client.send([...frames("MDPC01", "echo"), ...body]);
      const request = await worker.nextRequest();
      assert.deepEqual(request.body.map((f) => f.length), [1, 0, 256, 0, 100_000]);
      assert.ok(request.body.every((f, i) => f.equals(body[i]!)));
      await worker.reply(request.clientAddress, ...request.body);
      const reply = await client.next();
      assert.deepEqual(show(reply.slice(0, 2)), ["MDPC01", "echo"]);
      assert.deepEqual(reply.slice(2).map((f) => f.length), [1, 0, 256, 0, 100_000]);
      assert.ok(reply.slice(2).every((f, i) => f.equals(body[i]!)));
    });

    it("7.4 answers a DEALER client with [\"\"][MDPC01][echo][x]", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      worker.echoForever();
      const client = h.dealer("D1");
      await client.send(frames("", "MDPC01", "echo", "x"));
      assert.deepEqual(show(await client.next()), ["", "MDPC01", "echo", "x"]);
    });

    it("7.5 puts the worker's registered service name, byte for byte, in the REPLY's service frame", async (t) => {
      const h = await Harness.start(t, transport);
      // Bytes outside ASCII: the name must survive registration, lookup and the reply unchanged.
      const name = Buffer.from([0x73, 0xe9, 0x72, 0x76, 0xff, 0x2e, 0x31]);
      const worker = h.rawWorker("W1", name.toString("latin1"));
      await worker.command(0x01, name);
      await h.until((s) => s.workers === 1, "worker registered");
      worker.startHeartbeats(h.broker.config.heartbeat.intervalMs);
      const client = h.req("C1");
      await client.send([Buffer.from("MDPC01"), name, Buffer.from("x")]);
      const request = await worker.nextRequest();
      await worker.reply(request.clientAddress, "y");
      const reply = await client.next();
      assert.ok(reply[1]!.equals(name), `service frame ${reply[1]!.toString("hex")} != ${name.toString("hex")}`);
      assert.deepEqual(show([reply[0]!, reply[2]!]), ["MDPC01", "y"]);
    });

    it("7.6 spreads requests one per worker and gives the next to the worker idle longest (LRU)", async (t) => {
      const h = await Harness.start(t, transport);
      const w1 = await h.worker("W1", "echo");
      const w2 = await h.worker("W2", "echo");
      const client = h.dealer("D1");
      await client.send(frames("", "MDPC01", "echo", "r1"));
      await client.send(frames("", "MDPC01", "echo", "r2"));
      // W1 registered first, so it has been idle longest and takes r1.
      const got1 = await w1.nextRequest();
      const got2 = await w2.nextRequest();
      assert.deepEqual(show(got1.body), ["r1"]);
      assert.deepEqual(show(got2.body), ["r2"]);
      // W2 finishes first, then W1: W2 is now the one idle longest.
      await w2.reply(got2.clientAddress, "r2");
      assert.deepEqual(show(await client.next()), ["", "MDPC01", "echo", "r2"]);
      await w1.reply(got1.clientAddress, "r1");
      assert.deepEqual(show(await client.next()), ["", "MDPC01", "echo", "r1"]);
      await client.send(frames("", "MDPC01", "echo", "r3"));
      const got3 = await w2.nextRequest();
      assert.deepEqual(show(got3.body), ["r3"]);
      const stats = await h.until((s) => s.busyWorkers === 1, "one busy worker");
      assert.equal(stats.perService.echo?.idle, 1);
      assert.equal(await w1.peer.staysQuiet(3 * h.broker.config.heartbeat.intervalMs, notHeartbeat), true, "W1 got r3 too");
    });

    it("7.7 queues a request for a service with no worker and delivers it when a worker registers", async (t) => {
      const h = await Harness.start(t, transport);
      const client = h.req("C1");
      await client.send(frames("MDPC01", "late", "q"));
      const queued = await h.until((s) => s.queued === 1, "request queued");
      assert.equal(queued.perService.late?.queued, 1);
      assert.equal(await client.staysQuiet(150), true, "client got a reply with no worker registered");
      const worker = await h.worker("W1", "late");
      const request = await worker.nextRequest();
      assert.deepEqual(show(request.raw), ["", "MDPW01", "\\x02", "C1", "", "q"]);
      await worker.reply(request.clientAddress, "done");
      assert.deepEqual(show(await client.next()), ["MDPC01", "late", "done"]);
      assert.equal(h.stats().queued, 0);
    });

    it("7.8 discards a request after the queue TTL and deletes services nobody serves", async (t) => {
      const queueTimeoutMs = 150;
      const h = await Harness.start(t, transport, { requests: { queueTimeoutMs } });
      const plain = h.req("C1");
      await plain.send(frames("MDPC01", "nobody", "x"));
      // A tagged client that opted in to error replies is told why (product extension).
      const tagged = h.dealer("D1");
      const tag = encodeRequestTag({ acceptsErrorReplies: true, idempotent: true, attempt: 1, ttlMs: 0, requestId: Buffer.from("req-1") });
      await tagged.send([tag, ...frames("", "MDPC01", "nobody", "x")]);
      // Many distinct unknown names: each creates a service entry that must go away with its request.
      const flood = h.dealer("D2");
      for (let i = 0; i < 200; i++) await flood.send(frames("", "MDPC01", `ghost-${i}`, "x"));
      const after = await h.until((s) => s.counters.requestsExpired === 202, "requests expired");
      assert.equal(after.queued, 0);
      assert.equal(after.held, 0);
      assert.equal(after.services, 0, "service entries of unknown names were kept");
      const errorReply = await tagged.next();
      assert.ok(errorReply[0]!.equals(tag));
      assert.deepEqual(show(errorReply.slice(1, 4)), ["", "MDPC01", "nobody"]);
      assert.equal(decodeErrorReply(errorReply.slice(4))?.code, "DOMO_SERVICE_UNAVAILABLE");
      assert.equal(await plain.staysQuiet(100), true, "a plain client got a broker-made reply");
      assert.equal(flood.pending, 0, "a plain DEALER got a broker-made reply");
    });

    it("7.9 does not delay requests to service B behind a slow worker of service A", async (t) => {
      const h = await Harness.start(t, transport);
      const slow = await h.worker("WA", "A");
      const fast = await h.worker("WB", "B");
      fast.echoForever();
      const clientA = h.dealer("CA");
      for (let i = 0; i < 3; i++) await clientA.send(frames("", "MDPC01", "A", `a${i}`));
      const first = await slow.nextRequest();
      await h.until((s) => s.perService.A?.queued === 2, "A backlog queued");
      const clientB = h.req("CB");
      for (let i = 0; i < 5; i++) {
        await clientB.send(frames("MDPC01", "B", `b${i}`));
        assert.deepEqual(show(await clientB.next()), ["MDPC01", "B", `b${i}`]);
      }
      // A's work is still outstanding: B was served while A was busy and backlogged.
      const during = h.stats();
      assert.equal(during.perService.A?.busy, 1);
      assert.equal(during.perService.A?.queued, 2);
      assert.equal(clientA.pending, 0);
      await slow.reply(first.clientAddress, "a0");
      assert.deepEqual(show(await clientA.next()), ["", "MDPC01", "A", "a0"]);
    });

    it("7.10 drops the reply for a client that went away and gives the worker its next request", async (t) => {
      const h = await Harness.start(t, transport);
      const worker = await h.worker("W1", "echo");
      const gone = h.dealer("GONE");
      await gone.send(frames("", "MDPC01", "echo", "first"));
      const first = await worker.nextRequest();
      const stays = h.req("C2");
      await stays.send(frames("MDPC01", "echo", "second"));
      await h.until((s) => s.queued === 1, "second request queued behind the first");
      await gone.close();
      await worker.reply(first.clientAddress, "first");
      const second = await worker.nextRequest();
      assert.deepEqual(show(second.body), ["second"]);
      await worker.reply(second.clientAddress, "second");
      assert.deepEqual(show(await stays.next()), ["MDPC01", "echo", "second"]);
      const stats = await h.until((s) => s.held === 0, "both requests ended");
      assert.equal(stats.counters.requestsReplied, 2);
      assert.equal(stats.workers, 1);
      assert.deepEqual(stats.counters.workersRemoved, {});
      assert.equal(stats.status, "running");
    });

    it("7.11 routes every reply of two pipelined DEALER clients to the client that asked", async (t) => {
      const h = await Harness.start(t, transport);
      for (const id of ["W1", "W2", "W3"]) (await h.worker(id, "echo")).echoForever();
      const n = 200;
      const plain = h.dealer("P1");
      const enveloped = h.dealer("P2");
      for (let i = 0; i < n; i++) {
        await plain.send(frames("", "MDPC01", "echo", `p1-${i}`));
        // Extra envelope frame before the delimiter: returned untouched with the reply.
        await enveloped.send(frames(`corr-${i}`, "", "MDPC01", "echo", `p2-${i}`));
      }
      const seen1 = new Set<string>();
      const seen2 = new Set<string>();
      for (let i = 0; i < n; i++) {
        const r1 = show(await plain.next());
        assert.deepEqual(r1.slice(0, 3), ["", "MDPC01", "echo"]);
        assert.match(r1[3]!, /^p1-\d+$/);
        assert.equal(r1.length, 4);
        seen1.add(r1[3]!);
        const r2 = show(await enveloped.next());
        assert.equal(r2.length, 5);
        assert.deepEqual(r2.slice(1, 4), ["", "MDPC01", "echo"]);
        assert.equal(r2[4], `p2-${r2[0]!.slice("corr-".length)}`);
        seen2.add(r2[4]!);
      }
      assert.equal(seen1.size, n);
      assert.equal(seen2.size, n);
      assert.equal(h.stats().counters.requestsReplied, 2 * n);
    });
  });
}
