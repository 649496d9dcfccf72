/**
 * The last few minutes of traffic, one sample per second, for the status page and status.json: a ring
 * of broker-wide seconds (request counts by outcome, latency sketches, sampled queue and worker
 * gauges) and a shorter ring of per-service seconds. Memory is fixed by the ring lengths and the
 * bounded service labels; old seconds are overwritten, never accumulated.
 * @packageDocumentation
 */
import { REQUEST_OUTCOMES } from "./label-sets.js";
import { LatencySketch } from "./latency-sketch.js";
import type { RequestTimings } from "./request-timings.js";

/** Default length of the broker-wide history: 5 minutes. */
export const DEFAULT_HISTORY_SECONDS = 300;
/** Default window of per-service rates and percentiles: 1 minute. */
export const DEFAULT_SERVICE_WINDOW_SECONDS = 60;

/** One of the outcome labels (replied, expired, rejected, failed, redispatched). */
export type ActivityOutcome = (typeof REQUEST_OUTCOMES)[number];

/** Gauges sampled once a second. */
export interface GaugeSample {
  queued: number;
  workers: number;
  busyWorkers: number;
}

/** Traffic of one second (or a window of seconds). */
class Traffic {
  readonly counts: Record<ActivityOutcome, number> = { replied: 0, expired: 0, rejected: 0, failed: 0, redispatched: 0 };
  readonly queueWait = new LatencySketch();
  readonly service = new LatencySketch();

  record(outcome: ActivityOutcome, timings: RequestTimings): void {
    this.counts[outcome]++;
    if (timings.queueWaitMs !== undefined) this.queueWait.record(timings.queueWaitMs);
    if (timings.serviceMs !== undefined) this.service.record(timings.serviceMs);
  }

  add(other: Traffic): void {
    for (const outcome of REQUEST_OUTCOMES) this.counts[outcome] += other.counts[outcome];
    this.queueWait.add(other.queueWait);
    this.service.add(other.service);
  }
}

interface BrokerSecond {
  readonly second: number;
  readonly traffic: Traffic;
  gauges: GaugeSample | undefined;
}

interface ServiceSecond {
  readonly second: number;
  readonly byLabel: Map<string, Traffic>;
}

/** Percentiles of one latency, in milliseconds (null when nothing was recorded). */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** A window's traffic: per-second rates by outcome and latency percentiles. */
export interface TrafficSummary {
  /** Requests per second, by outcome, averaged over the window. */
  ratePerSecond: Record<ActivityOutcome, number>;
  queueWaitMs: LatencySummary;
  serviceMs: LatencySummary;
}

/** The broker-wide history, oldest second first; every array has one entry per second. */
export interface ActivityHistory {
  /** Length of the history in seconds: what the charts' time axis spans. */
  lengthSeconds: number;
  /** Unix time (s) the history ends at (exclusive): the current, incomplete second. */
  endSecond: number;
  /** Unix time (s) of each entry (none before the broker started). */
  seconds: number[];
  /** Requests per second, by outcome. */
  counts: Record<ActivityOutcome, number[]>;
  queueWaitP50Ms: (number | null)[];
  queueWaitP99Ms: (number | null)[];
  serviceP50Ms: (number | null)[];
  serviceP99Ms: (number | null)[];
  /** Sampled gauges (null before the first sample or when a second was missed). */
  queued: (number | null)[];
  workers: (number | null)[];
  busyWorkers: (number | null)[];
}

/** Options of {@link RecentActivity}. */
export interface RecentActivityOptions {
  historySeconds?: number;
  serviceWindowSeconds?: number;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

/** The ring buffers behind the status page. */
export class RecentActivity {
  readonly historySeconds: number;
  readonly serviceWindowSeconds: number;
  readonly #now: () => number;
  readonly #startMs: number;
  readonly #startSecond: number;
  readonly #broker: (BrokerSecond | undefined)[];
  readonly #services: (ServiceSecond | undefined)[];

  constructor(options: RecentActivityOptions = {}) {
    this.historySeconds = positive(options.historySeconds ?? DEFAULT_HISTORY_SECONDS, "historySeconds");
    this.serviceWindowSeconds = positive(options.serviceWindowSeconds ?? DEFAULT_SERVICE_WINDOW_SECONDS, "serviceWindowSeconds");
    this.#now = options.now ?? Date.now;
    this.#startMs = this.#now();
    this.#startSecond = Math.floor(this.#startMs / 1000);
    this.#broker = new Array<BrokerSecond | undefined>(this.historySeconds);
    this.#services = new Array<ServiceSecond | undefined>(this.serviceWindowSeconds);
  }

  /** A request ended (or was re-run, outcome `redispatched`) for the service labelled `label`. */
  record(label: string, outcome: ActivityOutcome, timings: RequestTimings = {}): void {
    const second = this.#second();
    this.#brokerSecond(second).traffic.record(outcome, timings);
    const byLabel = this.#serviceSecond(second).byLabel;
    let traffic = byLabel.get(label);
    if (!traffic) {
      traffic = new Traffic();
      byLabel.set(label, traffic);
    }
    traffic.record(outcome, timings);
  }

  /** Store this second's gauges. */
  sample(gauges: GaugeSample): void {
    this.#brokerSecond(this.#second()).gauges = gauges;
  }

  /**
   * Summaries over the last `serviceWindowSeconds` seconds, the current one included (so traffic shows
   * at once): broker-wide and per label. Rates divide by the time the window really covers (at least
   * one second), which is shorter just after start.
   */
  summary(): { windowSeconds: number; total: TrafficSummary; byLabel: Map<string, TrafficSummary> } {
    const nowMs = this.#now();
    const now = Math.floor(nowMs / 1000);
    const first = Math.max(this.#startSecond, now - this.serviceWindowSeconds + 1);
    const coveredSeconds = Math.max(1, Math.min(this.serviceWindowSeconds, (nowMs - Math.max(first * 1000, this.#startMs)) / 1000));
    const total = new Traffic();
    const byLabel = new Map<string, Traffic>();
    for (let second = first; second <= now; second++) {
      const slot = this.#services[second % this.#services.length];
      if (slot?.second !== second) continue;
      for (const [label, traffic] of slot.byLabel) {
        let sum = byLabel.get(label);
        if (!sum) {
          sum = new Traffic();
          byLabel.set(label, sum);
        }
        sum.add(traffic);
        total.add(traffic);
      }
    }
    const summaries = new Map<string, TrafficSummary>();
    for (const [label, traffic] of byLabel) summaries.set(label, summarize(traffic, coveredSeconds));
    return { windowSeconds: round(coveredSeconds), total: summarize(total, coveredSeconds), byLabel: summaries };
  }

  /** The broker-wide history of the last `historySeconds` complete seconds. */
  history(): ActivityHistory {
    const now = this.#second();
    const history: ActivityHistory = {
      lengthSeconds: this.historySeconds,
      endSecond: now,
      seconds: [],
      counts: { replied: [], expired: [], rejected: [], failed: [], redispatched: [] },
      queueWaitP50Ms: [],
      queueWaitP99Ms: [],
      serviceP50Ms: [],
      serviceP99Ms: [],
      queued: [],
      workers: [],
      busyWorkers: [],
    };
    for (let second = Math.max(this.#startSecond, now - this.historySeconds); second < now; second++) {
      const slot = this.#broker[second % this.#broker.length];
      const here = slot?.second === second ? slot : undefined;
      history.seconds.push(second);
      for (const outcome of REQUEST_OUTCOMES) history.counts[outcome].push(here?.traffic.counts[outcome] ?? 0);
      history.queueWaitP50Ms.push(here?.traffic.queueWait.percentile(50) ?? null);
      history.queueWaitP99Ms.push(here?.traffic.queueWait.percentile(99) ?? null);
      history.serviceP50Ms.push(here?.traffic.service.percentile(50) ?? null);
      history.serviceP99Ms.push(here?.traffic.service.percentile(99) ?? null);
      history.queued.push(here?.gauges?.queued ?? null);
      history.workers.push(here?.gauges?.workers ?? null);
      history.busyWorkers.push(here?.gauges?.busyWorkers ?? null);
    }
    return history;
  }

  #second(): number {
    return Math.floor(this.#now() / 1000);
  }

  #brokerSecond(second: number): BrokerSecond {
    const index = second % this.#broker.length;
    let slot = this.#broker[index];
    if (slot?.second !== second) {
      slot = { second, traffic: new Traffic(), gauges: undefined };
      this.#broker[index] = slot;
    }
    return slot;
  }

  #serviceSecond(second: number): ServiceSecond {
    const index = second % this.#services.length;
    let slot = this.#services[index];
    if (slot?.second !== second) {
      slot = { second, byLabel: new Map() };
      this.#services[index] = slot;
    }
    return slot;
  }
}

function summarize(traffic: Traffic, windowSeconds: number): TrafficSummary {
  const ratePerSecond = { ...traffic.counts };
  for (const outcome of REQUEST_OUTCOMES) ratePerSecond[outcome] = round(traffic.counts[outcome] / windowSeconds);
  return { ratePerSecond, queueWaitMs: latency(traffic.queueWait), serviceMs: latency(traffic.service) };
}

function latency(sketch: LatencySketch): LatencySummary {
  const at = (p: number): number | null => {
    const value = sketch.percentile(p);
    return value === undefined ? null : round(value);
  };
  return { count: sketch.count, p50: at(50), p90: at(90), p99: at(99), max: sketch.count === 0 ? null : round(sketch.maxMs) };
}

/** Three decimals: microsecond resolution for latencies, enough for rates. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}
