/**
 * The dense matrix type the service computes on: row-major Float64 data with its shape.
 * @packageDocumentation
 */

/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A zero matrix of the given shape. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** The n x n identity. */
export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i += 1) m.data[i * n + i] = 1;
  return m;
}

/** Build a matrix from rows (assumed rectangular: validate peer input first, see json-codec.ts). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = rows[0]?.length ?? 0;
  const m = zeros(r, c);
  for (let i = 0; i < r; i += 1) {
    const row = rows[i]!;
    for (let j = 0; j < c; j += 1) m.data[i * c + j] = row[j]!;
  }
  return m;
}

/** The rows of a matrix as plain arrays (for JSON). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = new Array<number[]>(m.rows);
  for (let i = 0; i < m.rows; i += 1) out[i] = Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  return out;
}

/** Index of the first non-finite element, or -1. */
export function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i += 1) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}
