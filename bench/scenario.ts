/**
 * A scenario: one payload and load, run on several arms (domo and its baselines, or domo with and
 * without 1,000 extra workers), interleaved round by round (A B C, B C A, C A B, ...) so that drift on a
 * shared machine hits every arm alike; then medians with min..max, ratios to the baselines and the
 * pass/fail lines.
 * @packageDocumentation
 */
import type { BenchChild } from "./child-process.js";
import { evaluate, type Check } from "./expectations.js";
import { latencyDistribution, mergeHistograms, summarizeLatency } from "./histogram.js";
import { buildRequestBody, describePayload, type PayloadSpec } from "./payload.js";
import type { ProcessSet } from "./process-set.js";
import type { ArmSummary, MemoryFlatness, Ratio, RunResult, ScenarioResult } from "./results.js";
import { runOnce, type LoadSettings, type RunProgress } from "./run.js";
import { startScaleWorkers, stopScaleWorkers } from "./scale.js";
import { ratio, round3, spread } from "./stats.js";
import { startTopology, type Topology, type Variant } from "./topology.js";

/** One arm of a scenario. */
export interface ArmSpec {
  name: string;
  variant: Variant;
  /** Baselines are what the other arms are divided by. */
  baseline: boolean;
  /** Extra raw workers registered with the broker during this arm's rounds (scale run). */
  extraWorkers: number;
}

/** Everything that defines a scenario. */
export interface ScenarioSpec {
  id: string;
  title: string;
  description: string;
  payload: PayloadSpec;
  workers: number;
  capacity: number;
  clients: number;
  load: LoadSettings;
  arms: ArmSpec[];
  rounds: number;
  brokerMetrics: boolean;
  brokerProfileDir: string | null;
  checks: Check[];
  /** Share of the run treated as warm-up by the RSS flatness check; null: no check. */
  memoryWarmupFraction: number | null;
}

/** What a scenario reports while it runs. */
export interface ScenarioHooks {
  onRunStart?(scenario: ScenarioSpec, arm: ArmSpec, round: number): void;
  onProgress?(progress: RunProgress): void;
  onRunEnd?(scenario: ScenarioSpec, run: RunResult): void;
}

/** Run every round of every arm and summarise. */
export async function runScenario(processes: ProcessSet, spec: ScenarioSpec, hooks: ScenarioHooks = {}): Promise<ScenarioResult> {
  const topologies = new Map<Variant, Topology>();
  const runs: RunResult[] = [];
  try {
    // One topology per variant, shared by the arms of that variant; started one after another so
    // their start-up does not overlap on a small machine.
    for (const arm of spec.arms) {
      if (topologies.has(arm.variant)) continue;
      const topology = await startTopology(
        processes,
        {
          variant: arm.variant,
          payload: spec.payload,
          workers: spec.workers,
          capacity: spec.capacity,
          clients: spec.clients,
          brokerMetrics: spec.brokerMetrics,
          brokerProfileDir: spec.brokerProfileDir,
        },
        `${spec.id}/${arm.variant}`,
      );
      topologies.set(arm.variant, topology);
    }
    for (let round = 0; round < spec.rounds; round++) {
      for (let k = 0; k < spec.arms.length; k++) {
        const arm = spec.arms[(round + k) % spec.arms.length]!;
        const topology = topologies.get(arm.variant)!;
        hooks.onRunStart?.(spec, arm, round);
        let extra: BenchChild[] = [];
        if (arm.extraWorkers > 0) extra = await startScaleWorkers(processes, topology, arm.extraWorkers, `${spec.id}/${arm.name}`);
        try {
          const run = await runOnce(topology, {
            arm: arm.name,
            round,
            load: spec.load,
            extra,
            ...(hooks.onProgress && { onProgress: hooks.onProgress }),
          });
          runs.push(run);
          hooks.onRunEnd?.(spec, run);
        } finally {
          if (extra.length > 0) await stopScaleWorkers(processes, topology, extra);
        }
      }
    }
  } finally {
    // Clients and workers first, so the broker sees them leave; then the hubs.
    const all = [...topologies.values()];
    await processes.stop(all.flatMap((t) => [...t.clients, ...t.workers]));
    await processes.stop(all.flatMap((t) => (t.hub ? [t.hub] : [])));
  }
  return summarizeScenario(spec, runs);
}

function summarizeArm(arm: ArmSpec, runs: readonly RunResult[]): ArmSummary {
  const merged = mergeHistograms(runs.map((r) => r.histogram));
  const errors: Record<string, number> = {};
  for (const run of runs) for (const [type, n] of Object.entries(run.errors)) errors[type] = (errors[type] ?? 0) + n;
  const hubCpu = runs.flatMap((run) => {
    const hub = run.cpu.find((c) => c.role === "broker" || c.role === "forwarder");
    return hub && run.ok > 0 ? [((hub.userMs + hub.systemMs) / run.ok) * 1000] : [];
  });
  const hubRss = runs.flatMap((run) => (run.hubMemory ? [run.hubMemory.rssMaxBytes] : []));
  const hubHeap = runs.flatMap((run) => (run.hubMemory ? [run.hubMemory.heapUsedMaxBytes] : []));
  return {
    arm: arm.name,
    variant: arm.variant,
    extraWorkers: arm.extraWorkers,
    rounds: runs.length,
    reqPerSec: spread(runs.map((r) => r.reqPerSec)),
    totalMBps: spread(runs.map((r) => r.totalMBps)),
    p50Ms: spread(runs.map((r) => r.latency.p50Ms)),
    p90Ms: spread(runs.map((r) => r.latency.p90Ms)),
    p99Ms: spread(runs.map((r) => r.latency.p99Ms)),
    p999Ms: spread(runs.map((r) => r.latency.p999Ms)),
    maxMs: spread(runs.map((r) => r.latency.maxMs)),
    latency: summarizeLatency(merged),
    distribution: latencyDistribution(merged),
    errorCount: runs.reduce((sum, r) => sum + r.errorCount, 0),
    timeouts: runs.reduce((sum, r) => sum + r.timeouts, 0),
    errors,
    cpuUsPerRequest: cpuPerRequest(runs),
    hubCpuMsPer1kRequests: hubCpu.length > 0 ? spread(hubCpu).median : null,
    hubRssMaxBytes: hubRss.length > 0 ? spread(hubRss) : null,
    hubHeapUsedMaxBytes: hubHeap.length > 0 ? spread(hubHeap) : null,
  };
}

/** Share of a run whose samples give the "base" and the "end" RSS (medians, so one GC peak is no level). */
const MEMORY_LEVEL_FRACTION = 0.1;

/** RSS growth of the subject's hub after the warm-up share of its (first) run. */
function memoryFlatness(runs: readonly RunResult[], warmupFraction: number): MemoryFlatness | null {
  const samples = runs.find((r) => r.hubMemory)?.hubMemory?.samples ?? [];
  if (samples.length < 10) return null;
  const lastT = samples[samples.length - 1]!.tMs;
  const after = samples.filter((s) => s.tMs >= lastT * warmupFraction);
  const baseWindow = after.filter((s) => s.tMs <= lastT * (warmupFraction + MEMORY_LEVEL_FRACTION));
  const endWindow = after.filter((s) => s.tMs >= lastT * (1 - MEMORY_LEVEL_FRACTION));
  if (baseWindow.length === 0 || endWindow.length === 0) return null;
  const base = spread(baseWindow.map((s) => s.rssBytes)).median;
  const end = spread(endWindow.map((s) => s.rssBytes)).median;
  const maxRss = Math.max(...after.map((s) => s.rssBytes));
  return {
    warmupFraction,
    baseRssBytes: Math.round(base),
    maxRssBytes: maxRss,
    endRssBytes: Math.round(end),
    growth: round3((maxRss - base) / base),
    endGrowth: round3((end - base) / base),
    baseHeapUsedBytes: Math.round(spread(baseWindow.map((s) => s.heapUsedBytes)).median),
    maxHeapUsedBytes: Math.max(...after.map((s) => s.heapUsedBytes)),
  };
}

/** CPU microseconds per answered request by role, in the round with the median throughput. */
function cpuPerRequest(runs: readonly RunResult[]): Record<string, number> {
  const sorted = [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec);
  const median = sorted[sorted.length >> 1];
  const out: Record<string, number> = {};
  if (!median || median.ok === 0) return out;
  for (const c of median.cpu) out[c.role] = round3((out[c.role] ?? 0) + ((c.userMs + c.systemMs) * 1000) / median.ok);
  return out;
}

/** Medians, ratios and pass/fail lines from the runs. */
export function summarizeScenario(spec: ScenarioSpec, runs: readonly RunResult[]): ScenarioResult {
  const arms = spec.arms.map((arm) => summarizeArm(arm, runs.filter((r) => r.arm === arm.name)));
  const ratios: Ratio[] = [];
  for (const subject of spec.arms.filter((a) => !a.baseline)) {
    const s = arms.find((a) => a.arm === subject.name)!;
    for (const baseline of spec.arms.filter((a) => a.baseline)) {
      const b = arms.find((a) => a.arm === baseline.name)!;
      for (const metric of ["reqPerSec", "totalMBps", "p50Ms", "p99Ms"] as const) {
        ratios.push({ metric, arm: subject.name, baseline: baseline.name, value: ratio(s[metric].median, b[metric].median) });
      }
    }
  }
  const subjectArm = spec.arms.find((a) => !a.baseline) ?? spec.arms[0]!;
  const subject = arms.find((a) => a.arm === subjectArm.name)!;
  const memory = spec.memoryWarmupFraction === null ? null : memoryFlatness(runs.filter((r) => r.arm === subjectArm.name), spec.memoryWarmupFraction);
  const payload = {
    ...spec.payload,
    label: describePayload(spec.payload),
    requestBytes: buildRequestBody(spec.payload).reduce((sum, f) => sum + f.length, 0),
  };
  const load = { ...spec.load };
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    payload,
    topology: { workers: spec.workers, capacity: spec.capacity, clients: spec.clients },
    load,
    arms,
    runs: [...runs],
    ratios,
    expectations: evaluate(spec.checks, { payload, load, arms, ratios, memory }, subject),
    memory,
  };
}
