/**
 * The console report of a scenario: a table per arm (req/s, MB/s, percentiles, errors, hub CPU and
 * RSS), the ratios to the baselines, CPU per process, and the pass/fail lines.
 * @packageDocumentation
 */
import type { Expectation, RunResult, ScenarioResult } from "../results.js";
import { int, mb, ms, pad, spreadText, times } from "./format.js";

function loadText(s: ScenarioResult): string {
  const l = s.load;
  const window = l.maxRequests !== null ? `${int(l.maxRequests)} requests` : `${l.durationMs / 1000} s`;
  const mode = l.mode === "open" ? `open loop ${l.ratePerSec} req/s` : `closed loop, concurrency ${l.concurrency}`;
  const t = s.topology;
  return `${mode}; ${t.workers} worker(s) x${t.capacity}, ${t.clients} client(s); ${window} per run after ${l.warmupMs / 1000} s warm-up`;
}

/** One pass/fail line. */
export function expectationLine(e: Expectation): string {
  const actual = e.unit === "ms" ? `${ms(e.actual)} ms` : e.unit === "x" ? `${e.actual.toFixed(3)}x` : e.unit === "fraction" ? `${(e.actual * 100).toFixed(1)}%` : `${int(e.actual)} ${e.unit}`;
  return `${e.pass ? "PASS" : "FAIL"} [${e.kind}] ${e.description}: ${actual}`;
}

/** CPU of each process in the median-throughput round of an arm. */
function cpuLine(runs: readonly RunResult[]): string {
  const sorted = [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec);
  const median = sorted[sorted.length >> 1];
  if (!median) return "";
  return median.cpu.map((c) => `${c.label.split("/").pop()} ${int(c.cpuPercent)}%`).join(", ");
}

/** The report of one scenario, as lines. */
export function scenarioText(s: ScenarioResult): string[] {
  const lines: string[] = [];
  lines.push("", `== ${s.id}: ${s.title}`, `   ${loadText(s)}; ${s.arms[0]?.rounds ?? 0} round(s)`);
  const header = [pad("arm", 16), pad("req/s (min..max)", 26), pad("MB/s", 8, true), pad("p50", 8, true), pad("p90", 8, true), pad("p99", 8, true), pad("p99.9", 8, true), pad("max", 8, true), pad("errors", 7, true), pad("hub CPU/1k", 11, true), pad("hub RSS/heap", 16, true)];
  lines.push(`   ${header.join(" ")}   (latency in ms, medians over rounds)`);
  for (const arm of s.arms) {
    const row = [
      pad(arm.arm, 16),
      pad(spreadText(arm.reqPerSec, int), 26),
      pad(arm.totalMBps.median.toFixed(1), 8, true),
      pad(ms(arm.p50Ms.median), 8, true),
      pad(ms(arm.p90Ms.median), 8, true),
      pad(ms(arm.p99Ms.median), 8, true),
      pad(ms(arm.p999Ms.median), 8, true),
      pad(ms(arm.maxMs.median), 8, true),
      pad(int(arm.errorCount), 7, true),
      pad(arm.hubCpuMsPer1kRequests === null ? "-" : `${ms(arm.hubCpuMsPer1kRequests)} ms`, 11, true),
      pad(arm.hubRssMaxBytes === null ? "-" : `${mb(arm.hubRssMaxBytes.median).replace(" MB", "")}/${mb(arm.hubHeapUsedMaxBytes?.median ?? 0)}`, 16, true),
    ];
    lines.push(`   ${row.join(" ")}`);
  }
  for (const arm of s.arms) {
    if (arm.errorCount > 0) lines.push(`   ${arm.arm} errors: ${Object.entries(arm.errors).map(([type, n]) => `${type} ${int(n)}`).join(", ")}`);
  }
  const subjects = [...new Set(s.ratios.map((r) => `${r.arm}|${r.baseline}`))];
  for (const key of subjects) {
    const [arm, baseline] = key.split("|") as [string, string];
    const of = (metric: string): string => times(s.ratios.find((r) => r.arm === arm && r.baseline === baseline && r.metric === metric)?.value ?? 0);
    lines.push(`   ${arm} / ${baseline}: req/s ${of("reqPerSec")}, MB/s ${of("totalMBps")}, p50 ${of("p50Ms")}, p99 ${of("p99Ms")}`);
  }
  for (const arm of s.arms) {
    const line = cpuLine(s.runs.filter((r) => r.arm === arm.arm));
    if (line) lines.push(`   CPU ${arm.arm}: ${line}`);
  }
  for (const arm of s.arms) {
    const parts = Object.entries(arm.cpuUsPerRequest);
    if (parts.length === 0) continue;
    const total = parts.reduce((sum, [, us]) => sum + us, 0);
    lines.push(`   CPU per request ${arm.arm}: ${parts.map(([role, us]) => `${role} ${int(us)} us`).join(", ")} (total ${int(total)} us)`);
  }
  if (s.memory) {
    const m = s.memory;
    lines.push(
      `   broker RSS after the first ${m.warmupFraction * 100}%: ${mb(m.baseRssBytes)} -> max ${mb(m.maxRssBytes)} (+${(m.growth * 100).toFixed(1)}%), ` +
        `end ${mb(m.endRssBytes)} (${m.endGrowth >= 0 ? "+" : ""}${(m.endGrowth * 100).toFixed(1)}%); heap ${mb(m.baseHeapUsedBytes)} -> max ${mb(m.maxHeapUsedBytes)}`,
    );
  }
  for (const e of s.expectations) lines.push(`   ${expectationLine(e)}`);
  return lines;
}
