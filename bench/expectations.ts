/**
 * The pass/fail lines of a scenario. Floors are the users' published expectations (1K matrix P99 <= 50
 * ms, 10K <= 200 ms, 100K <= 1000 ms, >= 100 req/s); targets are ours (issue 5: ten times better, echo
 * within 0.9x / 1.15x of the minimal forwarder, flat throughput with 1,000 workers, flat broker RSS).
 * The benchmark measures them; no test asserts them.
 * @packageDocumentation
 */
import { formatCount } from "./payload.js";
import type { ArmSummary, Expectation, MemoryFlatness, Ratio, ScenarioResult } from "./results.js";

/** Which lines a scenario prints. */
export const Check = {
  /** Matrix P99 against the floor (and the target for binary). */
  MATRIX_P99: "matrix-p99",
  /** >= 100 req/s (closed loop: achieved; open loop: the scheduled 100 req/s sustained). */
  THROUGHPUT_FLOOR: "throughput-floor",
  ECHO_THROUGHPUT_VS_FORWARDER: "echo-throughput-vs-forwarder",
  ECHO_P50_VS_FORWARDER: "echo-p50-vs-forwarder",
  SCALE_FLAT: "scale-flat",
  RSS_FLAT: "rss-flat",
  NO_ERRORS: "no-errors",
} as const;
/** One of the checks. */
export type Check = (typeof Check)[keyof typeof Check];

/** Users' P99 floors by matrix elements, ms. */
export const MATRIX_P99_FLOOR_MS: Readonly<Record<number, number>> = { 1000: 50, 10000: 200, 100000: 1000 };
/** Our P99 targets by matrix elements (binary encoding), ms. */
export const MATRIX_P99_TARGET_MS: Readonly<Record<number, number>> = { 1000: 5, 10000: 20, 100000: 100 };
/** Users' sustained throughput floor, req/s. */
export const THROUGHPUT_FLOOR_PER_SEC = 100;
/** Open loop: a run "sustains" its rate when it completes at least this share of it (window edges). */
const SUSTAINED_SHARE = 0.98;
/** Echo targets against the minimal forwarder. */
export const ECHO_THROUGHPUT_MIN_RATIO = 0.9;
export const ECHO_P50_MAX_RATIO = 1.15;
/** Scale and memory targets. */
export const SCALE_MIN_RATIO = 0.9;
export const RSS_MAX_GROWTH = 0.1;

/** What the checks look at. */
export type CheckInput = Pick<ScenarioResult, "payload" | "load" | "arms" | "ratios"> & { memory: MemoryFlatness | null };

function ratioOf(ratios: readonly Ratio[], metric: Ratio["metric"], arm: string, baseline: string): Ratio | undefined {
  return ratios.find((r) => r.metric === metric && r.arm === arm && r.baseline === baseline);
}

/** Evaluate `checks` on a scenario's figures; `subject` is the arm under test (domo). */
export function evaluate(checks: readonly Check[], input: CheckInput, subject: ArmSummary): Expectation[] {
  const out: Expectation[] = [];
  const line = (e: Expectation): void => void out.push(e);
  const size = input.payload.size;
  for (const check of checks) {
    switch (check) {
      case Check.MATRIX_P99: {
        const floor = MATRIX_P99_FLOOR_MS[size];
        const target = MATRIX_P99_TARGET_MS[size];
        const p99 = subject.p99Ms.median;
        const what = `${formatCount(size)} ${input.payload.encoding} P99`;
        if (floor !== undefined) line({ id: "p99-floor", kind: "floor", description: `${what} <= ${floor} ms`, pass: p99 <= floor, actual: p99, limit: floor, unit: "ms" });
        if (target !== undefined && input.payload.encoding === "binary") {
          line({ id: "p99-target", kind: "target", description: `${what} <= ${target} ms`, pass: p99 <= target, actual: p99, limit: target, unit: "ms" });
        }
        break;
      }
      case Check.THROUGHPUT_FLOOR: {
        const rate = subject.reqPerSec.median;
        if (input.load.mode === "open") {
          const limit = input.load.ratePerSec * SUSTAINED_SHARE;
          line({ id: "sustained", kind: "floor", description: `sustains ${input.load.ratePerSec} req/s`, pass: rate >= limit && subject.errorCount === 0, actual: rate, limit, unit: "req/s" });
        } else {
          line({ id: "throughput-floor", kind: "floor", description: `>= ${THROUGHPUT_FLOOR_PER_SEC} req/s`, pass: rate >= THROUGHPUT_FLOOR_PER_SEC, actual: rate, limit: THROUGHPUT_FLOOR_PER_SEC, unit: "req/s" });
        }
        break;
      }
      case Check.ECHO_THROUGHPUT_VS_FORWARDER: {
        const r = ratioOf(input.ratios, "reqPerSec", subject.arm, "forwarder");
        if (r) line({ id: "throughput-vs-forwarder", kind: "target", description: `throughput >= ${ECHO_THROUGHPUT_MIN_RATIO}x the forwarder`, pass: r.value >= ECHO_THROUGHPUT_MIN_RATIO, actual: r.value, limit: ECHO_THROUGHPUT_MIN_RATIO, unit: "x" });
        break;
      }
      case Check.ECHO_P50_VS_FORWARDER: {
        const r = ratioOf(input.ratios, "p50Ms", subject.arm, "forwarder");
        if (r) line({ id: "p50-vs-forwarder", kind: "target", description: `p50 <= ${ECHO_P50_MAX_RATIO}x the forwarder`, pass: r.value <= ECHO_P50_MAX_RATIO, actual: r.value, limit: ECHO_P50_MAX_RATIO, unit: "x" });
        break;
      }
      case Check.SCALE_FLAT: {
        const r = input.ratios.find((x) => x.metric === "reqPerSec" && x.arm === subject.arm);
        if (r) line({ id: "scale-flat", kind: "target", description: `throughput with ${r.arm} >= ${SCALE_MIN_RATIO}x ${r.baseline}`, pass: r.value >= SCALE_MIN_RATIO, actual: r.value, limit: SCALE_MIN_RATIO, unit: "x" });
        break;
      }
      case Check.RSS_FLAT: {
        const m = input.memory;
        if (m) line({ id: "rss-flat", kind: "target", description: `broker RSS grows <= ${RSS_MAX_GROWTH * 100}% after warm-up`, pass: m.growth <= RSS_MAX_GROWTH, actual: m.growth, limit: RSS_MAX_GROWTH, unit: "fraction" });
        break;
      }
      case Check.NO_ERRORS:
        line({ id: "no-errors", kind: "check", description: "no errors or timeouts", pass: subject.errorCount === 0, actual: subject.errorCount, limit: 0, unit: "requests" });
        break;
    }
  }
  return out;
}
