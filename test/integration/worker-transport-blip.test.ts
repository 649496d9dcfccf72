/**
 * A TCP blip between broker and worker while a REQUEST is in transit. libzmq would reconnect the
 * worker's socket by itself, heartbeats would resume, and the broker would hold the lost request on a
 * "busy" worker forever. The worker SDK opens a new socket (new identity) when the transport drops, so
 * the broker expires the old identity and re-runs the request on the new one: the client gets its reply.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { describe, it } from "node:test";
import { Broker } from "../../broker/index.js";
import { Client } from "../../client-sdk/index.js";
import { Worker } from "../../worker-sdk/index.js";
import { waitFor } from "../helpers/wait.js";

/** A TCP proxy that can swallow broker->worker bytes and cut every connection. */
async function startProxy(targetPort: number): Promise<{ port: number; swallow(on: boolean): void; cut(): void; close(): void }> {
  let swallowing = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    const up = net.connect(targetPort, "127.0.0.1");
    sockets.add(down).add(up);
    down.on("data", (d) => up.write(d));
    up.on("data", (d) => {
      if (!swallowing) down.write(d);
    });
    const kill = (): void => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    for (const s of [down, up]) {
      s.on("error", kill);
      s.on("close", kill);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    swallow: (on) => void (swallowing = on),
    cut: () => {
      for (const s of [...sockets]) s.destroy();
    },
    close: () => server.close(),
  };
}

describe("worker SDK across a transport blip", () => {
  it("a REQUEST lost in a dropped TCP connection is re-run, and the client gets its reply", async (t) => {
    const heartbeat = { intervalMs: 100, liveness: 5 };
    const broker = await Broker.start({ config: { bind: ["tcp://127.0.0.1:*"], heartbeat } });
    t.after(() => broker.close());
    const proxy = await startProxy(Number(broker.endpoints[0]!.split(":").pop()));
    t.after(() => proxy.close());
    const handled: string[] = [];
    const worker = new Worker({
      service: "echo",
      broker: `tcp://127.0.0.1:${proxy.port}`,
      heartbeatIntervalMs: heartbeat.intervalMs,
      heartbeatLiveness: heartbeat.liveness,
    });
    worker.handle((request) => {
      handled.push(request.body[0]!.toString());
      return request.body;
    });
    t.after(() => worker.stop());
    await waitFor(() => broker.stats().workers === 1, { timeoutMs: 5000, what: "worker registered" });

    const client = new Client({ endpoint: broker.endpoints[0]!, timeoutMs: 10_000, retries: 0 });
    t.after(() => client.close());
    proxy.swallow(true); // the broker's REQUEST to the worker vanishes...
    const reply = client.request("echo", "hi");
    await waitFor(() => broker.stats().busyWorkers === 1, { timeoutMs: 5000, what: "request dispatched" });
    proxy.cut(); // ...and the connection drops
    proxy.swallow(false);

    assert.deepEqual((await reply).map(String), ["hi"]);
    assert.deepEqual(handled, ["hi"]);
    const stats = broker.stats();
    assert.equal(stats.counters.requestsRedispatched, 1, JSON.stringify(stats.counters));
    assert.equal(stats.held, 0);
  });
});
