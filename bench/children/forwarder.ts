/**
 * The forwarder baseline: the classic ROUTER (clients) / DEALER (workers) queue device written in
 * zeromq.js, with a receive loop and a single writer per socket and no MDP logic at all. Every message
 * makes the same two socket hops it makes through the broker, so this is the ceiling for a JS broker.
 * @packageDocumentation
 */
import { Dealer, Router } from "zeromq";
import { SocketWriter } from "../../broker/transport/socket-writer.js";
import { failChild, serveChild } from "./child-runtime.js";

/** Same high-water marks as the broker's socket. */
const HIGH_WATER_MARK = 10_000;

async function main(): Promise<void> {
  const options = { linger: 0, sendHighWaterMark: HIGH_WATER_MARK, receiveHighWaterMark: HIGH_WATER_MARK };
  const frontend = new Router(options);
  const backend = new Dealer(options);
  await frontend.bind("tcp://127.0.0.1:*");
  await backend.bind("tcp://127.0.0.1:*");
  const toBackend = new SocketWriter(backend);
  const toFrontend = new SocketWriter(frontend);
  let closed = false;
  const pipe = async (from: Router | Dealer, to: SocketWriter): Promise<void> => {
    try {
      for await (const frames of from) to.send(frames);
    } catch (err) {
      if (!closed) throw err;
    }
  };
  void pipe(frontend, toBackend);
  void pipe(backend, toFrontend);
  serveChild({
    stop() {
      closed = true;
      toBackend.close();
      toFrontend.close();
      frontend.close();
      backend.close();
      return Promise.resolve();
    },
  }).ready({ frontend: frontend.lastEndpoint, backend: backend.lastEndpoint });
}

main().catch(failChild);
