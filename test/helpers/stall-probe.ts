/**
 * How starved the machine is, seen from a separate thread: a worker thread ticks every few ms and
 * records its longest lateness. A test that bounds a silence of the main thread adds this allowance, so
 * a loaded CI machine does not fail it, while a main thread blocked by its own work still does (the
 * probe thread keeps ticking on time).
 */
import { Worker } from "node:worker_threads";

const PROBE_SOURCE = `
const { parentPort } = require("node:worker_threads");
const tickMs = 5;
let last = performance.now();
let maxLateMs = 0;
const timer = setInterval(() => {
  const now = performance.now();
  maxLateMs = Math.max(maxLateMs, now - last - tickMs);
  last = now;
}, tickMs);
parentPort.on("message", (m) => {
  if (m === "read") parentPort.postMessage(maxLateMs);
  if (m === "stop") { clearInterval(timer); parentPort.close(); }
});
`;

/** A running probe. */
export interface StallProbe {
  /** Longest lateness of the probe's ticks so far, in ms. */
  read(): Promise<number>;
  stop(): Promise<void>;
}

/** Start a probe thread. */
export function startStallProbe(): StallProbe {
  const worker = new Worker(PROBE_SOURCE, { eval: true });
  worker.unref();
  return {
    read: () =>
      new Promise<number>((resolve) => {
        worker.once("message", (value: number) => resolve(value));
        worker.postMessage("read");
      }),
    stop: async () => {
      worker.postMessage("stop");
      await worker.terminate();
    },
  };
}
