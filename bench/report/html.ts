/**
 * The self-contained HTML report written next to the results JSON: machine and versions, every
 * scenario's table and pass/fail lines, its latency distribution (one line per arm, percentiles on an
 * HDR-style axis), throughput against worker count, and the broker's memory over the soak run.
 * @packageDocumentation
 */
import type { BenchResults, ScenarioResult } from "../results.js";
import { int, mb, ms, spreadText, times } from "./format.js";
import { escapeXml, lineChart, type Series } from "./svg-chart.js";
import { expectationLine } from "./text.js";

/** x position of a percentile: -log10(1 - p), so 90, 99, 99.9 and 99.99 are evenly spaced. */
function percentileX(p: number): number {
  return Math.min(5, -Math.log10(Math.max(1e-5, 1 - p / 100)));
}

const PERCENTILE_TICKS = [
  [0, "0%"],
  [1, "90%"],
  [2, "99%"],
  [3, "99.9%"],
  [4, "99.99%"],
  [5, "max"],
] as const;

function distributionChart(s: ScenarioResult): string {
  const series: Series[] = s.arms.map((arm) => ({
    name: arm.arm,
    points: arm.distribution.map((d) => [d.percentile === 100 ? 5 : percentileX(d.percentile), d.ms] as const),
  }));
  return lineChart({ title: `${s.id}: latency distribution (all rounds)`, xLabel: "percentile", yLabel: "latency (ms, log)", series, xTicks: PERCENTILE_TICKS, yLog: true });
}

function table(s: ScenarioResult): string {
  const rows = s.arms
    .map(
      (a) =>
        `<tr><td>${escapeXml(a.arm)}</td><td>${spreadText(a.reqPerSec, int)}</td><td>${a.totalMBps.median.toFixed(1)}</td>` +
        `<td>${ms(a.p50Ms.median)}</td><td>${ms(a.p90Ms.median)}</td><td>${ms(a.p99Ms.median)}</td><td>${ms(a.p999Ms.median)}</td>` +
        `<td>${ms(a.maxMs.median)}</td><td>${int(a.errorCount)}</td>` +
        `<td>${escapeXml(Object.entries(a.cpuUsPerRequest).map(([role, us]) => `${role} ${int(us)}`).join(", "))}</td>` +
        `<td>${a.hubCpuMsPer1kRequests === null ? "-" : ms(a.hubCpuMsPer1kRequests)}</td><td>${a.hubRssMaxBytes === null ? "-" : mb(a.hubRssMaxBytes.median)}</td><td>${a.hubHeapUsedMaxBytes === null ? "-" : mb(a.hubHeapUsedMaxBytes.median)}</td></tr>`,
    )
    .join("");
  return (
    `<table><tr><th>arm</th><th>req/s (min..max)</th><th>MB/s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th>` +
    `<th>errors</th><th>CPU us / request</th><th>hub CPU ms / 1k req</th><th>hub RSS max</th><th>hub heap max</th></tr>${rows}</table>`
  );
}

const RATIO_COLUMNS = [
  ["reqPerSec", "req/s"],
  ["totalMBps", "MB/s"],
  ["p50Ms", "p50"],
  ["p99Ms", "p99"],
] as const;

function ratios(s: ScenarioResult): string {
  const pairs = [...new Set(s.ratios.map((r) => `${r.arm}\u0000${r.baseline}`))];
  if (pairs.length === 0) return "";
  const rows = pairs.map((pair) => {
    const [arm, baseline] = pair.split("\u0000") as [string, string];
    const cells = RATIO_COLUMNS.map(([metric]) => {
      const r = s.ratios.find((x) => x.arm === arm && x.baseline === baseline && x.metric === metric);
      return `<td>${r ? times(r.value) : "-"}</td>`;
    });
    return `<tr><td>${escapeXml(arm)} / ${escapeXml(baseline)}</td>${cells.join("")}</tr>`;
  });
  return `<table><tr><th>ratio (medians)</th>${RATIO_COLUMNS.map(([, label]) => `<th>${label}</th>`).join("")}</tr>${rows.join("")}</table>`;
}

function expectations(s: ScenarioResult): string {
  if (s.expectations.length === 0) return "";
  return `<ul>${s.expectations.map((e) => `<li class="${e.pass ? "pass" : "fail"}">${escapeXml(expectationLine(e))}</li>`).join("")}</ul>`;
}

function sweepChart(results: BenchResults): string {
  const sweep = results.scenarios.filter((s) => /^sweep-w\d+$/.test(s.id)).sort((a, b) => a.topology.workers - b.topology.workers);
  if (sweep.length === 0) return "";
  const names = [...new Set(sweep.flatMap((s) => s.arms.map((a) => a.arm)))];
  const series: Series[] = names.map((name) => ({
    name,
    points: sweep.flatMap((s) => {
      const arm = s.arms.find((a) => a.arm === name);
      return arm ? [[s.topology.workers, arm.reqPerSec.median] as const] : [];
    }),
  }));
  const ticks = sweep.map((s) => [s.topology.workers, String(s.topology.workers)] as const);
  return `<h2>Throughput vs workers</h2>${lineChart({ title: "throughput vs worker processes (median of rounds)", xLabel: "worker processes", yLabel: "req/s", series, xTicks: ticks })}`;
}

function memoryChart(s: ScenarioResult): string {
  const run = s.runs.find((r) => r.hubMemory && r.variant === "domo");
  if (!s.memory || !run?.hubMemory) return "";
  const samples = run.hubMemory.samples;
  const series: Series[] = [
    { name: "RSS", points: samples.map((p) => [p.tMs / 1000, p.rssBytes / 1e6] as const) },
    { name: "heap used", points: samples.map((p) => [p.tMs / 1000, p.heapUsedBytes / 1e6] as const) },
  ];
  return lineChart({ title: `${s.id}: broker memory over the run`, xLabel: "seconds", yLabel: "MB", series });
}

const STYLE = `body{font-family:sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}li.pass{color:#1a7f37}li.fail{color:#c62828;font-weight:bold}
.meta{font-size:13px;color:#555}section{border-top:1px solid #ddd;margin-top:20px}`;

/** The whole report as one HTML document. */
export function htmlReport(results: BenchResults): string {
  const m = results.machine;
  const v = results.versions;
  const failed = results.scenarios.flatMap((s) => s.expectations.filter((e) => !e.pass).map((e) => `${s.id}: ${expectationLine(e)}`));
  const passed = results.scenarios.reduce((n, s) => n + s.expectations.filter((e) => e.pass).length, 0);
  const sections = results.scenarios.map(
    (s) =>
      `<section><h2>${escapeXml(s.id)}: ${escapeXml(s.title)}</h2><p class="meta">${escapeXml(s.description)} ` +
      `Payload ${escapeXml(s.payload.label)} (${int(s.payload.requestBytes)} request bytes); ${s.load.mode} loop` +
      `${s.load.mode === "open" ? ` at ${s.load.ratePerSec} req/s` : `, concurrency ${s.load.concurrency}`}; ` +
      `${s.topology.workers} worker(s) x${s.topology.capacity}, ${s.topology.clients} client(s); ${s.arms[0]?.rounds ?? 0} round(s).</p>` +
      `${table(s)}${ratios(s)}${expectations(s)}${distributionChart(s)}${memoryChart(s)}</section>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>domo bench ${escapeXml(results.startedAt)}</title><style>${STYLE}</style></head><body>
<h1>domo bench</h1>
<p class="meta">${escapeXml(results.startedAt)} to ${escapeXml(results.finishedAt)} (${Math.round(results.durationMs / 1000)} s).
${m.cpus} CPU(s) ${escapeXml(m.cpuModel)}, ${mb(m.totalMemoryBytes)} RAM, ${escapeXml(`${m.platform} ${m.release} ${m.arch}`)};
load average ${m.loadAverageStart.join(" ")} at start, ${m.loadAverageEnd.join(" ")} at end.
domo ${escapeXml(v.domo)}, Node ${escapeXml(v.node)} (V8 ${escapeXml(v.v8)}), zeromq.js ${escapeXml(v.zeromqJs)} (libzmq ${escapeXml(v.libzmq)}).
Command: <code>domo ${escapeXml(results.command.join(" "))}</code></p>
<p><b>${passed} expectation(s) passed, ${failed.length} failed.</b></p>
${failed.length > 0 ? `<ul>${failed.map((f) => `<li class="fail">${escapeXml(f)}</li>`).join("")}</ul>` : ""}
${sweepChart(results)}
${sections.join("\n")}
</body></html>
`;
}
