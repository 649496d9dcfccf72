import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { defaultConfig, loadConfig, parseConfigText } from "../../../config/index.js";
import { formatPath } from "../../../config/path.js";
import { leafPaths } from "../../../config/schema-walk.js";

const EXAMPLE = fileURLToPath(new URL("../../../config/broker.example.yaml", import.meta.url));
const DOCS = fileURLToPath(new URL("../../../docs/configuration.md", import.meta.url));

function has(value: unknown, path: readonly (string | number)[]): boolean {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== "object" || !(String(segment) in node)) return false;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return true;
}

void describe("config/broker.example.yaml", () => {
  void it("loads and states exactly the built-in defaults", async () => {
    const { config, sources } = await loadConfig({ file: EXAMPLE, env: {} });
    assert.deepEqual(config, defaultConfig());
    assert.deepEqual(sources, ["defaults", `file:${EXAMPLE}`]);
  });

  void it("writes out every key of the schema", async () => {
    const raw: unknown = parse(await readFile(EXAMPLE, "utf8"));
    const missing = leafPaths().filter((path) => !has(raw, path)).map((path) => formatPath(path));
    assert.deepEqual(missing, []);
  });

  void it("documents every key in docs/configuration.md", async () => {
    const docs = await readFile(DOCS, "utf8");
    const missing = leafPaths().map((path) => formatPath(path)).filter((key) => !docs.includes(`\`${key}\``));
    assert.deepEqual(missing, []);
  });

  void it("gives the defaults for an empty or comment-only file", () => {
    assert.deepEqual(parseConfigText("", "empty.yaml"), defaultConfig());
    assert.deepEqual(parseConfigText("# nothing set\n", "comments.yaml"), defaultConfig());
  });
});
