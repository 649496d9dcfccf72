/**
 * Number formatting shared by the text and HTML reports.
 * @packageDocumentation
 */
import type { Spread } from "../stats.js";

/** 12345.6 -> "12,346". */
export function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Milliseconds with precision that fits their size: 0.118, 2.35, 41.2, 1,234. */
export function ms(n: number): string {
  if (n >= 1000) return int(n);
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  if (n >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

/** Bytes as MB with one decimal. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A ratio: "0.82x". */
export function times(n: number): string {
  return `${n.toFixed(2)}x`;
}

/** "median (min..max)" with a formatter. */
export function spreadText(s: Spread, format: (n: number) => string): string {
  return s.min === s.max ? format(s.median) : `${format(s.median)} (${format(s.min)}..${format(s.max)})`;
}

/** Pad to a width (left-aligned text, right-aligned numbers). */
export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}
