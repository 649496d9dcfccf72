/**
 * `--compare <results.json>`: this run's figures over an earlier run's, scenario by scenario and arm by
 * arm (same ids), so a change shows as e.g. "req/s 1.12x, p99 0.85x".
 * @packageDocumentation
 */
import { readFile } from "node:fs/promises";
import { BenchResultsFileError } from "./errors.js";
import { times } from "./report/format.js";
import { resultsSchema, type BenchResults } from "./results.js";
import { ratio } from "./stats.js";

/** Read and check a results file. */
export async function loadResults(path: string): Promise<BenchResults> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new BenchResultsFileError(path, `cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = resultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new BenchResultsFileError(path, `is not a domo bench results file: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** Figures compared, and whether higher is better. */
const METRICS = [
  { key: "reqPerSec", label: "req/s" },
  { key: "totalMBps", label: "MB/s" },
  { key: "p50Ms", label: "p50" },
  { key: "p99Ms", label: "p99" },
] as const;

/** Lines comparing `current` with `previous` (ratios current / previous of the medians). */
export function compareResults(previous: BenchResults, current: BenchResults, previousPath: string): string[] {
  const lines = ["", `compared with ${previousPath} (${previous.startedAt}): this run / that run`];
  let matched = 0;
  for (const scenario of current.scenarios) {
    const before = previous.scenarios.find((s) => s.id === scenario.id);
    if (!before) continue;
    for (const arm of scenario.arms) {
      const old = before.arms.find((a) => a.arm === arm.arm);
      if (!old) continue;
      matched++;
      const parts = METRICS.map((m) => `${m.label} ${times(ratio(arm[m.key].median, old[m.key].median))}`);
      lines.push(`   ${scenario.id} ${arm.arm}: ${parts.join(", ")}`);
    }
  }
  if (matched === 0) lines.push("   (no scenario and arm in common)");
  return lines;
}
