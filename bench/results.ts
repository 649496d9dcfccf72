/**
 * The results file `--save-results` writes and `--compare` reads: its schema (zod), so a saved file is
 * checked field by field when read back, and the TypeScript types derived from it.
 * @packageDocumentation
 */
import { z } from "zod";

/** Format tag of the results file; bumped on incompatible changes. */
export const RESULTS_SCHEMA = "domo-bench/1";

const num = z.number().finite();
const variantSchema = z.enum(["domo", "mdp-raw", "forwarder", "direct"]);
const count = z.number().int().nonnegative();

const latencySchema = z.object({ count, meanMs: num, p50Ms: num, p90Ms: num, p99Ms: num, p999Ms: num, maxMs: num });
const distributionSchema = z.array(z.object({ percentile: num, ms: num }));
/** Median with the spread over the rounds. */
const spreadSchema = z.object({ median: num, min: num, max: num });

/** CPU one process used in a run's measured window. */
export const processCpuSchema = z.object({
  label: z.string(),
  role: z.enum(["broker", "forwarder", "worker", "client", "scale-workers"]),
  pid: count,
  userMs: num,
  systemMs: num,
  /** (user + system) / window: 100 = one core busy all the time. */
  cpuPercent: num,
});

const memoryPointSchema = z.object({ tMs: num, rssBytes: count, heapUsedBytes: count });

/** Memory of the broker (or forwarder) over a run. */
export const hubMemorySchema = z.object({
  process: z.string(),
  samples: z.array(memoryPointSchema),
  rssStartBytes: count,
  rssEndBytes: count,
  rssMaxBytes: count,
  heapUsedMaxBytes: count,
});

/** One measured run of one arm in one round. */
export const runSchema = z.object({
  arm: z.string(),
  variant: variantSchema,
  round: count,
  windowMs: num,
  completed: count,
  ok: count,
  errors: z.record(count),
  errorCount: count,
  timeouts: count,
  reqPerSec: num,
  requestMBps: num,
  replyMBps: num,
  totalMBps: num,
  latency: latencySchema,
  distribution: distributionSchema,
  /** Every latency of the run (HDR, microseconds, compressed base64): re-analysable later. */
  histogram: z.string(),
  lateStarts: count,
  cpu: z.array(processCpuSchema),
  hubMemory: hubMemorySchema.nullable(),
});

/** An arm over all its rounds. */
export const armSummarySchema = z.object({
  arm: z.string(),
  variant: variantSchema,
  extraWorkers: count,
  rounds: count,
  reqPerSec: spreadSchema,
  totalMBps: spreadSchema,
  p50Ms: spreadSchema,
  p90Ms: spreadSchema,
  p99Ms: spreadSchema,
  p999Ms: spreadSchema,
  maxMs: spreadSchema,
  /** All rounds' latencies together. */
  latency: latencySchema,
  distribution: distributionSchema,
  errorCount: count,
  timeouts: count,
  errors: z.record(count),
  /** CPU time per answered request by process role (all processes of a role summed), median round. */
  cpuUsPerRequest: z.record(num),
  /** Hub (broker/forwarder) CPU per 1,000 requests, median over rounds; null without a hub. */
  hubCpuMsPer1kRequests: num.nullable(),
  hubRssMaxBytes: spreadSchema.nullable(),
  hubHeapUsedMaxBytes: spreadSchema.nullable(),
});

/** A domo figure over the same figure of a baseline (medians). */
export const ratioSchema = z.object({
  metric: z.enum(["reqPerSec", "totalMBps", "p50Ms", "p99Ms"]),
  arm: z.string(),
  baseline: z.string(),
  value: num,
});

/** A pass/fail line. */
export const expectationSchema = z.object({
  id: z.string(),
  /** `floor`: the users' published expectation. `target`: ours. `check`: the run itself (no errors). */
  kind: z.enum(["floor", "target", "check"]),
  description: z.string(),
  pass: z.boolean(),
  actual: num,
  limit: num,
  unit: z.string(),
});

/** RSS of the broker over a long run. */
export const memoryFlatnessSchema = z.object({
  warmupFraction: num,
  /** Median RSS over the tenth of the run right after the warm-up. */
  baseRssBytes: count,
  maxRssBytes: count,
  /** Median RSS over the last tenth of the run. */
  endRssBytes: count,
  /** (max - base) / base after warm-up: what the target bounds. */
  growth: num,
  /** (end - base) / base: the trend, without the peaks of a GC cycle. */
  endGrowth: num,
  baseHeapUsedBytes: count,
  maxHeapUsedBytes: count,
});

/** One scenario. */
export const scenarioSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  payload: z.object({
    workload: z.enum(["echo", "matrix"]),
    size: count,
    op: z.string(),
    encoding: z.enum(["json", "binary"]),
    label: z.string(),
    requestBytes: count,
  }),
  topology: z.object({ workers: count, capacity: count, clients: count }),
  load: z.object({
    mode: z.enum(["closed", "open"]),
    concurrency: count,
    ratePerSec: num,
    warmupMs: num,
    durationMs: num,
    maxRequests: count.nullable(),
    timeoutMs: num,
  }),
  arms: z.array(armSummarySchema),
  runs: z.array(runSchema),
  ratios: z.array(ratioSchema),
  expectations: z.array(expectationSchema),
  memory: memoryFlatnessSchema.nullable(),
});

/** The whole file. */
export const resultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: num,
  command: z.array(z.string()),
  options: z.record(z.unknown()),
  machine: z.object({
    platform: z.string(),
    release: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpus: count,
    cpuSpeedMHz: count,
    totalMemoryBytes: count,
    loadAverageStart: z.array(num),
    loadAverageEnd: z.array(num),
  }),
  versions: z.object({
    domo: z.string(),
    node: z.string(),
    v8: z.string(),
    zeromqJs: z.string(),
    libzmq: z.string(),
    hdrHistogramJs: z.string(),
  }),
  scenarios: z.array(scenarioSchema),
});

export type ProcessCpu = z.infer<typeof processCpuSchema>;
export type HubMemory = z.infer<typeof hubMemorySchema>;
export type RunResult = z.infer<typeof runSchema>;
export type ArmSummary = z.infer<typeof armSummarySchema>;
export type Ratio = z.infer<typeof ratioSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
export type MemoryFlatness = z.infer<typeof memoryFlatnessSchema>;
export type ScenarioResult = z.infer<typeof scenarioSchema>;
export type BenchResults = z.infer<typeof resultsSchema>;
export type MachineInfo = BenchResults["machine"];
export type Versions = BenchResults["versions"];
