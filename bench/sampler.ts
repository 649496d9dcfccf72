/**
 * Samples a process's memory over a run (the broker, or the forwarder for comparison) through its IPC
 * channel every 250 ms, and thins long series to at most ~400 points, keeping each stretch's peak.
 * @packageDocumentation
 */
import type { BenchChild } from "./child-process.js";
import type { UsageSample } from "./ipc.js";

/** Sampling interval. */
const INTERVAL_MS = 250;
/** Most points kept per run. */
const MAX_POINTS = 400;

/** One memory sample, relative to the start of sampling. */
export interface MemoryPoint {
  tMs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** At most `max` points: consecutive stretches collapsed into their highest-RSS sample. */
export function thin(points: readonly MemoryPoint[], max = MAX_POINTS): MemoryPoint[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: MemoryPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const stretch = points.slice(i, i + size);
    out.push(stretch.reduce((a, b) => (b.rssBytes > a.rssBytes ? b : a)));
  }
  // Keep the true last sample: "RSS at the end" must not be a peak from earlier in the stretch.
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out[out.length - 1] = last;
  return out;
}

/** Periodic samples of one child. */
export class MemorySampler {
  readonly #child: BenchChild;
  readonly #points: MemoryPoint[] = [];
  #startMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(child: BenchChild) {
    this.#child = child;
  }

  /** Begin sampling now. */
  start(): void {
    this.#startMs = Date.now();
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), INTERVAL_MS);
  }

  /** Stop, take a last sample, and resolve with the (thinned) series. */
  async stop(): Promise<MemoryPoint[]> {
    clearInterval(this.#timer);
    await this.#inFlight;
    this.#sample();
    await this.#inFlight;
    return thin(this.#points);
  }

  #sample(): void {
    if (this.#inFlight) return;
    this.#inFlight = this.#child
      .usage()
      .then((raw) => {
        const usage = raw as UsageSample;
        this.#points.push({ tMs: usage.atMs - this.#startMs, rssBytes: usage.rssBytes, heapUsedBytes: usage.heapUsedBytes });
      })
      // A child that stopped answering fails the run elsewhere; a missing sample is not worth more noise.
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight = undefined;
      });
  }
}
