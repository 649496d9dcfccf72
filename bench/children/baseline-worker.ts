/**
 * A baseline worker: no MDP, no broker. `bind` mode is the direct baseline (a ROUTER that clients'
 * DEALERs connect to); `connect` mode is a DEALER behind the forwarder. Either way a message is
 * `[client id][request id][body...]` and the reply goes back with the same two envelope frames. At most
 * `capacity` requests run at once, like a domo worker with that capacity.
 * @packageDocumentation
 */
import { Dealer, Router } from "zeromq";
import { createBaselineWork } from "../baseline-work.js";
import type { Workload } from "../payload.js";
import { SocketWriter } from "../../broker/transport/socket-writer.js";
import { childConfig, failChild, serveChild } from "./child-runtime.js";

/** Config of a baseline worker child. */
export interface BaselineWorkerConfig {
  mode: "bind" | "connect";
  /** `connect` mode: the forwarder's backend. */
  endpoint?: string;
  workload: Workload;
  capacity: number;
}

/** Same high-water marks as the broker's socket. */
const HIGH_WATER_MARK = 10_000;
/** Frames before the body: the peer's routing id and the client's request id. */
const ENVELOPE_FRAMES = 2;

async function main(): Promise<void> {
  const config = childConfig<BaselineWorkerConfig>();
  const options = { linger: 0, sendHighWaterMark: HIGH_WATER_MARK, receiveHighWaterMark: HIGH_WATER_MARK };
  const socket = config.mode === "bind" ? new Router(options) : new Dealer(options);
  if (config.mode === "bind") {
    await socket.bind("tcp://127.0.0.1:*");
  } else {
    // Ready only once connected: the forwarder's DEALER deals only to peers that are connected.
    const connected = new Promise<void>((resolve) => socket.events.on("connect", () => resolve()));
    socket.connect(config.endpoint!);
    await connected;
  }
  const writer = new SocketWriter(socket);
  const work = createBaselineWork(config.workload, config.capacity);
  const inbox: Buffer[][] = [];
  let active = 0;
  let closed = false;

  const reply = (envelope: Buffer[], body: Buffer[]): void => void writer.send([...envelope, ...body]);
  const pump = (): void => {
    while (active < config.capacity && inbox.length > 0) {
      const frames = inbox.shift()!;
      const envelope = frames.slice(0, ENVELOPE_FRAMES);
      const result = work.run(frames.slice(ENVELOPE_FRAMES));
      if (Array.isArray(result)) {
        reply(envelope, result);
        continue;
      }
      active++;
      void result.then((body) => {
        active--;
        reply(envelope, body);
        pump();
      });
    }
  };
  const receive = async (): Promise<void> => {
    try {
      for await (const frames of socket) {
        if (frames.length <= ENVELOPE_FRAMES) continue;
        inbox.push(frames);
        pump();
      }
    } catch (err) {
      if (!closed) throw err;
    }
  };
  void receive();
  serveChild({
    async stop() {
      closed = true;
      writer.close();
      socket.close();
      await work.close();
    },
  }).ready({ endpoint: config.mode === "bind" ? socket.lastEndpoint : null });
}

main().catch(failChild);
