/**
 * The built-in `matrix` service: multiply, add, subtract, transpose, scale, determinant, inverse and
 * solve over JSON or binary (float64) bodies. See docs/matrix-service.md.
 * @packageDocumentation
 */
export {
  MATRIX_SERVICE,
  DEFAULT_INLINE_MAX_BYTES,
  createMatrixHandler,
  createMatrixPool,
  matrixThreadScript,
  startMatrixWorker,
  type MatrixHandlerOptions,
  type MatrixWorker,
  type MatrixWorkerOptions,
} from "./matrix-worker.js";
export { serveMatrix } from "./service.js";
export { MATRIX_OPS, DEFAULT_MAX_ELEMENTS, runMatrixRequest, type MatrixOp, type MatrixLimits, type MatrixRequest, type MatrixResult } from "./request.js";
export { BINARY_DTYPE, readF64le, writeF64le } from "./binary-codec.js";
export { fromRows, identity, toRows, zeros, type Matrix } from "./matrix.js";
export { add, determinant, inverse, multiply, scale, solve, subtract, transpose } from "./ops.js";
export {
  MatrixErrorCode,
  MatrixError,
  MatrixBadRequestError,
  MatrixNonFiniteError,
  MatrixNotAMatrixError,
  MatrixRaggedError,
  MatrixShapeMismatchError,
  MatrixSingularError,
  MatrixTooLargeError,
  MatrixUnknownOpError,
} from "./errors.js";
export type { MatrixTask } from "./thread.js";
