/**
 * One measured run: every client of a topology drives its share of the load at once; the runner takes
 * CPU usage of every process at the start and end of the measured window, samples the hub's memory,
 * then merges the clients' histograms and counts into one {@link RunResult}.
 * @packageDocumentation
 */
import type { BenchChild } from "./child-process.js";
import { latencyDistribution, mergeHistograms, encodeHistogram, summarizeLatency } from "./histogram.js";
import type { ClientRunResult, LoadMode, LoadSpec, UsageSample } from "./ipc.js";
import type { ProcessCpu, RunResult } from "./results.js";
import { MemorySampler } from "./sampler.js";
import { Variant, type Topology } from "./topology.js";

/** The load of a run, for all clients together. */
export interface LoadSettings {
  mode: LoadMode;
  /** Closed loop: requests in flight over all clients. */
  concurrency: number;
  /** Open loop: requests per second over all clients. */
  ratePerSec: number;
  warmupMs: number;
  durationMs: number;
  /** Measured requests over all clients; null for no limit. */
  maxRequests: number | null;
  timeoutMs: number;
}

/** Open loop: most requests in flight over all clients before new starts wait. */
const OPEN_LOOP_MAX_IN_FLIGHT = 10_000;
/** How often clients report progress. */
const PROGRESS_INTERVAL_MS = 500;
/** Extra time a run may take beyond its own bounds before the runner gives up on a client. */
const RUN_SLACK_MS = 60_000;

/** Live figures during a run. */
export interface RunProgress {
  completed: number;
  p99Us: number;
}

/** Options of {@link runOnce}. */
export interface RunOptions {
  arm: string;
  round: number;
  load: LoadSettings;
  /** Other processes whose CPU counts in this run (the scale run's raw workers). */
  extra?: readonly BenchChild[];
  onProgress?: (progress: RunProgress) => void;
}

/** `total` split into `parts` whole shares, the first ones one larger. */
export function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

function clientLoad(load: LoadSettings, clients: number, index: number): LoadSpec {
  return {
    mode: load.mode,
    concurrency: share(load.concurrency, clients, index),
    ratePerSec: load.ratePerSec / clients,
    maxInFlight: Math.ceil(OPEN_LOOP_MAX_IN_FLIGHT / clients),
    warmupMs: load.warmupMs,
    durationMs: load.durationMs,
    maxRequests: load.maxRequests === null ? null : share(load.maxRequests, clients, index),
    timeoutMs: load.timeoutMs,
    progressIntervalMs: PROGRESS_INTERVAL_MS,
  };
}

function roleOf(topology: Topology, child: BenchChild): ProcessCpu["role"] {
  if (child === topology.hub) return topology.spec.variant === Variant.FORWARDER ? "forwarder" : "broker";
  if (topology.workers.includes(child)) return "worker";
  if (topology.clients.includes(child)) return "client";
  return "scale-workers";
}

async function usageOf(children: readonly BenchChild[]): Promise<Map<BenchChild, UsageSample>> {
  const samples = await Promise.all(children.map(async (child) => [child, (await child.usage()) as UsageSample] as const));
  return new Map(samples);
}

/** Run the load once on `topology` and measure it. */
export async function runOnce(topology: Topology, options: RunOptions): Promise<RunResult> {
  const { load } = options;
  const clients = topology.clients;
  const processes = [...(topology.hub ? [topology.hub] : []), ...topology.workers, ...clients, ...(options.extra ?? [])];
  const sampler = topology.hub ? new MemorySampler(topology.hub) : undefined;
  let startUsage: Promise<Map<BenchChild, UsageSample>> | undefined;
  const completed = new Map<BenchChild, number>();
  const p99 = new Map<BenchChild, number>();
  const listeners: (() => void)[] = [];
  const runs = clients.map((client, index) => {
    const started = client.run(clientLoad(load, clients.length, index), load.warmupMs + load.durationMs + load.timeoutMs + RUN_SLACK_MS);
    const onMeasuring = (runId: number): void => {
      if (runId !== started.id || startUsage) return;
      startUsage = usageOf(processes);
      sampler?.start();
    };
    const onProgress = (runId: number, done: number, p99Us: number): void => {
      if (runId !== started.id) return;
      completed.set(client, done);
      p99.set(client, p99Us);
      let total = 0;
      for (const n of completed.values()) total += n;
      options.onProgress?.({ completed: total, p99Us: Math.max(0, ...p99.values()) });
    };
    client.on("measuring", onMeasuring);
    client.on("progress", onProgress);
    listeners.push(() => {
      client.off("measuring", onMeasuring);
      client.off("progress", onProgress);
    });
    return started.result as Promise<ClientRunResult>;
  });
  let results: ClientRunResult[];
  try {
    results = await Promise.all(runs);
  } finally {
    for (const remove of listeners) remove();
  }
  const endUsage = await usageOf(processes);
  const memory = (await sampler?.stop()) ?? [];
  const begin = startUsage ? await startUsage : endUsage;

  const histogram = mergeHistograms(results.map((r) => r.histogram));
  const errors: Record<string, number> = {};
  for (const result of results) for (const [type, n] of Object.entries(result.errors)) errors[type] = (errors[type] ?? 0) + n;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  // Each client's rate over its own window, summed: the clients run side by side.
  const perSecond = (pick: (r: ClientRunResult) => number): number =>
    results.reduce((sum, r) => (r.windowMs > 0 ? sum + pick(r) / (r.windowMs / 1000) : sum), 0);
  const requestMBps = perSecond((r) => r.sentBytes) / 1e6;
  const replyMBps = perSecond((r) => r.receivedBytes) / 1e6;
  const cpu: ProcessCpu[] = processes.map((child) => {
    const a = begin.get(child);
    const b = endUsage.get(child);
    const userMs = a && b ? (b.cpuUserUs - a.cpuUserUs) / 1000 : 0;
    const systemMs = a && b ? (b.cpuSystemUs - a.cpuSystemUs) / 1000 : 0;
    const wallMs = a && b ? b.atMs - a.atMs : 0;
    return {
      label: child.label,
      role: roleOf(topology, child),
      pid: child.pid,
      userMs: round(userMs),
      systemMs: round(systemMs),
      cpuPercent: wallMs > 0 ? round(((userMs + systemMs) / wallMs) * 100) : 0,
    };
  });
  return {
    arm: options.arm,
    variant: topology.spec.variant,
    round: options.round,
    windowMs: round(Math.max(0, ...results.map((r) => r.windowMs))),
    completed: results.reduce((sum, r) => sum + r.completed, 0),
    ok: results.reduce((sum, r) => sum + r.ok, 0),
    errors,
    errorCount,
    timeouts: errors["timeout"] ?? 0,
    reqPerSec: round(perSecond((r) => r.ok)),
    requestMBps: round(requestMBps),
    replyMBps: round(replyMBps),
    totalMBps: round(requestMBps + replyMBps),
    latency: summarizeLatency(histogram),
    distribution: latencyDistribution(histogram),
    histogram: encodeHistogram(histogram),
    lateStarts: results.reduce((sum, r) => sum + r.lateStarts, 0),
    cpu,
    hubMemory:
      topology.hub && memory.length > 0
        ? {
            process: topology.hub.label,
            samples: memory,
            rssStartBytes: memory[0]!.rssBytes,
            rssEndBytes: memory[memory.length - 1]!.rssBytes,
            rssMaxBytes: Math.max(...memory.map((m) => m.rssBytes)),
            heapUsedMaxBytes: Math.max(...memory.map((m) => m.heapUsedBytes)),
          }
        : null,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
