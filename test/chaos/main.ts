/**
 * `npm run chaos`: the chaos scenario of test/chaos/chaos.test.ts with larger numbers, for the note.
 *
 *   npm run chaos                                   # 50,000 requests, 4 workers
 *   npm run chaos -- --requests 200000 --workers 6 --seed 7
 *   CHAOS_REQUESTS=10000 npm run chaos
 *
 * Prints progress, then the counts (and the report as JSON with --json). Exits 1 if any request was
 * lost, answered twice, answered with another's body, or failed without a typed broker error.
 */
import { parseArgs } from "node:util";
import { CI_CHAOS, formatReport, runChaos, type ChaosOptions } from "./scenario.js";

const { values } = parseArgs({
  options: {
    requests: { type: "string" },
    workers: { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" },
    "max-service-ms": { type: "string" },
    "max-attempts": { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(
    "usage: npm run chaos -- [--requests N] [--workers N] [--seed N] [--concurrency N] [--max-service-ms N] [--max-attempts N] [--json]\n" +
      "env: CHAOS_REQUESTS, CHAOS_WORKERS, CHAOS_SEED",
  );
  process.exit(0);
}

function whole(name: string, flag: string | undefined, env: string | undefined, fallback: number): number {
  const raw = flag ?? env;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`chaos: --${name} must be a whole number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const requests = whole("requests", values.requests, process.env.CHAOS_REQUESTS, 50_000);
const options: ChaosOptions = {
  ...CI_CHAOS,
  requests,
  workers: Math.max(2, whole("workers", values.workers, process.env.CHAOS_WORKERS, CI_CHAOS.workers)),
  seed: whole("seed", values.seed, process.env.CHAOS_SEED, CI_CHAOS.seed),
  concurrency: Math.max(1, whole("concurrency", values.concurrency, undefined, 1_000)),
  maxServiceMs: whole("max-service-ms", values["max-service-ms"], undefined, 4),
  maxFaults: Number.POSITIVE_INFINITY,
  maxAttempts: Math.max(1, whole("max-attempts", values["max-attempts"], undefined, CI_CHAOS.maxAttempts)),
  // Roughly 1 ms per request at the defaults, plus faults: leave ample room, it only bounds a stuck run.
  runTimeoutMs: Math.max(120_000, requests * 20),
  log: (line) => console.log(`[${new Date().toISOString()}] ${line}`),
};

console.log(`chaos: ${options.requests} requests, ${options.workers} workers, seed ${options.seed}`);
const report = await runChaos(options);
console.log(formatReport(report));
if (values.json) console.log(JSON.stringify(report));
const typed = Object.values(report.typedErrors).reduce((a, b) => a + b, 0);
const ok =
  report.lost === 0 &&
  report.answeredTwice === 0 &&
  report.settledTwice === 0 &&
  report.mismatched === 0 &&
  report.untyped === 0 &&
  report.replied + typed === report.requests;
console.log(ok ? "chaos: OK" : "chaos: FAILED");
process.exitCode = ok ? 0 : 1;
