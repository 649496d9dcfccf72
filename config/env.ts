/**
 * Environment overrides. Every leaf key has a generic variable, `DOMO_` + its path in SCREAMING_SNAKE
 * with `__` between levels (`requests.maxQueuedTotal` → `DOMO_REQUESTS__MAX_QUEUED_TOTAL`), and the
 * common ones have short aliases (`DOMO_HEARTBEAT_INTERVAL_MS`). Values are parsed by the key's type.
 * @packageDocumentation
 */
import { z } from "zod";
import type { ConfigIssue } from "./errors.js";
import { setIn } from "./merge.js";
import { formatPath, type PathSegment } from "./path.js";
import { brokerConfigSchema } from "./schema.js";
import { leafPaths, schemaAt } from "./schema-walk.js";
import { closestName } from "./suggest.js";
import { fixHint } from "./hints.js";
import { fromZodError } from "./zod-issues.js";

/** Prefix of every variable the config reads. */
export const ENV_PREFIX = "DOMO_";

/** Short names for the keys operators set most; each also has its generic `__` name. */
export const ENV_ALIASES: Readonly<Record<string, readonly string[]>> = {
  DOMO_BIND: ["bind"],
  DOMO_HEARTBEAT_INTERVAL_MS: ["heartbeat", "intervalMs"],
  DOMO_HEARTBEAT_LIVENESS: ["heartbeat", "liveness"],
  DOMO_LOG_LEVEL: ["log", "level"],
  DOMO_LOG_FORMAT: ["log", "format"],
  DOMO_METRICS_LISTEN: ["metrics", "listen"],
  DOMO_METRICS_ENABLED: ["metrics", "enabled"],
  DOMO_QUEUE_TIMEOUT_MS: ["requests", "queueTimeoutMs"],
};

/** The generic variable of a key path: `["requests", "maxQueuedTotal"]` → `DOMO_REQUESTS__MAX_QUEUED_TOTAL`. */
export function envName(path: readonly PathSegment[]): string {
  const snake = (key: PathSegment) => String(key).replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  return ENV_PREFIX + path.map(snake).join("__");
}

let knownVariables: ReadonlyMap<string, readonly PathSegment[]> | undefined;

/** Every variable the loader reads, alias or generic, with its key path. */
export function envVariables(): ReadonlyMap<string, readonly PathSegment[]> {
  if (knownVariables === undefined) {
    const known = new Map<string, readonly PathSegment[]>(Object.entries(ENV_ALIASES));
    for (const path of leafPaths()) known.set(envName(path), path);
    knownVariables = known;
  }
  return knownVariables;
}

/** What reading the environment gave. */
export interface EnvOverrides {
  /** The overrides as a partial config input. */
  readonly input: Record<string, unknown>;
  /** Problems, each naming its variable in `source`. */
  readonly issues: ConfigIssue[];
  /** Names of the variables applied (never their values). */
  readonly applied: string[];
}

type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, "1": true, "0": false, yes: true, no: false, on: true, off: false };

function shown(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/** Turn the variable's text into the type the key wants; zod checks the range afterwards. */
function parseValue(raw: string, path: readonly PathSegment[]): Parsed {
  const schema = schemaAt(path);
  const text = raw.trim();
  const hint = fixHint(path) ?? "see docs/configuration.md";
  if (schema instanceof z.ZodNumber) {
    return NUMBER.test(text) ? { ok: true, value: Number(text) } : { ok: false, problem: `${shown(raw)} is not a number (${hint})` };
  }
  if (schema instanceof z.ZodBoolean) {
    const value = BOOLEANS[text.toLowerCase()];
    return value === undefined ? { ok: false, problem: `${shown(raw)} is not a boolean (set it to true or false)` } : { ok: true, value };
  }
  if (schema instanceof z.ZodArray) {
    return { ok: true, value: text.split(",").map((item) => item.trim()).filter((item) => item !== "") };
  }
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return { ok: true, value: text };
  return { ok: false, problem: "cannot be set from the environment (set it in the config file)" };
}

/**
 * Read `DOMO_*` overrides. An empty variable counts as unset. A `DOMO_` variable that is not a config
 * variable is ignored (other tools may use the prefix) unless it uses the `__` form or is a near miss of
 * a config variable: then it is reported, since it was meant for us and would be lost silently.
 */
export function readEnv(env: NodeJS.ProcessEnv): EnvOverrides {
  const known = envVariables();
  const input: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  const applied: string[] = [];
  const setBy = new Map<string, string>();
  for (const name of Object.keys(env).filter((n) => n.startsWith(ENV_PREFIX)).sort()) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const source = `env ${name}`;
    const path = known.get(name);
    if (path === undefined) {
      const near = closestName(name.slice(ENV_PREFIX.length), [...known.keys()].map((k) => k.slice(ENV_PREFIX.length)));
      if (near !== undefined) issues.push({ path: "", source, message: `unknown variable (did you mean ${ENV_PREFIX}${near}?)` });
      else if (name.includes("__")) issues.push({ path: "", source, message: "unknown variable (no config key has this name; see docs/configuration.md)" });
      continue;
    }
    const key = formatPath(path);
    const earlier = setBy.get(key);
    if (earlier !== undefined) {
      issues.push({ path: key, source, message: `also set by ${earlier} (set only one of them)` });
      continue;
    }
    setBy.set(key, name);
    const parsed = parseValue(raw, path);
    if (!parsed.ok) {
      issues.push({ path: key, source, message: parsed.problem });
      continue;
    }
    setIn(input, path, parsed.value);
    applied.push(name);
  }
  const checked = brokerConfigSchema.safeParse(input);
  if (!checked.success) {
    const variableOf = (issuePath: readonly PathSegment[]) => {
      const key = formatPath(issuePath);
      const hit = [...setBy].find(([setKey]) => key === setKey || key.startsWith(`${setKey}.`) || key.startsWith(`${setKey}[`));
      return hit === undefined ? {} : { source: `env ${hit[1]}` };
    };
    issues.push(...fromZodError(checked.error, variableOf));
  }
  return { input, issues, applied };
}
