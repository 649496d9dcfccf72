/**
 * Worker SDK against a scripted raw-frame broker: the exact frames it sends while registering, idle,
 * busy, answering and failing (protocol-notes §7 items 37-38; RFC 7 worker commands).
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { WorkerCommand } from "../../protocol/constants.js";
import { decodeErrorReply } from "../../protocol/error-reply.js";
import { ServiceError, type WorkerErrorEvent, type WorkerOptions } from "../../worker-sdk/index.js";
import { FAKE_BROKER_INTERVAL_MS, workerAgainstFakeBroker } from "../helpers/fake-broker-worker.js";
import { workerFrames, type FakeBroker, type Received } from "../helpers/fake-broker.js";
import { waitFor, waitForEvent } from "../helpers/wait.js";

const INTERVAL_MS = FAKE_BROKER_INTERVAL_MS;

function setup(t: TestContext, options: Partial<WorkerOptions> = {}): ReturnType<typeof workerAgainstFakeBroker> {
  return workerAgainstFakeBroker(t, options);
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const heartbeatsFrom = (broker: FakeBroker, ready: Received, after = 0): Received[] =>
  broker.filter({ from: ready.sender, command: WorkerCommand.HEARTBEAT }).filter((m) => m.atMs > after);

describe("worker-sdk frames", () => {
  it("sends READY exactly once per socket, then HEARTBEATs while idle", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle((request) => request.body);

    const ready = await broker.next();
    assert.deepEqual(ready.frames, workerFrames(WorkerCommand.READY, "echo"));
    await waitFor(() => heartbeatsFrom(broker, ready).length >= 4, { timeoutMs: 5000, what: "4 idle heartbeats" });

    const fromWorker = broker.filter({ from: ready.sender });
    for (const message of fromWorker.slice(1)) assert.deepEqual(message.frames, workerFrames(WorkerCommand.HEARTBEAT));
    assert.equal(broker.filter({ command: WorkerCommand.READY }).length, 1, "one READY in total");
    assert.equal(new Set(broker.received.map((m) => m.senderHex)).size, 1, "one socket");
  });

  it("keeps heartbeating while a handler runs, then sends the exact REPLY", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    const release = gate();
    const started = gate();
    worker.handle(async (request) => {
      started.open();
      await release.promise;
      return request.body;
    });
    const ready = await broker.next({ command: WorkerCommand.READY });
    const client = Buffer.from([0x00, 0x6b, 0x8b, 0x45, 0x67]);
    broker.request(ready.sender, client, [Buffer.from("a"), Buffer.alloc(0), Buffer.from("c")]);
    await started.promise;
    const busySince = broker.received.at(-1)!.atMs;
    await waitFor(() => heartbeatsFrom(broker, ready, busySince).length >= 3, { timeoutMs: 5000, what: "3 busy heartbeats" });
    assert.equal(broker.filter({ command: WorkerCommand.REPLY }).length, 0, "no REPLY before the handler finished");
    release.open();

    const reply = await broker.next({ command: WorkerCommand.REPLY });
    assert.ok(reply.sender.equals(ready.sender), "REPLY on the socket the REQUEST came on");
    assert.deepEqual(
      reply.frames,
      workerFrames(WorkerCommand.REPLY, client, Buffer.alloc(0), "a", Buffer.alloc(0), "c"),
    );
    assert.equal(worker.stats().replied, 1);
  });

  it("opens one socket per capacity slot, each with its own routing id and one READY", async (t) => {
    const { broker, worker } = await setup(t, { capacity: 3 });
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle((request) => request.body);
    await waitFor(() => broker.filter({ command: WorkerCommand.READY }).length === 3, { what: "3 READY" });
    const readies = broker.filter({ command: WorkerCommand.READY });
    assert.equal(new Set(readies.map((r) => r.senderHex)).size, 3);
    await waitFor(() => readies.every((r) => heartbeatsFrom(broker, r).length >= 2), { what: "heartbeats on every slot" });
    assert.equal(broker.filter({ command: WorkerCommand.READY }).length, 3, "still one READY per socket");
    assert.equal(worker.stats().connected, 3);
  });

  it("serves concurrent requests on separate slots", async (t) => {
    const { broker, worker } = await setup(t, { capacity: 2 });
    broker.autoHeartbeat(INTERVAL_MS);
    const release = gate();
    let running = 0;
    let maxRunning = 0;
    worker.handle(async (request) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await release.promise;
      running -= 1;
      return request.body;
    });
    const [a, b] = [await broker.next({ command: WorkerCommand.READY }), await broker.next({ command: WorkerCommand.READY })];
    broker.request(a.sender, Buffer.from("c1"), [Buffer.from("1")]);
    broker.request(b.sender, Buffer.from("c2"), [Buffer.from("2")]);
    await waitFor(() => running === 2, { what: "both handlers running" });
    release.open();
    const replies = [await broker.next({ command: WorkerCommand.REPLY }), await broker.next({ command: WorkerCommand.REPLY })];
    const byClient = new Map(replies.map((r) => [r.frames[3]!.toString(), r]));
    assert.ok(byClient.get("c1")!.sender.equals(a.sender));
    assert.ok(byClient.get("c2")!.sender.equals(b.sender));
    assert.equal(maxRunning, 2);
  });

  it("answers a handler that throws with an error reply and keeps serving", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle((request) => {
      const what = request.body[0]!.toString();
      if (what === "plain") throw new Error("boom");
      if (what === "coded") throw new ServiceError("ECHO_NOPE", "not today", { retryInMs: 5 });
      return request.body;
    });
    const errors: WorkerErrorEvent[] = [];
    worker.on("error", (event) => errors.push(event));
    const ready = await broker.next({ command: WorkerCommand.READY });
    const client = Buffer.from("cli");

    broker.request(ready.sender, client, [Buffer.from("plain")]);
    const plain = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(
      plain.frames,
      workerFrames(WorkerCommand.REPLY, client, Buffer.alloc(0), "domo-error/1", "DOMO_HANDLER_ERROR", "boom"),
    );

    broker.request(ready.sender, client, [Buffer.from("coded")]);
    const coded = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(decodeErrorReply(coded.frames.slice(5)), { code: "ECHO_NOPE", message: "not today", details: { retryInMs: 5 } });

    broker.request(ready.sender, client, [Buffer.from("fine")]);
    const fine = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(fine.frames.slice(5), [Buffer.from("fine")]);
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e.kind === "handler"));
    assert.deepEqual(
      { failed: worker.stats().failed, replied: worker.stats().replied },
      { failed: 2, replied: 1 },
    );
    assert.equal(broker.filter({ command: WorkerCommand.READY }).length, 1, "no re-registration after failures");
  });

  it("answers a handler that returns nothing with one empty frame", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle(() => undefined);
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from("x")]);
    const reply = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(reply.frames.slice(5), [Buffer.alloc(0)]);
  });

  it("serves through for await, with the client address in hex and body frames", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const request of worker) {
        seen.push(request.clientAddressHex);
        request.reply([Buffer.from("got"), ...request.body]);
      }
    })();
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.request(ready.sender, Buffer.from([0xab, 0xcd]), [Buffer.from("q")]);
    const reply = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(reply.frames.slice(3), [Buffer.from([0xab, 0xcd]), Buffer.alloc(0), Buffer.from("got"), Buffer.from("q")]);
    assert.deepEqual(seen, ["abcd"]);
    await worker.stop();
    await loop;
  });

  it("drops malformed broker messages without leaving or re-registering", async (t) => {
    const { broker, worker } = await setup(t);
    broker.autoHeartbeat(INTERVAL_MS);
    worker.handle((request) => request.body);
    const ready = await broker.next({ command: WorkerCommand.READY });
    broker.send(ready.sender, [Buffer.alloc(0), Buffer.from("MDPW01"), Buffer.from([0x09])]);
    broker.send(ready.sender, [Buffer.from("junk")]);
    await waitFor(() => worker.stats().malformed === 2, { what: "2 malformed counted" });
    broker.request(ready.sender, Buffer.from("c"), [Buffer.from("still here")]);
    const reply = await broker.next({ command: WorkerCommand.REPLY });
    assert.deepEqual(reply.frames.slice(5), [Buffer.from("still here")]);
    assert.equal(broker.filter({ command: WorkerCommand.READY }).length, 1);
  });

  it("emits connected with the routing id the broker sees", async (t) => {
    const { broker, worker } = await setup(t);
    const connected = waitForEvent<{ routingId: string; slot: number }>(worker, "connected");
    worker.handle(() => undefined);
    const event = await connected;
    const ready = await broker.next({ command: WorkerCommand.READY });
    assert.equal(event.routingId, ready.senderHex);
    assert.equal(event.slot, 0);
  });
});
