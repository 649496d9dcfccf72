/**
 * Load client process: builds the request body once, then for each `run` drives load through the domo
 * client SDK (via the broker) or a raw DEALER (baselines) and returns its measurements.
 * @packageDocumentation
 */
import type { ClientRunResult, LoadSpec } from "../ipc.js";
import { DomoTransport } from "../load/domo-transport.js";
import { drive } from "../load/driver.js";
import { mdpFraming, RawTransport } from "../load/raw-transport.js";
import { Recorder } from "../load/recorder.js";
import type { LoadTransport } from "../load/transport.js";
import { buildRequestBody, type PayloadSpec } from "../payload.js";
import { childConfig, failChild, serveChild } from "./child-runtime.js";

/** Config of a load client. */
export interface LoadClientConfig {
  /**
   * "domo": the SDK client to `endpoints[0]`; "mdp-raw": a plain MDP DEALER to `endpoints[0]`;
   * "raw": a DEALER connected to every endpoint (baselines).
   */
  transport: "domo" | "mdp-raw" | "raw";
  endpoints: string[];
  /** Service name (domo only). */
  service: string;
  payload: PayloadSpec;
}

function main(): void {
  const config = childConfig<LoadClientConfig>();
  const body = buildRequestBody(config.payload);
  const transport: LoadTransport =
    config.transport === "domo"
      ? new DomoTransport(config.endpoints[0]!, config.service)
      : config.transport === "mdp-raw"
        ? new RawTransport(config.endpoints.slice(0, 1), mdpFraming(config.service))
        : new RawTransport(config.endpoints);
  let running = false;
  const child = serveChild({
    async run(load: LoadSpec, _runId, signals): Promise<ClientRunResult> {
      if (running) throw new Error("a run is already in progress");
      running = true;
      const recorder = new Recorder();
      const progress = setInterval(() => signals.progress(recorder.completed, recorder.takeIntervalP99Us()), load.progressIntervalMs);
      try {
        await drive(transport, body, load, recorder, { measuring: signals.measuring });
        return recorder.result();
      } finally {
        clearInterval(progress);
        running = false;
      }
    },
    stop: () => transport.close(),
  });
  child.ready({ bodyBytes: body.reduce((sum, frame) => sum + frame.length, 0) });
}

try {
  main();
} catch (err) {
  failChild(err);
}
