/**
 * `domo bench`: the benchmark runner (bench/, docs/benchmarks.md). Starts a broker, workers and load
 * clients as separate processes on loopback, with the forwarder and direct baselines interleaved.
 */
import { Option, type Command } from "commander";
import {
  BENCH_DEFAULTS,
  BenchArgumentError,
  defaultResultsPath,
  Encoding,
  parseDuration,
  parseOp,
  parsePositive,
  parseWhole,
  runBench,
  validateOptions,
  Workload,
  type BenchOptions,
} from "../../bench/index.js";
import { MATRIX_OPS } from "../../workers/matrix/request.js";
import { ExitCode } from "../exit-codes.js";

interface BenchFlags {
  workload: Workload;
  duration?: string;
  warmup?: string;
  requests?: string;
  payloadSize?: string;
  op?: string;
  encoding: Encoding;
  concurrency?: string;
  rate?: string;
  workers?: string;
  capacity?: string;
  clients?: string;
  rounds?: string;
  baselines: boolean;
  timeout?: string;
  fullSuite?: boolean;
  scenarios?: string;
  soakRequests?: string;
  scaleWorkers?: string;
  saveResults?: string | boolean;
  compare?: string;
  profileBroker?: string | boolean;
  brokerMetrics: boolean;
  progress: boolean;
}

/** Default folder of --profile-broker without a value. */
const DEFAULT_PROFILE_DIR = "bench/results/profiles";

/** Turn the command line into validated options (throws BenchArgumentError naming the flag). */
export function benchOptionsFromFlags(flags: BenchFlags): BenchOptions {
  const d = BENCH_DEFAULTS;
  const whole = (option: string, value: string | undefined, fallback: number, min = 1): number =>
    value === undefined ? fallback : parseWhole(option, value, min);
  const requests = flags.requests === undefined ? null : parseWhole("--requests", flags.requests);
  const durationMs =
    flags.duration !== undefined ? parseDuration("--duration", flags.duration) : requests !== null && !flags.fullSuite ? 3_600_000 : d.durationMs;
  return validateOptions({
    workload: flags.workload,
    payloadSize: whole("--payload-size", flags.payloadSize, flags.workload === Workload.ECHO ? d.echoPayloadBytes : d.matrixElements),
    op: flags.op === undefined ? d.op : parseOp(flags.op),
    encoding: flags.encoding,
    durationMs,
    warmupMs: flags.warmup === undefined ? d.warmupMs : flags.warmup === "0" ? 0 : parseDuration("--warmup", flags.warmup),
    requests,
    concurrency: whole("--concurrency", flags.concurrency, d.concurrency),
    ratePerSec: flags.rate === undefined ? null : parsePositive("--rate", flags.rate),
    workers: whole("--workers", flags.workers, d.workers),
    capacity: whole("--capacity", flags.capacity, d.capacity),
    clients: whole("--clients", flags.clients, d.clients),
    rounds: whole("--rounds", flags.rounds, d.rounds),
    baselines: flags.baselines,
    timeoutMs: whole("--timeout", flags.timeout, d.timeoutMs),
    fullSuite: flags.fullSuite === true,
    scenarios: flags.scenarios === undefined ? null : flags.scenarios.split(",").map((s) => s.trim()).filter(Boolean),
    soakRequests: whole("--soak-requests", flags.soakRequests, d.soakRequests),
    scaleWorkers: whole("--scale-workers", flags.scaleWorkers, d.scaleWorkers),
    savePath: flags.saveResults === undefined || flags.saveResults === false ? null : flags.saveResults === true ? defaultResultsPath() : flags.saveResults,
    comparePath: flags.compare ?? null,
    profileBrokerDir: flags.profileBroker === undefined || flags.profileBroker === false ? null : flags.profileBroker === true ? DEFAULT_PROFILE_DIR : flags.profileBroker,
    brokerMetrics: flags.brokerMetrics,
    progress: flags.progress,
  });
}

/** Register `domo bench`. */
export function registerBenchCommand(program: Command): void {
  const d = BENCH_DEFAULTS;
  program
    .command("bench")
    .description("benchmark the broker with separate worker and client processes, next to zeromq.js baselines (docs/benchmarks.md)")
    .addOption(new Option("--workload <kind>", "what the workers do").choices(Object.values(Workload)).default(d.workload))
    .option("--duration <time>", `measured window of each run: 5, 5s, 500ms, 2m (default ${d.durationMs / 1000}s)`)
    .option("--warmup <time>", `unmeasured requests before each window (default ${d.warmupMs / 1000}s)`)
    .option("--requests <n>", "measured requests per run (ends it early; alone, the run lasts until they are done)")
    .option("--payload-size <n>", `matrix: elements per operand, e.g. 1000, 10000, 100000 (default ${d.matrixElements}); echo: body bytes (default ${d.echoPayloadBytes})`)
    .addOption(new Option("--op <op>", `matrix operation (default ${d.op})`).choices(Object.keys(MATRIX_OPS)))
    .addOption(new Option("--encoding <form>", "matrix wire form").choices(Object.values(Encoding)).default(d.encoding))
    .option("--concurrency <n>", `closed loop: requests in flight over all clients (default ${d.concurrency})`)
    .option("--rate <req/s>", "open loop instead: requests started per second over all clients (latency from the scheduled start)")
    .option("--workers <n>", `worker processes (default ${d.workers})`)
    .option("--capacity <n>", `requests each worker process serves at once (default ${d.capacity})`)
    .option("--clients <n>", `load client processes (default ${d.clients})`)
    .option("--rounds <n>", `interleaved rounds of domo and each baseline (default ${d.rounds})`)
    .option("--no-baselines", "measure domo only (no forwarder or direct runs)")
    .option("--timeout <ms>", `a request unanswered after this long counts as a timeout (default ${d.timeoutMs})`)
    .option("--full-suite", "run every scenario of docs/benchmarks.md (ignores the load flags except --duration, --warmup, --rounds, --op)")
    .option("--scenarios <ids>", "with --full-suite: only scenarios whose id starts with one of these (comma-separated)")
    .option("--soak-requests <n>", `full suite: requests of the RSS soak run (default ${d.soakRequests})`)
    .option("--scale-workers <n>", `full suite: extra workers of the scale run (default ${d.scaleWorkers})`)
    .option("--save-results [path]", "write every figure as JSON (default bench/results/bench-<time>.json) and an HTML report next to it")
    .option("--compare <results.json>", "print this run's figures as ratios to an earlier --save-results file")
    .option("--profile-broker [dir]", `write a CPU profile of each broker (node --cpu-prof) and summarise it (default ${DEFAULT_PROFILE_DIR})`)
    .option("--no-broker-metrics", "run the broker without its metrics listener")
    .option("--no-progress", "no progress bar (it only shows on a terminal anyway)")
    .action(async (flags: BenchFlags) => {
      let options: BenchOptions;
      try {
        options = benchOptionsFromFlags(flags);
      } catch (err) {
        if (!(err instanceof BenchArgumentError)) throw err;
        process.stderr.write(`domo bench: ${err.message}\n`);
        process.exitCode = ExitCode.USAGE;
        return;
      }
      await runBench(options);
      process.exitCode = ExitCode.OK;
    });
}
