/**
 * Errors of the matrix service. Each is answered to the client as an error reply (`domo-error/1`) with
 * its `code` and `details`; the codes are listed in docs/matrix-service.md.
 * @packageDocumentation
 */
import { ServiceError } from "../../worker-sdk/errors.js";

/** Stable codes of every way a matrix request can fail. */
export const MatrixErrorCode = {
  /** The body is not a request: not JSON, not an object, a missing or mistyped field, a bad binary frame. */
  BAD_REQUEST: "MATRIX_BAD_REQUEST",
  /** `op` is not one of the operations. */
  UNKNOWN_OP: "MATRIX_UNKNOWN_OP",
  /** An operand is not a non-empty array of non-empty arrays of numbers. */
  NOT_A_MATRIX: "MATRIX_NOT_A_MATRIX",
  /** An operand's rows differ in length. */
  RAGGED: "MATRIX_RAGGED",
  /** Operand shapes do not fit the operation (or a square matrix is required). */
  SHAPE_MISMATCH: "MATRIX_SHAPE_MISMATCH",
  /** An input is NaN or infinite, or the result overflows float64. */
  NON_FINITE: "MATRIX_NON_FINITE",
  /** The matrix is singular (or too close to it) for inverse or solve. */
  SINGULAR: "MATRIX_SINGULAR",
  /** An operand has more elements than the worker's limit (`maxElements`). */
  TOO_LARGE: "MATRIX_TOO_LARGE",
} as const;
/** One of the matrix error codes. */
export type MatrixErrorCode = (typeof MatrixErrorCode)[keyof typeof MatrixErrorCode];

/** Base of the matrix service's errors: a {@link ServiceError} with one of {@link MatrixErrorCode}. */
export class MatrixError extends ServiceError {
  override readonly name: string = "MatrixError";
  declare readonly code: MatrixErrorCode;

  constructor(code: MatrixErrorCode, message: string, details?: unknown) {
    super(code, message, details);
  }
}

/** See {@link MatrixErrorCode.BAD_REQUEST}. */
export class MatrixBadRequestError extends MatrixError {
  override readonly name = "MatrixBadRequestError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.BAD_REQUEST, message, details);
  }
}

/** See {@link MatrixErrorCode.UNKNOWN_OP}. */
export class MatrixUnknownOpError extends MatrixError {
  override readonly name = "MatrixUnknownOpError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.UNKNOWN_OP, message, details);
  }
}

/** See {@link MatrixErrorCode.NOT_A_MATRIX}. */
export class MatrixNotAMatrixError extends MatrixError {
  override readonly name = "MatrixNotAMatrixError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.NOT_A_MATRIX, message, details);
  }
}

/** See {@link MatrixErrorCode.RAGGED}. */
export class MatrixRaggedError extends MatrixError {
  override readonly name = "MatrixRaggedError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.RAGGED, message, details);
  }
}

/** See {@link MatrixErrorCode.SHAPE_MISMATCH}. */
export class MatrixShapeMismatchError extends MatrixError {
  override readonly name = "MatrixShapeMismatchError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.SHAPE_MISMATCH, message, details);
  }
}

/** See {@link MatrixErrorCode.NON_FINITE}. */
export class MatrixNonFiniteError extends MatrixError {
  override readonly name = "MatrixNonFiniteError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.NON_FINITE, message, details);
  }
}

/** See {@link MatrixErrorCode.SINGULAR}. */
export class MatrixSingularError extends MatrixError {
  override readonly name = "MatrixSingularError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.SINGULAR, message, details);
  }
}

/** See {@link MatrixErrorCode.TOO_LARGE}. */
export class MatrixTooLargeError extends MatrixError {
  override readonly name = "MatrixTooLargeError";
  constructor(message: string, details?: unknown) {
    super(MatrixErrorCode.TOO_LARGE, message, details);
  }
}
