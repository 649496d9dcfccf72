/**
 * Child process for the "a client that timed out and closed lets the process exit" test. It makes one
 * request that cannot be answered, prints the error code as a JSON line, closes the client and returns:
 * nothing else may keep the event loop alive. Usage: client-exit-child.ts <endpoint> <mode>
 *   lazy      Lazy Pirate request that times out after retries (socket replaced on the way)
 *   paranoid  same with heartbeats (ZMTP heartbeats, socket monitor, liveness timer)
 *   plain     plain envelope mode
 *   pending   close() while the request is still pending (ClosedError)
 */
import { Client, type ClientOptions } from "../../client-sdk/index.js";

const [endpoint, mode = "lazy"] = process.argv.slice(2);
if (endpoint === undefined) throw new Error("usage: client-exit-child.ts <endpoint> <mode>");

const options: ClientOptions = {
  endpoint,
  timeoutMs: 150,
  retries: 2,
  resetAfterTimeouts: 1,
  backoff: { initialDelayMs: 10 },
  ...(mode === "paranoid" ? { heartbeat: { heartbeatIntervalMs: 50, heartbeatLiveness: 2 } } : {}),
  ...(mode === "plain" ? { envelope: "plain" as const } : {}),
};
const client = new Client(options);
const request = client.request("nobody", "hello");
if (mode === "pending") setTimeout(() => void client.close(), 100);
try {
  await request;
  console.log(JSON.stringify({ code: "resolved" }));
} catch (err) {
  console.log(JSON.stringify({ code: (err as { code?: string }).code, stats: client.stats() }));
}
await client.close();
