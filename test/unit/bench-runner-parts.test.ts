/**
 * The bench runner's pure parts: option parsing, load splitting, medians, memory thinning, histogram
 * summaries and the pass/fail rules. The runner end to end is test/integration/bench-runner.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BenchErrorCode } from "../../bench/errors.js";
import { Check, evaluate } from "../../bench/expectations.js";
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs, summarizeLatency } from "../../bench/histogram.js";
import { parseDuration, parseWhole } from "../../bench/options.js";
import { buildRequestBody, matrixSide } from "../../bench/payload.js";
import type { ArmSummary } from "../../bench/results.js";
import { share } from "../../bench/run.js";
import { thin } from "../../bench/sampler.js";
import { spread } from "../../bench/stats.js";

function armWith(p99Ms: number, reqPerSec: number, errorCount = 0): ArmSummary {
  const s = (n: number) => ({ median: n, min: n, max: n });
  const latency = { count: 10, meanMs: 1, p50Ms: 1, p90Ms: 1, p99Ms, p999Ms: p99Ms, maxMs: p99Ms };
  return {
    arm: "domo",
    variant: "domo",
    extraWorkers: 0,
    rounds: 3,
    reqPerSec: s(reqPerSec),
    totalMBps: s(1),
    p50Ms: s(1),
    p90Ms: s(1),
    p99Ms: s(p99Ms),
    p999Ms: s(p99Ms),
    maxMs: s(p99Ms),
    latency,
    distribution: [],
    errorCount,
    timeouts: 0,
    errors: {},
    cpuUsPerRequest: {},
    hubCpuMsPer1kRequests: null,
    hubRssMaxBytes: null,
    hubHeapUsedMaxBytes: null,
  };
}

describe("bench runner parts", () => {
  it("parses durations and whole numbers, naming the flag on bad input", () => {
    assert.equal(parseDuration("--duration", "5"), 5000);
    assert.equal(parseDuration("--duration", "500ms"), 500);
    assert.equal(parseDuration("--duration", "1.5s"), 1500);
    assert.equal(parseDuration("--duration", "2m"), 120_000);
    assert.equal(parseWhole("--requests", "1_000_000"), 1_000_000);
    for (const bad of ["", "5h", "-1", "0"]) {
      assert.throws(() => parseDuration("--duration", bad), (err: { code?: string; option?: string }) => err.code === BenchErrorCode.INVALID_ARGUMENT && err.option === "--duration");
    }
    assert.throws(() => parseWhole("--workers", "0"), { code: BenchErrorCode.INVALID_ARGUMENT });
    assert.throws(() => parseWhole("--workers", "2.5"), { code: BenchErrorCode.INVALID_ARGUMENT });
  });

  it("splits load across clients without losing any", () => {
    for (const [total, parts] of [[7, 3], [64, 2], [1, 1], [3, 4]] as const) {
      const shares = Array.from({ length: parts }, (_, i) => share(total, parts, i));
      assert.equal(shares.reduce((a, b) => a + b, 0), total);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
    }
  });

  it("takes medians with min and max", () => {
    assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(spread([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
    assert.deepEqual(spread([]), { median: 0, min: 0, max: 0 });
  });

  it("thins long memory series, keeping peaks and the last sample", () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ tMs: i, rssBytes: i === 500 ? 999_999 : 1000 + (i % 7), heapUsedBytes: 1 }));
    const thinned = thin(points, 100);
    assert.ok(thinned.length <= 100);
    assert.ok(thinned.some((p) => p.rssBytes === 999_999));
    assert.equal(thinned[thinned.length - 1], points[points.length - 1]);
    assert.equal(thin(points.slice(0, 10), 100).length, 10);
  });

  it("summarises histograms with ordered percentiles, also after a round trip through the encoding", () => {
    const h = createLatencyHistogram();
    for (let i = 1; i <= 10_000; i++) recordLatencyUs(h, i * 3.7);
    const again = decodeHistogram(encodeHistogram(h));
    for (const s of [summarizeLatency(h), summarizeLatency(again)]) {
      assert.equal(s.count, 10_000);
      const ordered = [s.p50Ms, s.p90Ms, s.p99Ms, s.p999Ms, s.maxMs];
      assert.deepEqual([...ordered].sort((a, b) => a - b), ordered);
      assert.ok(Math.abs(s.p50Ms - 18.5) < 0.1, String(s.p50Ms));
    }
  });

  it("builds matrix requests of the asked size in both forms", () => {
    assert.equal(matrixSide(1000), 32);
    assert.equal(matrixSide(100_000), 316);
    const binary = buildRequestBody({ workload: "matrix", size: 10_000, op: "multiply", encoding: "binary" });
    assert.equal(binary.length, 3);
    assert.equal(binary[1]!.length, 100 * 100 * 8);
    const json = JSON.parse(buildRequestBody({ workload: "matrix", size: 1000, op: "solve", encoding: "json" })[0]!.toString()) as { a: number[][]; b: number[][] };
    assert.equal(json.a.length, 32);
    assert.deepEqual([json.b.length, json.b[0]!.length], [32, 1]);
    assert.equal(buildRequestBody({ workload: "echo", size: 100, op: "add", encoding: "binary" })[0]!.length, 100);
  });

  it("prints the floor for every encoding and the target for binary only", () => {
    const load = { mode: "closed" as const, concurrency: 4, ratePerSec: 0, warmupMs: 0, durationMs: 1, maxRequests: null, timeoutMs: 1 };
    const base = { load, arms: [], ratios: [], memory: null };
    const payload = (encoding: "json" | "binary") => ({ workload: "matrix" as const, size: 10_000, op: "add", encoding, label: "", requestBytes: 1 });
    const json = evaluate([Check.MATRIX_P99, Check.THROUGHPUT_FLOOR], { ...base, payload: payload("json") }, armWith(30, 150));
    assert.deepEqual(json.map((e) => [e.id, e.pass]), [["p99-floor", true], ["throughput-floor", true]]);
    const binary = evaluate([Check.MATRIX_P99, Check.THROUGHPUT_FLOOR], { ...base, payload: payload("binary") }, armWith(30, 90));
    assert.deepEqual(binary.map((e) => [e.id, e.pass]), [["p99-floor", true], ["p99-target", false], ["throughput-floor", false]]);
  });
});
