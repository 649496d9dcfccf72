/**
 * Waiting for a TCP endpoint's port to be released. libzmq closes a socket in its I/O thread, so a
 * ROUTER's listening port can still be taken for a moment after `close()` returned; a test that binds
 * the same endpoint again waits for this condition (with a deadline) instead of sleeping or retrying.
 */
import { createServer } from "node:net";
import { waitFor } from "./wait.js";

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolve once `tcp://host:port` can be bound again; reject after `timeoutMs`. */
export async function waitForPortFree(endpoint: string, timeoutMs = 5000): Promise<void> {
  const match = /^tcp:\/\/([^:]+):(\d+)$/.exec(endpoint);
  if (match === null) throw new Error(`not a tcp://host:port endpoint: ${endpoint}`);
  const [, host, port] = match;
  await waitFor(() => canListen(host!, Number(port)), { timeoutMs, what: `port of ${endpoint} released` });
}
