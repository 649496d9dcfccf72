/**
 * Small statistics over rounds: median with min..max.
 * @packageDocumentation
 */

/** Median, min and max of some numbers. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The spread of `values` (all zero when empty). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: 0, min: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round3(median), min: round3(sorted[0]!), max: round3(sorted[sorted.length - 1]!) };
}

/** `a / b`, or 0 when b is 0. */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : round3(a / b);
}

/** Rounded to 3 decimals. */
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
