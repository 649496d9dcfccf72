/**
 * One worker process of the domo topology: the worker SDK serving `echo` (the body back) or the
 * built-in `matrix` service, with `capacity` connections, exactly as `domo worker matrix` runs it.
 * @packageDocumentation
 */
import { Worker } from "../../worker-sdk/worker.js";
import { startMatrixWorker } from "../../workers/matrix/index.js";
import { Workload } from "../payload.js";
import { childConfig, failChild, serveChild } from "./child-runtime.js";

/** Config of a domo worker child. */
export interface DomoWorkerConfig {
  endpoint: string;
  workload: Workload;
  capacity: number;
}

function main(): void {
  const config = childConfig<DomoWorkerConfig>();
  let stop: () => Promise<void>;
  if (config.workload === Workload.MATRIX) {
    const matrix = startMatrixWorker({ broker: config.endpoint, capacity: config.capacity, stopLingerMs: 200 });
    stop = () => matrix.stop({ drainTimeoutMs: 1000 });
  } else {
    const worker = new Worker({ service: Workload.ECHO, broker: config.endpoint, capacity: config.capacity, stopLingerMs: 200 });
    worker.handle((request) => request.body);
    stop = () => worker.stop({ drainTimeoutMs: 1000 });
  }
  serveChild({ stop: () => stop() }).ready({});
}

try {
  main();
} catch (err) {
  failChild(err);
}
