/**
 * Loading the broker config: defaults < file < environment < CLI overrides. Every layer is checked on
 * its own first, so each problem names where it came from (file line, variable, flag), then the merged
 * whole is checked again and deep-frozen.
 * @packageDocumentation
 */
import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { readEnv } from "./env.js";
import { deepFreeze, mergeLayers, setPaths } from "./merge.js";
import { formatPath } from "./path.js";
import { brokerConfigSchema, type BrokerConfig, type BrokerConfigInput } from "./schema.js";
import { readYaml } from "./yaml-source.js";
import { fromZodError } from "./zod-issues.js";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Path of a YAML config file. Without one the broker runs on the built-in defaults. */
  readonly file?: string | undefined;
  /** Environment to read `DOMO_*` overrides from; defaults to `process.env`. Pass `{}` to ignore it. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Overrides from CLI flags, applied last. `undefined` values are skipped, so unset flags can pass through. */
  readonly overrides?: BrokerConfigInput | undefined;
}

/** A loaded config and where it came from. */
export interface LoadedConfig {
  /** The validated config, deep-frozen. */
  readonly config: BrokerConfig;
  /**
   * The layers applied, in precedence order, names only (never values) so the daemon can log them once:
   * `defaults`, `file:<path>`, `env:<VARIABLE>` per variable, `cli:<key.path>` per overridden key.
   */
  readonly sources: readonly string[];
}

/** Check one file's text: YAML problems and schema problems, each with its line. */
function checkText(text: string, fileName: string): { input: unknown; issues: ConfigIssue[] } {
  const yaml = readYaml(text, fileName);
  if (yaml.value === undefined) return { input: {}, issues: yaml.issues };
  const checked = brokerConfigSchema.safeParse(yaml.value);
  const schemaIssues = checked.success
    ? []
    : fromZodError(checked.error, (path) => ({ source: fileName, position: yaml.locate(path) }));
  const issues = [...yaml.issues, ...schemaIssues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { input: yaml.value, issues };
}

/**
 * Parse and validate config text on its own (no environment, no overrides): for tests and `domo config
 * check`-style tooling. An empty text gives the defaults.
 * @throws {@link ConfigError} listing every problem, each with its line.
 */
export function parseConfigText(text: string, fileName = "broker.yaml"): BrokerConfig {
  const { input, issues } = checkText(text, fileName);
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(brokerConfigSchema.parse(input));
}

async function readConfigFile(file: string): Promise<{ text?: string; issue?: ConfigIssue; cause?: unknown }> {
  try {
    return { text: await readFile(file, "utf8") };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `config file not found: ${file} (fix the path, or omit the file to run on the built-in defaults)`
        : `cannot read config file ${file}: ${code ?? String(cause)}`;
    return { issue: { path: "", message, source: file }, cause };
  }
}

/**
 * Load the broker config: built-in defaults, then the file (if any), then `DOMO_*` variables, then
 * `overrides`. Every problem in every layer is gathered before anything is thrown.
 * @example
 * ```ts
 * const { config, sources } = await loadConfig({ file: opts.config, overrides: { log: { level: opts.logLevel } } });
 * log.info({ sources }, "config loaded");
 * ```
 * @throws {@link ConfigError} listing every problem, each with its file line or variable.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const { file, env = process.env, overrides } = options;
  const issues: ConfigIssue[] = [];
  const sources = ["defaults"];
  let fileInput: unknown = {};
  let cause: unknown;
  if (file !== undefined) {
    const read = await readConfigFile(file);
    if (read.text !== undefined) {
      const checked = checkText(read.text, file);
      issues.push(...checked.issues);
      fileInput = checked.input;
      sources.push(`file:${file}`);
    }
    if (read.issue !== undefined) issues.push(read.issue);
    cause = read.cause;
  }
  const fromEnv = readEnv(env);
  issues.push(...fromEnv.issues);
  sources.push(...fromEnv.applied.map((name) => `env:${name}`));
  if (overrides !== undefined) {
    const checked = brokerConfigSchema.safeParse(mergeLayers({}, overrides));
    if (!checked.success) issues.push(...fromZodError(checked.error, () => ({ source: "cli" })));
    sources.push(...setPaths(overrides).map((path) => `cli:${formatPath(path)}`));
  }
  if (issues.length > 0) throw new ConfigError(issues, cause === undefined ? undefined : { cause });
  // Each layer was valid alone; checking the merge catches anything that only fails in combination.
  const merged = brokerConfigSchema.safeParse(mergeLayers({}, fileInput, fromEnv.input, overrides));
  if (!merged.success) throw new ConfigError(fromZodError(merged.error, () => ({ source: "merged config" })));
  return { config: deepFreeze(merged.data), sources: Object.freeze(sources) };
}
