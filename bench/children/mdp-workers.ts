/**
 * Plain MDP/0.1 workers on raw DEALER sockets, many in one process, without the worker SDK. Two uses:
 * the `mdp-raw` arm (the broker with SDK-free peers: what the broker alone costs) and the scale run's
 * 1,000 extra workers (`numbered`: one service each, heartbeating, never called).
 * @packageDocumentation
 */
import { Dealer, context } from "zeromq";
import { decodeWorkerInbound } from "../../protocol/decode.js";
import { encodeReady, encodeWorkerDisconnect, encodeWorkerHeartbeat, encodeWorkerReply } from "../../protocol/encode.js";
import { createBaselineWork } from "../baseline-work.js";
import type { Workload } from "../payload.js";
import { SocketWriter } from "../../broker/transport/socket-writer.js";
import { childConfig, failChild, serveChild } from "./child-runtime.js";

/** Config of an mdp-workers child. */
export interface MdpWorkersConfig {
  endpoint: string;
  /** Sockets (= MDP workers) in this process. */
  count: number;
  /** The service; with `numbered`, socket i registers `<service><firstIndex + i>`. */
  service: string;
  numbered: boolean;
  firstIndex: number;
  workload: Workload;
  heartbeatIntervalMs: number;
}

interface RawWorker {
  socket: Dealer;
  writer: SocketWriter;
  service: string;
}

function main(): void {
  const config = childConfig<MdpWorkersConfig>();
  // libzmq's default limit is 1023 sockets per context; leave room above the count.
  context.maxSockets = Math.max(context.maxSockets, config.count + 64);
  const work = createBaselineWork(config.workload, config.count);
  const workers: RawWorker[] = [];
  let closed = false;
  let requests = 0;
  let disconnects = 0;
  const receive = async (worker: RawWorker): Promise<void> => {
    try {
      for await (const frames of worker.socket) {
        const message = decodeWorkerInbound(frames);
        if (message.kind === "broker-request") {
          requests++;
          const client = message.clientAddress;
          // MDP gives a worker one request at a time, so awaiting here serialises nothing else.
          const reply = await work.run([...message.body]);
          worker.writer.send(encodeWorkerReply(client, reply));
        } else if (message.kind === "broker-disconnect") {
          disconnects++;
          worker.writer.send(encodeReady(worker.service));
        }
      }
    } catch (err) {
      if (!closed) throw err;
    }
  };
  for (let i = 0; i < config.count; i++) {
    const socket = new Dealer({ linger: 500 });
    socket.connect(config.endpoint);
    const service = config.numbered ? `${config.service}${config.firstIndex + i}` : config.service;
    const worker = { socket, writer: new SocketWriter(socket), service };
    worker.writer.send(encodeReady(service));
    workers.push(worker);
    void receive(worker);
  }
  const heartbeat = setInterval(() => {
    for (const worker of workers) if (worker.writer.pending === 0) worker.writer.send(encodeWorkerHeartbeat());
  }, config.heartbeatIntervalMs);
  serveChild({
    stats: () => ({ workers: workers.length, requests, disconnects }),
    async stop() {
      clearInterval(heartbeat);
      for (const worker of workers) worker.writer.send(encodeWorkerDisconnect());
      // Let the DISCONNECTs leave (linger) before the sockets go.
      await new Promise((resolve) => setTimeout(resolve, 200));
      closed = true;
      for (const worker of workers) {
        worker.writer.close();
        worker.socket.close();
      }
      await work.close();
    },
  }).ready({ workers: config.count });
}

try {
  main();
} catch (err) {
  failChild(err);
}
