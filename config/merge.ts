/**
 * Layering config inputs (defaults < file < env < CLI) and freezing the result.
 * @packageDocumentation
 */
import type { PathSegment } from "./path.js";

/** A plain `{...}` object, as YAML mappings, env overrides and CLI overrides are. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Merge layers, later ones winning. Mappings merge key by key; lists and scalars replace (an env
 * `DOMO_BIND` replaces the file's bind list rather than adding to it); `undefined` sets nothing, so a
 * CLI layer may pass unset flags straight through.
 */
export function mergeLayers(...layers: unknown[]): unknown {
  return layers.reduce(mergeTwo, undefined);
}

function mergeTwo(base: unknown, layer: unknown): unknown {
  if (layer === undefined) return base;
  if (!isPlainObject(layer)) return layer;
  const merged: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(layer)) {
    if (value !== undefined) merged[key] = mergeTwo(merged[key], value);
  }
  return merged;
}

/** Paths of every leaf value set in an input (`undefined` leaves are not set). */
export function setPaths(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  if (!isPlainObject(value)) return value === undefined ? [] : [prefix];
  return Object.entries(value).flatMap(([key, child]) => setPaths(child, [...prefix, key]));
}

/** Set `value` at `path`, creating mappings on the way. */
export function setIn(target: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const key = String(segment);
    const child = node[key];
    node = isPlainObject(child) ? child : (node[key] = {});
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[String(last)] = value;
}

/** Freeze a value and everything reachable from it, so a loaded config cannot change under the broker. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
