/**
 * `domo bench`: start the processes of each scenario, drive load, and report latency percentiles,
 * throughput, errors, broker memory and CPU, side by side with the baselines. See docs/benchmarks.md.
 * @packageDocumentation
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { compareResults, loadResults } from "./compare.js";
import { BenchArgumentError } from "./errors.js";
import { currentLoadAverage, machineInfo, versions } from "./machine.js";
import type { BenchOptions } from "./options.js";
import { ProcessSet } from "./process-set.js";
import { summarizeProfile } from "./profile-summary.js";
import { createProgress } from "./progress.js";
import { htmlReport } from "./report/html.js";
import { expectationLine, scenarioText } from "./report/text.js";
import { RESULTS_SCHEMA, type BenchResults, type ScenarioResult } from "./results.js";
import { runScenario } from "./scenario.js";
import { fullSuite, singleScenario } from "./suite.js";

export { BENCH_DEFAULTS, parseDuration, parseOp, parsePositive, parseWhole, validateOptions, type BenchOptions } from "./options.js";
export { BenchArgumentError, BenchChildError, BenchErrorCode, BenchResultsFileError } from "./errors.js";
export { resultsSchema, RESULTS_SCHEMA, type BenchResults, type ScenarioResult } from "./results.js";
export { Encoding, Workload } from "./payload.js";

/** Where the report goes (stdout by default). */
export interface BenchOutput {
  line(...lines: string[]): void;
}

/** Default results path: bench/results/bench-<timestamp>.json under the working directory. */
export function defaultResultsPath(now = new Date()): string {
  return join("bench", "results", `bench-${now.toISOString().replace(/[:.]/g, "-")}.json`);
}

/** The HTML report's path for a results path (x.json -> x.html). */
export function htmlPathFor(jsonPath: string): string {
  return jsonPath.endsWith(".json") ? `${jsonPath.slice(0, -5)}.html` : `${jsonPath}.html`;
}

/** Run the bench; resolves with every figure (also written to `savePath` when set). */
export async function runBench(options: BenchOptions, output: BenchOutput = { line: (...lines) => process.stdout.write(lines.map((l) => `${l}\n`).join("")) }): Promise<BenchResults> {
  const started = new Date();
  const machine = machineInfo();
  // Read the comparison file first: a bad path should fail before minutes of measuring.
  const previous = options.comparePath === null ? undefined : await loadResults(options.comparePath);
  const profileDir = options.profileBrokerDir === null ? null : resolve(options.profileBrokerDir);
  const resolved = { ...options, profileBrokerDir: profileDir };
  const specs = resolved.fullSuite ? fullSuite(resolved) : [singleScenario(resolved)];
  if (specs.length === 0) throw new BenchArgumentError("--scenarios", `no scenario id starts with ${JSON.stringify(options.scenarios)}`);
  if (profileDir !== null) await mkdir(profileDir, { recursive: true });
  const profilesBefore = new Set(profileDir === null ? [] : await readdir(profileDir));
  const processes = new ProcessSet();
  const progress = createProgress(options.progress);
  output.line(
    `domo bench: ${specs.length} scenario(s) on ${machine.cpus} CPU(s) (${machine.cpuModel}), load average ${machine.loadAverageStart.join(" ")}`,
  );
  const scenarios: ScenarioResult[] = [];
  try {
    for (const spec of specs) {
      const windowMs = spec.load.maxRequests !== null && spec.load.durationMs >= 3_600_000 ? null : spec.load.warmupMs + spec.load.durationMs;
      const result = await runScenario(processes, spec, {
        onRunStart: (s, arm, round) =>
          progress.start(`${s.id} ${arm.name} #${round + 1}`, windowMs === null ? { requests: s.load.maxRequests ?? 0 } : { ms: windowMs }),
        onProgress: (p) => progress.update(p),
        onRunEnd: () => progress.stop(),
      });
      progress.stop();
      scenarios.push(result);
      for (const text of scenarioText(result)) output.line(text);
    }
  } finally {
    progress.stop();
    await processes.close();
  }
  const finished = new Date();
  const results: BenchResults = {
    schema: RESULTS_SCHEMA,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    command: process.argv.slice(2),
    options: { ...options },
    machine: { ...machine, loadAverageEnd: currentLoadAverage() },
    versions: versions(),
    scenarios,
  };
  const all = scenarios.flatMap((s) => s.expectations.map((e) => ({ s, e })));
  const failed = all.filter(({ e }) => !e.pass);
  output.line("", `expectations: ${all.length - failed.length} passed, ${failed.length} failed`);
  for (const { s, e } of failed) output.line(`   ${s.id}: ${expectationLine(e)}`);
  if (options.savePath !== null) {
    const jsonPath = resolve(options.savePath);
    await mkdir(dirname(jsonPath), { recursive: true });
    await writeFile(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
    await writeFile(htmlPathFor(jsonPath), htmlReport(results));
    output.line(`results: ${jsonPath}`, `report:  ${htmlPathFor(jsonPath)}`);
  }
  if (previous) for (const text of compareResults(previous, results, options.comparePath ?? "")) output.line(text);
  if (profileDir !== null) {
    const written = (await readdir(profileDir)).filter((f) => f.endsWith(".cpuprofile") && !profilesBefore.has(f)).sort();
    for (const file of written) {
      output.line("", `broker CPU profile ${join(profileDir, file)}:`);
      for (const text of await summarizeProfile(join(profileDir, file))) output.line(`   ${text}`);
    }
  }
  return results;
}
