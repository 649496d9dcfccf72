/**
 * What a matrix request asks for, independent of its wire form (JSON or binary), and how it is run.
 * @packageDocumentation
 */
import { MatrixNonFiniteError } from "./errors.js";
import { firstNonFinite, type Matrix } from "./matrix.js";
import { add, determinant, inverse, multiply, scale, solve, subtract, transpose } from "./ops.js";

/** The operations, with the operands each takes. */
export const MATRIX_OPS = {
  multiply: ["a", "b"],
  add: ["a", "b"],
  subtract: ["a", "b"],
  transpose: ["a"],
  scale: ["a"],
  determinant: ["a"],
  inverse: ["a"],
  solve: ["a", "b"],
} as const satisfies Record<string, readonly ("a" | "b")[]>;
/** One operation name. */
export type MatrixOp = keyof typeof MATRIX_OPS;

/** Is `op` an operation name? */
export function isMatrixOp(op: unknown): op is MatrixOp {
  return typeof op === "string" && Object.hasOwn(MATRIX_OPS, op);
}

/** A decoded, validated request. */
export interface MatrixRequest {
  readonly op: MatrixOp;
  readonly a: Matrix;
  readonly b?: Matrix;
  /** The factor of `scale`. */
  readonly scalar?: number;
}

/** A result: a matrix, or a number (determinant). */
export type MatrixResult = { readonly kind: "matrix"; readonly value: Matrix } | { readonly kind: "scalar"; readonly value: number };

/** Limits a worker enforces on its inputs. */
export interface MatrixLimits {
  /** Most elements one operand may have (rows x cols). */
  readonly maxElements: number;
}

/** Default {@link MatrixLimits.maxElements}: 1024 x 1024, an 8 MiB operand in binary form. */
export const DEFAULT_MAX_ELEMENTS = 1024 * 1024;

/** Run a validated request. Throws MatrixError subclasses on shape problems, singularity or overflow. */
export function runMatrixRequest(request: MatrixRequest): MatrixResult {
  const { op, a, b, scalar } = request;
  let result: MatrixResult;
  switch (op) {
    case "multiply":
      result = { kind: "matrix", value: multiply(a, b!) };
      break;
    case "add":
      result = { kind: "matrix", value: add(a, b!) };
      break;
    case "subtract":
      result = { kind: "matrix", value: subtract(a, b!) };
      break;
    case "transpose":
      result = { kind: "matrix", value: transpose(a) };
      break;
    case "scale":
      result = { kind: "matrix", value: scale(a, scalar!) };
      break;
    case "determinant":
      result = { kind: "scalar", value: determinant(a) };
      break;
    case "inverse":
      result = { kind: "matrix", value: inverse(a) };
      break;
    case "solve":
      result = { kind: "matrix", value: solve(a, b!) };
      break;
  }
  const bad = result.kind === "scalar" ? (Number.isFinite(result.value) ? -1 : 0) : firstNonFinite(result.value.data);
  if (bad >= 0) {
    // Finite inputs can still overflow (a product of large numbers, a determinant of a big matrix).
    throw new MatrixNonFiniteError(`${op}: the result overflows float64`, { op, where: "result" });
  }
  return result;
}
