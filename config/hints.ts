/**
 * Fix hints for config messages: what a value must be (from the schema, with the unit taken from the
 * key name) and an example (the built-in default), plus the text for unknown keys.
 * @packageDocumentation
 */
import { z } from "zod";
import { formatPath, type PathSegment } from "./path.js";
import { defaultAt, keysAt, leafPaths, schemaAt } from "./schema-walk.js";
import { closestName, normalizeName } from "./suggest.js";

/** Units are in key names (style guide rule 11), so the hint can say them. */
function unitOf(key: string): string {
  if (key.endsWith("Ms")) return " of milliseconds";
  if (key.endsWith("Bytes")) return " of bytes";
  if (key.endsWith("HighWaterMark")) return " of messages";
  if (key === "liveness") return " of heartbeat intervals";
  return "";
}

interface Bound {
  value: number;
  inclusive: boolean;
}

/** The strictest bound of one kind; for whole numbers an exclusive bound becomes the next integer. */
function bound(schema: z.ZodNumber, kind: "min" | "max"): Bound | undefined {
  let best: Bound | undefined;
  for (const check of schema._def.checks) {
    if (check.kind !== kind) continue;
    let next: Bound = { value: check.value, inclusive: check.inclusive };
    if (schema.isInt && !check.inclusive) next = { value: check.value + (kind === "min" ? 1 : -1), inclusive: true };
    const stricter =
      best === undefined ||
      (kind === "min" ? next.value > best.value : next.value < best.value) ||
      (next.value === best.value && !next.inclusive);
    if (stricter) best = next;
  }
  return best;
}

function describeNumber(schema: z.ZodNumber, key: string): string {
  const text = (schema.isInt ? "a whole number" : "a number") + unitOf(key);
  const min = bound(schema, "min");
  const max = bound(schema, "max");
  if (min?.inclusive && max?.inclusive) return `${text} from ${min.value} to ${max.value}`;
  const parts = [
    min && `${min.inclusive ? "at least" : "above"} ${min.value}`,
    max && `${max.inclusive ? "at most" : "below"} ${max.value}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? text : `${text}, ${parts.join(" and ")}`;
}

/** What the value at `path` must be, in words; `undefined` when the schema has no such key. */
export function describeExpected(path: readonly PathSegment[]): string | undefined {
  const schema = schemaAt(path);
  const last = path[path.length - 1];
  const key = typeof last === "string" ? last : "";
  if (schema instanceof z.ZodNumber) return describeNumber(schema, key);
  if (schema instanceof z.ZodBoolean) return "true or false, without quotes";
  if (schema instanceof z.ZodEnum) return `one of ${(schema.options as string[]).join(", ")}`;
  if (schema instanceof z.ZodString) return "a string";
  if (schema instanceof z.ZodArray) {
    const min = schema._def.minLength?.value ?? 0;
    return min > 0 ? `a list with at least ${min} item${min === 1 ? "" : "s"}` : "a list";
  }
  if (schema instanceof z.ZodRecord) return "a mapping of service names to policies";
  if (schema instanceof z.ZodObject) return "a mapping of keys, or remove it";
  return undefined;
}

function example(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || Array.isArray(value)) return JSON.stringify(value);
  return undefined;
}

/** `set it to <what>, e.g. <default>`, or `undefined` when the schema says nothing useful. */
export function fixHint(path: readonly PathSegment[]): string | undefined {
  if (path.length === 0) return "the file must be a mapping of keys, like config/broker.example.yaml";
  const expected = describeExpected(path);
  if (expected === undefined) return undefined;
  const sample = example(defaultAt(path));
  return sample === undefined ? `set it to ${expected}` : `set it to ${expected}, e.g. ${sample}`;
}

/** Every key path the schema knows, sections included, for "right name, wrong place" suggestions. */
function allKeyPaths(): PathSegment[][] {
  const leaves = leafPaths();
  const sections = keysAt([]).map((key) => [key]);
  return [...sections, ...leaves.filter((leaf) => leaf.length > 1)];
}

/** Message for an unknown key under `parent`: the closest valid key, the same key elsewhere, or the list. */
export function unknownKeyMessage(parent: readonly PathSegment[], key: string): string {
  const valid = keysAt(parent);
  const near = closestName(key, valid);
  if (near !== undefined) return `unknown key (did you mean "${near}"?)`;
  const elsewhere = allKeyPaths().find((path) => normalizeName(String(path[path.length - 1])) === normalizeName(key));
  if (elsewhere !== undefined) return `unknown key here (did you mean ${formatPath(elsewhere)}?)`;
  if (valid.length === 0) return "unknown key (remove it)";
  return `unknown key (remove it; valid keys here: ${valid.join(", ")})`;
}
