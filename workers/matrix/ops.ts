/**
 * The matrix operations. Pure and synchronous: run them in a worker thread for large inputs (see
 * thread.ts) so the worker's event loop keeps heartbeating. Inputs are validated (finite, rectangular)
 * before they get here; shape rules and singularity are checked here.
 * @packageDocumentation
 */
import { MatrixShapeMismatchError, MatrixSingularError } from "./errors.js";
import { zeros, type Matrix } from "./matrix.js";

const shape = (m: Matrix): [number, number] => [m.rows, m.cols];

/** A · B; needs a.cols === b.rows. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new MatrixShapeMismatchError(`multiply needs a.cols (${a.cols}) = b.rows (${b.rows})`, {
      op: "multiply",
      a: shape(a),
      b: shape(b),
    });
  }
  const n = a.rows;
  const k = a.cols;
  const p = b.cols;
  const out = zeros(n, p);
  const A = a.data;
  const B = b.data;
  const C = out.data;
  // i-k-j order: the inner loop walks B and C rows contiguously, which is several times faster than
  // the textbook i-j-k order on row-major data.
  for (let i = 0; i < n; i += 1) {
    const cRow = i * p;
    const aRow = i * k;
    for (let t = 0; t < k; t += 1) {
      const aik = A[aRow + t]!;
      if (aik === 0) continue;
      const bRow = t * p;
      for (let j = 0; j < p; j += 1) C[cRow + j]! += aik * B[bRow + j]!;
    }
  }
  return out;
}

function sameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new MatrixShapeMismatchError(`${op} needs equal shapes, got ${a.rows}x${a.cols} and ${b.rows}x${b.cols}`, {
      op,
      a: shape(a),
      b: shape(b),
    });
  }
}

/** A + B (same shape). */
export function add(a: Matrix, b: Matrix): Matrix {
  sameShape("add", a, b);
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i += 1) out.data[i] = a.data[i]! + b.data[i]!;
  return out;
}

/** A − B (same shape). */
export function subtract(a: Matrix, b: Matrix): Matrix {
  sameShape("subtract", a, b);
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i += 1) out.data[i] = a.data[i]! - b.data[i]!;
  return out;
}

/** Aᵀ. */
export function transpose(a: Matrix): Matrix {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i += 1) {
    for (let j = 0; j < a.cols; j += 1) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return out;
}

/** k · A. */
export function scale(a: Matrix, k: number): Matrix {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i += 1) out.data[i] = a.data[i]! * k;
  return out;
}

function requireSquare(op: string, a: Matrix): void {
  if (a.rows !== a.cols) {
    throw new MatrixShapeMismatchError(`${op} needs a square matrix, got ${a.rows}x${a.cols}`, { op, a: shape(a) });
  }
}

/** An LU factorisation with partial pivoting: P·A = L·U, packed in one matrix. */
interface Lu {
  readonly n: number;
  /** L below the diagonal (unit diagonal implied), U on and above it. */
  readonly lu: Float64Array;
  /** Row i of P·A is row perm[i] of A. */
  readonly perm: Int32Array;
  /** +1 or −1: the permutation's sign. */
  readonly sign: number;
  /** Smallest |pivot| relative to the singularity threshold: below 1 means "numerically singular". */
  readonly singular: boolean;
}

/**
 * Doolittle LU with partial pivoting. A pivot whose magnitude is at most n · ε · max|aᵢⱼ| is taken as
 * zero: the matrix is singular to working precision (the usual rank tolerance, as in LAPACK/NumPy).
 */
function luDecompose(a: Matrix): Lu {
  const n = a.rows;
  const lu = Float64Array.from(a.data);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i += 1) perm[i] = i;
  let maxAbs = 0;
  for (const x of lu) maxAbs = Math.max(maxAbs, Math.abs(x));
  const tolerance = n * Number.EPSILON * maxAbs;
  let sign = 1;
  let singular = maxAbs === 0;
  for (let k = 0; k < n; k += 1) {
    let pivotRow = k;
    let pivotAbs = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i += 1) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > pivotAbs) {
        pivotAbs = v;
        pivotRow = i;
      }
    }
    if (pivotAbs <= tolerance) {
      singular = true;
      continue;
    }
    if (pivotRow !== k) {
      for (let j = 0; j < n; j += 1) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[pivotRow * n + j]!;
        lu[pivotRow * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[pivotRow]!;
      perm[pivotRow] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k]!;
    for (let i = k + 1; i < n; i += 1) {
      const factor = (lu[i * n + k]! /= pivot);
      if (factor === 0) continue;
      for (let j = k + 1; j < n; j += 1) lu[i * n + j]! -= factor * lu[k * n + j]!;
    }
  }
  return { n, lu, perm, sign, singular };
}

/** Solve L·U·X = P·B for X (B is n x m), in place of a copy of B. */
function luSolve(f: Lu, b: Matrix): Matrix {
  const { n, lu, perm } = f;
  const m = b.cols;
  const x = zeros(n, m);
  const X = x.data;
  for (let i = 0; i < n; i += 1) X.set(b.data.subarray(perm[i]! * m, perm[i]! * m + m), i * m);
  // Forward substitution with unit-diagonal L.
  for (let i = 1; i < n; i += 1) {
    for (let k = 0; k < i; k += 1) {
      const l = lu[i * n + k]!;
      if (l === 0) continue;
      for (let j = 0; j < m; j += 1) X[i * m + j]! -= l * X[k * m + j]!;
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let k = i + 1; k < n; k += 1) {
      const u = lu[i * n + k]!;
      if (u === 0) continue;
      for (let j = 0; j < m; j += 1) X[i * m + j]! -= u * X[k * m + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < m; j += 1) X[i * m + j]! /= d;
  }
  return x;
}

/** det(A) for square A; 0 for a (numerically) singular matrix. */
export function determinant(a: Matrix): number {
  requireSquare("determinant", a);
  const f = luDecompose(a);
  if (f.singular) return 0;
  let det = f.sign;
  for (let i = 0; i < f.n; i += 1) det *= f.lu[i * f.n + i]!;
  return det;
}

function factorInvertible(op: string, a: Matrix): Lu {
  requireSquare(op, a);
  const f = luDecompose(a);
  if (f.singular) {
    throw new MatrixSingularError(`${op}: the matrix is singular to working precision`, { op, a: shape(a) });
  }
  return f;
}

/** A⁻¹ for square, non-singular A. */
export function inverse(a: Matrix): Matrix {
  const f = factorInvertible("inverse", a);
  const id = zeros(a.rows, a.rows);
  for (let i = 0; i < a.rows; i += 1) id.data[i * a.rows + i] = 1;
  return luSolve(f, id);
}

/** X with A·X = B, for square non-singular A (n x n) and B (n x m). */
export function solve(a: Matrix, b: Matrix): Matrix {
  requireSquare("solve", a);
  if (b.rows !== a.rows) {
    throw new MatrixShapeMismatchError(`solve needs b.rows (${b.rows}) = a.rows (${a.rows})`, {
      op: "solve",
      a: shape(a),
      b: shape(b),
    });
  }
  return luSolve(factorInvertible("solve", a), b);
}
