/**
 * The scenarios: the full suite of issue 5 (echo latency and throughput, matrix 1K/10K/100K in JSON and
 * binary, open-loop 100 req/s, the worker sweep, the 1,000-worker scale run, the RSS soak), and the
 * single scenario a plain `domo bench` runs from its flags.
 * @packageDocumentation
 */
import { Check } from "./expectations.js";
import { LoadMode } from "./ipc.js";
import type { BenchOptions } from "./options.js";
import { UNBOUNDED_DURATION_MS } from "./options.js";
import { describePayload, Encoding, formatCount, Workload, type PayloadSpec } from "./payload.js";
import type { LoadSettings } from "./run.js";
import type { ArmSpec, ScenarioSpec } from "./scenario.js";
import { Variant } from "./topology.js";

/** Echo body of the suite's echo scenarios. */
const ECHO_BYTES = 100;
/** Requests in flight in the pipelined echo runs, and the echo worker's capacity to match. */
const ECHO_PIPELINE = 64;
/** Fixed concurrency of the matrix runs: two in flight per worker. */
const MATRIX_CONCURRENCY = 4;
const MATRIX_WORKERS = 2;
const MATRIX_SIZES = [1_000, 10_000, 100_000] as const;
/** The open-loop rate of the latency-at-rate runs: the users' throughput floor. */
const OPEN_LOOP_RATE = 100;
const SWEEP_WORKERS = [1, 2, 4, 8] as const;
const SWEEP_CONCURRENCY = 16;
/**
 * Share of the soak run treated as warm-up before RSS must stay flat. V8 is still sizing its heap
 * (and libzmq its buffers) for the first ~20 s at ~10k req/s: RSS climbs, then levels off.
 */
const SOAK_WARMUP_FRACTION = 0.2;

const DOMO: ArmSpec = { name: "domo", variant: Variant.DOMO, baseline: false, extraWorkers: 0 };
const MDP_RAW: ArmSpec = { name: "mdp-raw", variant: Variant.MDP_RAW, baseline: false, extraWorkers: 0 };
const FORWARDER: ArmSpec = { name: "forwarder", variant: Variant.FORWARDER, baseline: true, extraWorkers: 0 };
const DIRECT: ArmSpec = { name: "direct", variant: Variant.DIRECT, baseline: true, extraWorkers: 0 };

function closed(o: BenchOptions, concurrency: number): LoadSettings {
  return { mode: LoadMode.CLOSED, concurrency, ratePerSec: 0, warmupMs: o.warmupMs, durationMs: o.durationMs, maxRequests: o.requests, timeoutMs: o.timeoutMs };
}

function base(o: BenchOptions): Pick<ScenarioSpec, "rounds" | "brokerMetrics" | "brokerProfileDir" | "memoryWarmupFraction"> {
  return { rounds: o.rounds, brokerMetrics: o.brokerMetrics, brokerProfileDir: o.profileBrokerDir, memoryWarmupFraction: null };
}

/** Every scenario of `--full-suite`, filtered by `--scenarios`. */
export function fullSuite(o: BenchOptions): ScenarioSpec[] {
  const echo: PayloadSpec = { workload: Workload.ECHO, size: ECHO_BYTES, op: o.op, encoding: Encoding.BINARY };
  const all: ScenarioSpec[] = [
    {
      ...base(o),
      id: "echo-latency",
      title: "Echo 100 B, sequential latency",
      description: "One request at a time from one client to one echo worker: the round-trip cost of each path.",
      payload: echo,
      workers: 1,
      capacity: 1,
      clients: 1,
      load: closed(o, 1),
      arms: [DOMO, MDP_RAW, FORWARDER, DIRECT],
      checks: [Check.ECHO_P50_VS_FORWARDER, Check.NO_ERRORS],
    },
    {
      ...base(o),
      id: "echo-throughput",
      title: `Echo 100 B, pipelined throughput (${ECHO_PIPELINE} in flight)`,
      description: `${ECHO_PIPELINE} requests in flight from 2 clients to one echo worker process (capacity ${ECHO_PIPELINE}: MDP gives a worker connection one request at a time).`,
      payload: echo,
      workers: 1,
      capacity: ECHO_PIPELINE,
      clients: 2,
      load: closed(o, ECHO_PIPELINE),
      arms: [DOMO, MDP_RAW, FORWARDER, DIRECT],
      checks: [Check.ECHO_THROUGHPUT_VS_FORWARDER, Check.NO_ERRORS],
    },
  ];
  for (const size of MATRIX_SIZES) {
    for (const encoding of [Encoding.JSON, Encoding.BINARY]) {
      const payload: PayloadSpec = { workload: Workload.MATRIX, size, op: o.op, encoding };
      all.push({
        ...base(o),
        id: `matrix-${formatCount(size).toLowerCase()}-${encoding}`,
        title: `Matrix ${o.op} ${formatCount(size)} ${encoding}, concurrency ${MATRIX_CONCURRENCY}`,
        description: `${describePayload(payload)}: ${MATRIX_CONCURRENCY} requests in flight from 2 clients to ${MATRIX_WORKERS} matrix workers.`,
        payload,
        workers: MATRIX_WORKERS,
        capacity: 1,
        clients: 2,
        load: closed(o, MATRIX_CONCURRENCY),
        arms: [DOMO, FORWARDER, DIRECT],
        checks: [Check.MATRIX_P99, Check.THROUGHPUT_FLOOR, Check.NO_ERRORS],
      });
    }
  }
  for (const size of MATRIX_SIZES) {
    const payload: PayloadSpec = { workload: Workload.MATRIX, size, op: o.op, encoding: Encoding.BINARY };
    all.push({
      ...base(o),
      id: `open-${formatCount(size).toLowerCase()}-binary-${OPEN_LOOP_RATE}rps`,
      title: `Matrix ${o.op} ${formatCount(size)} binary, open loop at ${OPEN_LOOP_RATE} req/s`,
      description: `${describePayload(payload)} scheduled at ${OPEN_LOOP_RATE} req/s whatever the answers do; latency counts from the scheduled start (no coordinated omission).`,
      payload,
      workers: MATRIX_WORKERS,
      capacity: 1,
      clients: 2,
      load: { ...closed(o, 0), mode: LoadMode.OPEN, ratePerSec: OPEN_LOOP_RATE },
      arms: [DOMO, DIRECT],
      checks: [Check.MATRIX_P99, Check.THROUGHPUT_FLOOR, Check.NO_ERRORS],
    });
  }
  for (const workers of SWEEP_WORKERS) {
    const payload: PayloadSpec = { workload: Workload.MATRIX, size: 10_000, op: "multiply", encoding: Encoding.BINARY };
    all.push({
      ...base(o),
      id: `sweep-w${workers}`,
      title: `Worker sweep: ${workers} worker${workers === 1 ? "" : "s"}, matrix multiply 10K binary`,
      description: `${SWEEP_CONCURRENCY} requests in flight; multiply (not add) so that the workers' compute, which more workers share out, dominates.`,
      payload,
      workers,
      capacity: 1,
      clients: 2,
      load: closed(o, SWEEP_CONCURRENCY),
      arms: [DOMO, FORWARDER],
      checks: [Check.NO_ERRORS],
    });
  }
  all.push({
    ...base(o),
    id: "scale-1000",
    title: `Scale: ${o.scaleWorkers} extra workers and services registered`,
    description: `Pipelined echo (as echo-throughput) with only the echo worker, and with ${o.scaleWorkers} more raw MDP workers, each its own service, registered and heartbeating during the run.`,
    payload: echo,
    workers: 1,
    capacity: ECHO_PIPELINE,
    clients: 2,
    load: closed(o, ECHO_PIPELINE),
    arms: [
      { name: "1 worker", variant: Variant.DOMO, baseline: true, extraWorkers: 0 },
      { name: `+${o.scaleWorkers} workers`, variant: Variant.DOMO, baseline: false, extraWorkers: o.scaleWorkers },
    ],
    checks: [Check.SCALE_FLAT, Check.NO_ERRORS],
  });
  all.push({
    ...base(o),
    id: "soak-rss",
    title: `RSS soak: ${formatCount(o.soakRequests)} pipelined echo requests`,
    description: `Broker RSS sampled through a ${formatCount(o.soakRequests)}-request run; after the first ${SOAK_WARMUP_FRACTION * 100}% it must stay within 10%.`,
    payload: echo,
    workers: 1,
    capacity: ECHO_PIPELINE,
    clients: 2,
    load: { ...closed(o, ECHO_PIPELINE), durationMs: UNBOUNDED_DURATION_MS, maxRequests: o.soakRequests },
    arms: [DOMO],
    rounds: 1,
    memoryWarmupFraction: SOAK_WARMUP_FRACTION,
    checks: [Check.RSS_FLAT, Check.NO_ERRORS],
  });
  if (o.scenarios === null) return all;
  const wanted = o.scenarios;
  return all.filter((s) => wanted.some((prefix) => s.id.startsWith(prefix)));
}

/** The one scenario of a plain `domo bench`, from its flags. */
export function singleScenario(o: BenchOptions): ScenarioSpec {
  const payload: PayloadSpec = { workload: o.workload, size: o.payloadSize, op: o.op, encoding: o.encoding };
  const open = o.ratePerSec !== null;
  const load: LoadSettings = {
    mode: open ? LoadMode.OPEN : LoadMode.CLOSED,
    concurrency: open ? 0 : o.concurrency,
    ratePerSec: o.ratePerSec ?? 0,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    maxRequests: o.requests,
    timeoutMs: o.timeoutMs,
  };
  const matrix = o.workload === Workload.MATRIX;
  const checks: Check[] = matrix ? [Check.MATRIX_P99, Check.THROUGHPUT_FLOOR, Check.NO_ERRORS] : [Check.NO_ERRORS];
  if (!matrix && o.baselines) checks.unshift(Check.ECHO_P50_VS_FORWARDER, Check.ECHO_THROUGHPUT_VS_FORWARDER);
  return {
    id: "bench",
    title: `${describePayload(payload)}, ${open ? `open loop at ${o.ratePerSec} req/s` : `concurrency ${o.concurrency}`}`,
    description: `${o.workers} worker process(es) x capacity ${o.capacity}, ${o.clients} client process(es).`,
    payload,
    workers: o.workers,
    capacity: o.capacity,
    clients: o.clients,
    load,
    arms: !o.baselines ? [DOMO] : matrix ? [DOMO, FORWARDER, DIRECT] : [DOMO, MDP_RAW, FORWARDER, DIRECT],
    rounds: o.rounds,
    brokerMetrics: o.brokerMetrics,
    brokerProfileDir: o.profileBrokerDir,
    checks,
    memoryWarmupFraction: null,
  };
}
