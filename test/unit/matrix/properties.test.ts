/**
 * Property tests of the matrix operations (fast-check). Tolerances, stated per property:
 *  - A·I = A and Iₘ·A = A: exact (multiplying by 1 and adding zeros is exact in IEEE 754).
 *  - (AB)ᵀ = BᵀAᵀ: the same products summed in the same order, so exact; checked within
 *    1e-12 x Σ|aᵢₖ||bₖⱼ| to stay honest about floating point.
 *  - inv(A)·A ≈ I: max |(inv(A)·A − I)ᵢⱼ| ≤ 1e-9 for strictly diagonally dominant A (n ≤ 10,
 *    entries in [−1, 1], diagonal ≥ n + 1 in magnitude, so cond(A) stays below ~3 and LU error ~1e-15).
 *  - solve(A, B) ≈ inv(A)·B: |x − y| ≤ 1e-9 x (1 + |y|) for the same A and B in [−10, 10].
 *  - det(AB) ≈ det(A)·det(B): relative 1e-9 for the same A and B.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { identity, type Matrix } from "../../../workers/matrix/matrix.js";
import { determinant, inverse, multiply, solve, transpose } from "../../../workers/matrix/ops.js";

const RUNS = 200;
const element = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const unit = fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true });

function matrixOf(rows: number, cols: number, values: fc.Arbitrary<number> = element): fc.Arbitrary<Matrix> {
  return fc.array(values, { minLength: rows * cols, maxLength: rows * cols }).map((xs) => ({ rows, cols, data: Float64Array.from(xs) }));
}

const dims = fc.integer({ min: 1, max: 10 });

/** Strictly diagonally dominant n x n: non-singular and well-conditioned. */
const dominant = (n: number): fc.Arbitrary<Matrix> =>
  fc.tuple(matrixOf(n, n, unit), fc.array(fc.boolean(), { minLength: n, maxLength: n })).map(([m, signs]) => {
    for (let i = 0; i < n; i += 1) m.data[i * n + i] = (signs[i]! ? 1 : -1) * (n + 1 + Math.abs(m.data[i * n + i]!));
    return m;
  });

function maxAbsDiff(a: Matrix, b: Matrix): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i += 1) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

describe("matrix properties", () => {
  it("A·I = A and I·A = A exactly", () => {
    fc.assert(
      fc.property(
        dims.chain((r) => dims.map((c) => [r, c] as const)).chain(([r, c]) => matrixOf(r, c)),
        (a) => {
          const right = multiply(a, identity(a.cols));
          const left = multiply(identity(a.rows), a);
          for (let i = 0; i < a.data.length; i += 1) {
            assert.ok(right.data[i] === a.data[i] && left.data[i] === a.data[i], `element ${i}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("(AB)ᵀ = BᵀAᵀ", () => {
    const shapes = fc.tuple(dims, dims, dims);
    fc.assert(
      fc.property(
        shapes.chain(([n, k, p]) => fc.tuple(matrixOf(n, k), matrixOf(k, p))),
        ([a, b]) => {
          const lhs = transpose(multiply(a, b));
          const rhs = multiply(transpose(b), transpose(a));
          const absA: Matrix = { ...a, data: a.data.map(Math.abs) };
          const absB: Matrix = { ...b, data: b.data.map(Math.abs) };
          const magnitude = transpose(multiply(absA, absB));
          for (let i = 0; i < lhs.data.length; i += 1) {
            assert.ok(Math.abs(lhs.data[i]! - rhs.data[i]!) <= 1e-12 * magnitude.data[i]!, `element ${i}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("inv(A)·A ≈ I within 1e-9", () => {
    fc.assert(
      fc.property(dims.chain(dominant), (a) => {
        assert.ok(maxAbsDiff(multiply(inverse(a), a), identity(a.rows)) <= 1e-9);
        assert.ok(maxAbsDiff(multiply(a, inverse(a)), identity(a.rows)) <= 1e-9);
      }),
      { numRuns: RUNS },
    );
  });

  it("solve(A, B) agrees with inv(A)·B", () => {
    const rhs = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        fc.tuple(dims, fc.integer({ min: 1, max: 3 })).chain(([n, m]) => fc.tuple(dominant(n), matrixOf(n, m, rhs))),
        ([a, b]) => {
          const x = solve(a, b);
          const y = multiply(inverse(a), b);
          for (let i = 0; i < x.data.length; i += 1) {
            assert.ok(Math.abs(x.data[i]! - y.data[i]!) <= 1e-9 * (1 + Math.abs(y.data[i]!)), `element ${i}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("det(AB) ≈ det(A)·det(B) and det(Aᵀ) = det(A)", () => {
    fc.assert(
      fc.property(
        dims.chain((n) => fc.tuple(dominant(n), dominant(n))),
        ([a, b]) => {
          const product = determinant(a) * determinant(b);
          assert.ok(Math.abs(determinant(multiply(a, b)) - product) <= 1e-9 * Math.abs(product));
          assert.ok(Math.abs(determinant(transpose(a)) - determinant(a)) <= 1e-9 * Math.abs(determinant(a)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
