#!/usr/bin/env node
// Runs every *.test.ts under test/ (or under the folders given) with node:test and tsx.
// Node 20's --test does not glob for .ts files, so this lists them. No retries: a flaky test is a bug.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("-"));
const files = (roots.length ? roots : ["test"]).flatMap((root) =>
  root.endsWith(".test.ts")
    ? [root]
    : readdirSync(root, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => join(root, f)),
);
files.sort();
if (files.length === 0) {
  console.error("test/run.mjs: no *.test.ts files found under", roots.join(", ") || "test");
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", ...passThrough, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
