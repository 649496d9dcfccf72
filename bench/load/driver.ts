/**
 * The two ways of driving load. Closed loop: `concurrency` requests in flight, each one sent as soon as
 * the previous answer arrives (latency = answer - send). Open loop: requests *scheduled* at a fixed
 * rate, and latency counted from the scheduled time, not from when the request actually went out; a
 * stalled system therefore shows its stall in every request that should have been sent meanwhile
 * (no coordinated omission, as in wrk2).
 * @packageDocumentation
 */
import { LoadMode, type LoadSpec } from "../ipc.js";
import type { Recorder } from "./recorder.js";
import type { LoadTransport } from "./transport.js";

/** Hooks the driver calls. */
export interface DriverHooks {
  /** The warm-up ended; the measured window begins. */
  measuring(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Run one load phase: warm-up, then the measured window; resolves after the last answer. */
export async function drive(transport: LoadTransport, body: Buffer[], load: LoadSpec, recorder: Recorder, hooks: DriverHooks): Promise<void> {
  const bodyBytes = body.reduce((sum, frame) => sum + frame.length, 0);
  const begin = performance.now();
  const measureFrom = begin + load.warmupMs;
  const measureUntil = measureFrom + load.durationMs;
  let measuredStarts = 0;
  let announced = false;
  // Is a request starting at `at` part of the measured window? Also ends the window at maxRequests.
  const admit = (at: number): "warmup" | "measured" | "done" => {
    if (at < measureFrom) return "warmup";
    if (at >= measureUntil || (load.maxRequests !== null && measuredStarts >= load.maxRequests)) return "done";
    if (!announced) {
      announced = true;
      hooks.measuring();
    }
    measuredStarts++;
    return "measured";
  };
  const issue = async (startMs: number, measured: boolean): Promise<void> => {
    if (measured) recorder.started(startMs);
    try {
      const reply = await transport.request(body, load.timeoutMs);
      if (measured) recorder.ok(startMs, performance.now(), bodyBytes, reply);
    } catch (err) {
      if (measured) recorder.failed(performance.now(), err);
    }
  };

  if (load.mode === LoadMode.CLOSED) {
    const slot = async (): Promise<void> => {
      for (;;) {
        const start = performance.now();
        const phase = admit(start);
        if (phase === "done") return;
        await issue(start, phase === "measured");
      }
    };
    await Promise.all(Array.from({ length: load.concurrency }, slot));
    return;
  }

  const intervalMs = 1000 / load.ratePerSec;
  const inFlight = new Set<Promise<void>>();
  for (let k = 0; ; k++) {
    const scheduled = begin + k * intervalMs;
    const phase = admit(scheduled);
    if (phase === "done") break;
    let now = performance.now();
    if (scheduled > now) {
      await sleep(scheduled - now);
      now = performance.now();
    }
    while (inFlight.size >= load.maxInFlight) await Promise.race(inFlight);
    if (performance.now() - scheduled > 1) recorder.lateStarts++;
    const request = issue(scheduled, phase === "measured").finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
}
