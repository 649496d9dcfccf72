/**
 * `domo bench` as users run it: a short run (echo, four arms, three interleaved rounds) checks the
 * runner itself, never the speed: the saved JSON passes the results schema, the figures are sane
 * (counts > 0, no errors, percentiles in order, every arm and round present, CPU and broker memory
 * sampled), the HTML report is written, `--compare` prints ratios, and no child process outlives it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { resultsSchema, type BenchResults } from "../../bench/results.js";
import { ExitCode } from "../../cli/exit-codes.js";
import { CliProcess } from "../helpers/cli-process.js";
import { waitFor } from "../helpers/wait.js";

/** Generous: four topologies of 3-4 processes start under tsx on a possibly busy 2-core machine. */
const RUN_TIMEOUT_MS = 180_000;

interface Ran {
  code: number | null;
  stdout: string;
  output: string;
}

async function domo(args: readonly string[]): Promise<Ran> {
  const proc = new CliProcess(args);
  try {
    const exit = await proc.waitForExit(RUN_TIMEOUT_MS);
    return { code: exit.code, stdout: proc.stdoutLines.join("\n"), output: proc.output() };
  } finally {
    await proc.kill();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function assertOrdered(values: readonly number[], what: string): void {
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1]! <= values[i]!, `${what} not in order: ${values.join(", ")}`);
}

/** The short run every case below reads. */
const SHORT_RUN = ["--workload", "echo", "--payload-size", "100", "--duration", "600ms", "--warmup", "200ms", "--rounds", "3"];
const SHORT_LOAD = ["--concurrency", "4", "--clients", "2", "--workers", "1", "--capacity", "2"];

describe("domo bench runner", () => {
  let dir = "";
  let jsonPath = "";
  let first: Ran;
  let results: BenchResults;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "domo-bench-test-"));
    jsonPath = join(dir, "run.json");
    first = await domo(["bench", ...SHORT_RUN, ...SHORT_LOAD, "--save-results", jsonPath]);
    assert.equal(first.code, ExitCode.OK, first.output);
    const parsed = resultsSchema.safeParse(JSON.parse(readFileSync(jsonPath, "utf8")));
    assert.ok(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 5)));
    results = parsed.data;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("saves every arm and round, with no errors and counts above zero", () => {
    assert.equal(results.scenarios.length, 1);
    const scenario = results.scenarios[0]!;
    assert.deepEqual(
      scenario.arms.map((a) => a.arm),
      ["domo", "mdp-raw", "forwarder", "direct"],
    );
    assert.equal(scenario.runs.length, 12, "4 arms x 3 rounds");
    for (const arm of scenario.arms) {
      assert.equal(arm.rounds, 3, arm.arm);
      assert.equal(arm.errorCount, 0, `${arm.arm}: ${JSON.stringify(arm.errors)}`);
      assert.ok(arm.latency.count > 0 && arm.reqPerSec.median > 0 && arm.totalMBps.median > 0, arm.arm);
      assert.ok(arm.reqPerSec.min <= arm.reqPerSec.median && arm.reqPerSec.median <= arm.reqPerSec.max, arm.arm);
    }
    for (const run of scenario.runs) {
      assert.ok(run.completed > 0 && run.ok === run.completed && run.windowMs > 0, `${run.arm} #${run.round}`);
      assert.ok(run.cpu.every((c) => c.pid > 0 && c.userMs + c.systemMs >= 0), `${run.arm} cpu`);
    }
    // The rounds interleave: each arm runs once per round.
    for (let round = 0; round < 3; round++) assert.equal(scenario.runs.filter((r) => r.round === round).length, 4);
    assert.equal(scenario.payload.requestBytes, 100);
    assert.ok(results.machine.cpus > 0 && results.versions.node === process.version);
  });

  it("orders every percentile and distribution", () => {
    const scenario = results.scenarios[0]!;
    for (const l of [...scenario.runs.map((r) => r.latency), ...scenario.arms.map((a) => a.latency)]) {
      assertOrdered([l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs], "percentiles");
      assert.ok(l.p50Ms > 0);
    }
    for (const arm of scenario.arms) {
      assertOrdered(arm.distribution.map((d) => d.percentile), `${arm.arm} distribution percentiles`);
      assertOrdered(arm.distribution.map((d) => d.ms), `${arm.arm} distribution latencies`);
    }
  });

  it("samples the broker's memory and every process's CPU", () => {
    const scenario = results.scenarios[0]!;
    for (const run of scenario.runs) {
      const roles = run.cpu.map((c) => c.role).sort();
      const expected: Record<string, string[]> = {
        domo: ["broker", "client", "client", "worker"],
        "mdp-raw": ["broker", "client", "client", "worker"],
        forwarder: ["client", "client", "forwarder", "worker"],
        direct: ["client", "client", "worker"],
      };
      assert.deepEqual(roles, expected[run.variant], run.arm);
      if (run.variant === "direct") {
        assert.equal(run.hubMemory, null);
      } else {
        assert.ok(run.hubMemory && run.hubMemory.samples.length > 0 && run.hubMemory.rssMaxBytes > 0, run.arm);
      }
    }
    const domoArm = scenario.arms.find((a) => a.arm === "domo")!;
    assert.ok(domoArm.hubCpuMsPer1kRequests !== null && domoArm.hubCpuMsPer1kRequests > 0);
    assert.ok(domoArm.hubRssMaxBytes !== null && domoArm.hubHeapUsedMaxBytes !== null && domoArm.hubHeapUsedMaxBytes.median > 0);
    assert.deepEqual(Object.keys(domoArm.cpuUsPerRequest).sort(), ["broker", "client", "worker"]);
    assert.ok(Object.values(domoArm.cpuUsPerRequest).every((us) => us > 0), JSON.stringify(domoArm.cpuUsPerRequest));
  });

  it("reports domo as ratios to both baselines, with pass/fail lines", () => {
    const scenario = results.scenarios[0]!;
    for (const baseline of ["forwarder", "direct"]) {
      for (const metric of ["reqPerSec", "totalMBps", "p50Ms", "p99Ms"]) {
        const ratio = scenario.ratios.find((r) => r.arm === "domo" && r.baseline === baseline && r.metric === metric);
        assert.ok(ratio && ratio.value > 0, `domo/${baseline} ${metric}`);
      }
    }
    assert.deepEqual(
      scenario.expectations.map((e) => e.id),
      ["p50-vs-forwarder", "throughput-vs-forwarder", "no-errors"],
    );
    assert.equal(scenario.expectations.find((e) => e.id === "no-errors")?.pass, true);
    assert.match(first.stdout, /^ {3}domo \/ forwarder: req\/s \d+\.\d\dx/m);
    assert.match(first.stdout, /^ {3}(PASS|FAIL) \[target\] p50 <= 1\.15x the forwarder/m);
  });

  it("writes a self-contained HTML report with a chart per scenario", () => {
    const htmlPath = jsonPath.replace(/\.json$/, ".html");
    assert.ok(existsSync(htmlPath));
    const html = readFileSync(htmlPath, "utf8");
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<svg [^>]*>.*latency distribution/s);
    assert.doesNotMatch(html, /<script|<link |src="http/, "no external resources or scripts");
  });

  it("leaves no process behind", async () => {
    const pids = new Set(results.scenarios.flatMap((s) => s.runs.flatMap((r) => r.cpu.map((c) => c.pid))));
    assert.ok(pids.size >= 10);
    await waitFor(() => [...pids].every((pid) => !alive(pid)), { timeoutMs: 10_000, what: "bench children to be gone" });
  });

  it("--compare prints this run over the saved one", async () => {
    const r = await domo(["bench", ...SHORT_RUN, ...SHORT_LOAD, "--rounds", "1", "--no-baselines", "--compare", jsonPath]);
    assert.equal(r.code, ExitCode.OK, r.output);
    assert.match(r.stdout, /^compared with .*run\.json/m);
    assert.match(r.stdout, /^ {3}bench domo: req\/s \d+\.\d\dx, MB\/s \d+\.\d\dx, p50 \d+\.\d\dx, p99 \d+\.\d\dx$/m);
  });

  it("refuses a --compare file that is not a results file before starting anything", async () => {
    const bogus = join(dir, "bogus.json");
    writeFileSync(bogus, JSON.stringify({ schema: "something-else" }));
    const r = await domo(["bench", ...SHORT_RUN, "--compare", bogus]);
    assert.equal(r.code, ExitCode.FAILURE, r.output);
    assert.doesNotMatch(r.stdout, /domo bench: \d+ scenario/);
  });

  it("rejects inconsistent options with the usage exit code", async () => {
    const r = await domo(["bench", "--concurrency", "1", "--clients", "2"]);
    assert.equal(r.code, ExitCode.USAGE, r.output);
  });
});
