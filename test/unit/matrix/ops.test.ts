/**
 * Matrix operations on known results. Exact where the arithmetic is exact (small integers); otherwise
 * within the stated tolerance.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromRows, identity, toRows, type Matrix } from "../../../workers/matrix/matrix.js";
import { add, determinant, inverse, multiply, scale, solve, subtract, transpose } from "../../../workers/matrix/ops.js";

/** Max |x - y| allowed where results are not exact: a few ulps of values of order 1. */
const TOLERANCE = 1e-12;

function assertClose(actual: Matrix, expected: number[][], tolerance = TOLERANCE): void {
  assert.equal(actual.rows, expected.length, "rows");
  assert.equal(actual.cols, expected[0]!.length, "cols");
  const rows = toRows(actual);
  for (const [i, row] of expected.entries()) {
    for (const [j, x] of row.entries()) {
      assert.ok(Math.abs(rows[i]![j]! - x) <= tolerance, `(${i},${j}): ${rows[i]![j]} vs ${x}`);
    }
  }
}

describe("matrix ops", () => {
  it("multiplies square and rectangular matrices", () => {
    assert.deepEqual(toRows(multiply(fromRows([[1, 2], [3, 4]]), fromRows([[5, 6], [7, 8]]))), [[19, 22], [43, 50]]);
    assert.deepEqual(toRows(multiply(fromRows([[1, 2, 3], [4, 5, 6]]), fromRows([[7, 8], [9, 10], [11, 12]]))), [[58, 64], [139, 154]]);
    assert.deepEqual(toRows(multiply(fromRows([[1, 2, 3]]), fromRows([[4], [5], [6]]))), [[32]]);
    assert.deepEqual(toRows(multiply(fromRows([[4], [5]]), fromRows([[1, 2]]))), [[4, 8], [5, 10]]);
  });

  it("rejects multiply with a.cols != b.rows as MATRIX_SHAPE_MISMATCH with both shapes", () => {
    assert.throws(() => multiply(fromRows([[1, 2]]), fromRows([[1, 2]])), {
      code: "MATRIX_SHAPE_MISMATCH",
      details: { op: "multiply", a: [1, 2], b: [1, 2] },
    });
  });

  it("adds, subtracts, transposes and scales", () => {
    const a = fromRows([[1, 2, 3], [4, 5, 6]]);
    const b = fromRows([[6, 5, 4], [3, 2, 1]]);
    assert.deepEqual(toRows(add(a, b)), [[7, 7, 7], [7, 7, 7]]);
    assert.deepEqual(toRows(subtract(a, b)), [[-5, -3, -1], [1, 3, 5]]);
    assert.deepEqual(toRows(transpose(a)), [[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(toRows(scale(a, -2)), [[-2, -4, -6], [-8, -10, -12]]);
    assert.throws(() => add(a, transpose(b)), { code: "MATRIX_SHAPE_MISMATCH" });
    assert.throws(() => subtract(a, fromRows([[1]])), { code: "MATRIX_SHAPE_MISMATCH" });
  });

  it("computes determinants, with pivoting, and 0 for singular matrices", () => {
    assert.ok(Math.abs(determinant(fromRows([[1, 2], [3, 4]])) - -2) <= TOLERANCE);
    assert.ok(Math.abs(determinant(fromRows([[6, 1, 1], [4, -2, 5], [2, 8, 7]])) - -306) <= 1e-10);
    assert.equal(determinant(fromRows([[0, 1], [1, 0]])), -1);
    assert.equal(determinant(identity(5)), 1);
    assert.equal(determinant(fromRows([[1, 2], [2, 4]])), 0);
    assert.equal(determinant(fromRows([[0, 0], [0, 0]])), 0);
    assert.equal(determinant(fromRows([[7]])), 7);
    assert.throws(() => determinant(fromRows([[1, 2, 3]])), { code: "MATRIX_SHAPE_MISMATCH" });
  });

  it("inverts, including matrices that need a row swap", () => {
    assertClose(inverse(fromRows([[4, 7], [2, 6]])), [[0.6, -0.7], [-0.2, 0.4]]);
    assertClose(inverse(fromRows([[0, 1], [1, 0]])), [[0, 1], [1, 0]]);
    assertClose(inverse(fromRows([[2, 0, 0], [0, 4, 0], [0, 0, 0.5]])), [[0.5, 0, 0], [0, 0.25, 0], [0, 0, 2]]);
    // Scale does not matter for singularity: tiny but well-conditioned is invertible.
    assertClose(inverse(fromRows([[1e-300, 0], [0, 1e-300]])), [[1e300, 0], [0, 1e300]], 1e288);
  });

  it("rejects singular and near-singular matrices as MATRIX_SINGULAR", () => {
    assert.throws(() => inverse(fromRows([[1, 2], [2, 4]])), { code: "MATRIX_SINGULAR" });
    assert.throws(() => inverse(fromRows([[1, 1], [1, 1 + 1e-17]])), { code: "MATRIX_SINGULAR" });
    assert.throws(() => inverse(fromRows([[0, 0], [0, 0]])), { code: "MATRIX_SINGULAR" });
    assert.throws(() => inverse(fromRows([[1, 2, 3], [4, 5, 6], [7, 8, 9]])), { code: "MATRIX_SINGULAR" });
    assert.throws(() => solve(fromRows([[1, 2], [2, 4]]), fromRows([[1], [2]])), { code: "MATRIX_SINGULAR" });
    assert.throws(() => inverse(fromRows([[1, 2]])), { code: "MATRIX_SHAPE_MISMATCH" });
  });

  it("solves A x = b for one or several right-hand sides", () => {
    assertClose(solve(fromRows([[2, 1], [1, 3]]), fromRows([[3], [5]])), [[0.8], [1.4]]);
    assertClose(solve(fromRows([[0, 2], [3, 0]]), fromRows([[4, 2], [9, 3]])), [[3, 1], [2, 1]]);
    assert.throws(() => solve(fromRows([[2, 1], [1, 3]]), fromRows([[1], [2], [3]])), {
      code: "MATRIX_SHAPE_MISMATCH",
      details: { op: "solve", a: [2, 2], b: [3, 1] },
    });
  });
});
