/**
 * Reading the zod schema itself: which keys exist where, and what a value at a path must be. Error
 * hints, key suggestions and the environment mapping all derive from the schema, so they cannot drift
 * from it when a key is added.
 * @packageDocumentation
 */
import { z } from "zod";
import type { PathSegment } from "./path.js";
import { brokerConfigSchema, defaultConfig } from "./schema.js";

/** Strip wrappers (defaults, optional, refinements) that do not change what a value must look like. */
export function unwrapSchema(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current.removeDefault() as z.ZodTypeAny;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodTypeAny;
    else if (current instanceof z.ZodEffects) current = current.innerType() as z.ZodTypeAny;
    else return current;
  }
}

/** The (unwrapped) schema of the value at `path`, or `undefined` when no such key exists. */
export function schemaAt(path: readonly PathSegment[], root: z.ZodTypeAny = brokerConfigSchema): z.ZodTypeAny | undefined {
  let current = unwrapSchema(root);
  for (const segment of path) {
    let next: z.ZodTypeAny | undefined;
    if (current instanceof z.ZodObject) next = (current.shape as Record<string, z.ZodTypeAny>)[String(segment)];
    else if (current instanceof z.ZodRecord) next = current.valueSchema as z.ZodTypeAny;
    else if (current instanceof z.ZodArray) next = current.element as z.ZodTypeAny;
    if (next === undefined) return undefined;
    current = unwrapSchema(next);
  }
  return current;
}

/** The valid keys of the object at `path` (empty when it is not a fixed-key object). */
export function keysAt(path: readonly PathSegment[]): string[] {
  const schema = schemaAt(path);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
}

/**
 * Every settable leaf key (a value that is not a fixed-key object), as paths. Records such as `services`
 * are returned as one leaf: their keys are user names, not schema keys.
 */
export function leafPaths(path: readonly PathSegment[] = []): PathSegment[][] {
  const schema = schemaAt(path);
  if (!(schema instanceof z.ZodObject)) return [[...path]];
  return Object.keys(schema.shape as object).flatMap((key) => leafPaths([...path, key]));
}

let defaults: unknown;

/**
 * The built-in default at `path`, as an example value for hints. A named service falls back to
 * `serviceDefaults`, a list item to the first default item. `undefined` when there is none.
 */
export function defaultAt(path: readonly PathSegment[]): unknown {
  defaults ??= defaultConfig();
  const lookup = path[0] === "services" && path.length > 1 ? ["serviceDefaults", ...path.slice(2)] : path;
  let current: unknown = defaults;
  for (const segment of lookup) {
    if (Array.isArray(current)) current = current[typeof segment === "number" ? Math.min(segment, current.length - 1) : 0];
    else if (current !== null && typeof current === "object") current = (current as Record<string, unknown>)[String(segment)];
    else return undefined;
  }
  return current;
}
