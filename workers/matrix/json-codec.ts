/**
 * The JSON form of matrix requests and replies (docs/matrix-service.md):
 * request `{"op":"multiply","a":[[1,2],[3,4]],"b":[[5],[6]]}` in one frame,
 * reply `{"op":"multiply","result":[[17],[39]]}`.
 * @packageDocumentation
 */
import {
  MatrixBadRequestError,
  MatrixNonFiniteError,
  MatrixNotAMatrixError,
  MatrixRaggedError,
  MatrixTooLargeError,
  MatrixUnknownOpError,
} from "./errors.js";
import { toRows, zeros, type Matrix } from "./matrix.js";
import { isMatrixOp, MATRIX_OPS, type MatrixLimits, type MatrixOp, type MatrixRequest, type MatrixResult } from "./request.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Check a decoded JSON object's `op` field. */
export function readOp(value: Record<string, unknown>): MatrixOp {
  const op = value["op"];
  if (typeof op !== "string") throw new MatrixBadRequestError('"op" must be a string naming the operation', { field: "op" });
  if (!isMatrixOp(op)) {
    throw new MatrixUnknownOpError(`unknown op "${op.slice(0, 64)}"`, { op: op.slice(0, 64), known: Object.keys(MATRIX_OPS) });
  }
  return op;
}

/** Check `scalar` for scale. */
export function readScalar(value: unknown): number {
  if (typeof value !== "number") throw new MatrixBadRequestError('scale needs a number "scalar"', { field: "scalar" });
  if (!Number.isFinite(value)) throw new MatrixNonFiniteError('"scalar" must be finite', { field: "scalar" });
  return value;
}

/** Throw TOO_LARGE when rows x cols passes the limit. */
export function checkSize(name: string, rows: number, cols: number, limits: MatrixLimits): void {
  if (rows * cols > limits.maxElements) {
    throw new MatrixTooLargeError(`"${name}" has ${rows}x${cols} = ${rows * cols} elements; the limit is ${limits.maxElements}`, {
      operand: name,
      shape: [rows, cols],
      maxElements: limits.maxElements,
    });
  }
}

/**
 * Validate a JSON operand and copy it into a Matrix. `vectorOk` accepts a flat array of numbers as an
 * n x 1 column (solve's right-hand side).
 */
export function readMatrix(name: string, value: unknown, limits: MatrixLimits, vectorOk = false): { matrix: Matrix; vector: boolean } {
  if (value === undefined) throw new MatrixBadRequestError(`missing operand "${name}"`, { operand: name });
  if (!Array.isArray(value) || value.length === 0) {
    throw new MatrixNotAMatrixError(`"${name}" must be a non-empty array of rows`, { operand: name });
  }
  if (vectorOk && value.every((x) => typeof x === "number")) {
    checkSize(name, value.length, 1, limits);
    const matrix = zeros(value.length, 1);
    for (let i = 0; i < value.length; i += 1) {
      const x = value[i] as number;
      if (!Number.isFinite(x)) throw new MatrixNonFiniteError(`"${name}"[${i}] is not finite`, { operand: name, row: i });
      matrix.data[i] = x;
    }
    return { matrix, vector: true };
  }
  const first: unknown = value[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new MatrixNotAMatrixError(`"${name}" must be an array of non-empty arrays of numbers`, { operand: name, row: 0 });
  }
  const rows = value.length;
  const cols = first.length;
  checkSize(name, rows, cols, limits);
  const matrix = zeros(rows, cols);
  for (let i = 0; i < rows; i += 1) {
    const row: unknown = value[i];
    if (!Array.isArray(row)) throw new MatrixNotAMatrixError(`"${name}"[${i}] is not an array`, { operand: name, row: i });
    if (row.length !== cols) {
      throw new MatrixRaggedError(`"${name}" row ${i} has ${row.length} elements, row 0 has ${cols}`, {
        operand: name,
        row: i,
        expected: cols,
        got: row.length,
      });
    }
    for (let j = 0; j < cols; j += 1) {
      const x: unknown = row[j];
      if (typeof x !== "number") {
        throw new MatrixNotAMatrixError(`"${name}"[${i}][${j}] is not a number`, { operand: name, row: i, col: j });
      }
      if (!Number.isFinite(x)) {
        throw new MatrixNonFiniteError(`"${name}"[${i}][${j}] is not finite`, { operand: name, row: i, col: j });
      }
      matrix.data[i * cols + j] = x;
    }
  }
  return { matrix, vector: false };
}

/** Parse a frame as a JSON object. */
export function parseJsonObject(frame: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(frame));
  } catch {
    throw new MatrixBadRequestError(`${what} is not valid UTF-8 JSON`, { reason: "invalid-json" });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MatrixBadRequestError(`${what} must be a JSON object`, { reason: "not-an-object" });
  }
  return value as Record<string, unknown>;
}

/** A decoded JSON request, plus whether solve's `b` was a flat vector (the reply mirrors it). */
export interface JsonRequest {
  readonly request: MatrixRequest;
  readonly vectorResult: boolean;
}

/** Decode and validate a JSON request object. */
export function decodeJsonRequest(value: Record<string, unknown>, limits: MatrixLimits): JsonRequest {
  const op = readOp(value);
  const operands = MATRIX_OPS[op] as readonly string[];
  const a = readMatrix("a", value["a"], limits).matrix;
  let b: Matrix | undefined;
  let vectorResult = false;
  if (operands.includes("b")) {
    const read = readMatrix("b", value["b"], limits, op === "solve");
    b = read.matrix;
    vectorResult = read.vector;
  }
  const request: MatrixRequest =
    op === "scale" ? { op, a, scalar: readScalar(value["scalar"]) } : b === undefined ? { op, a } : { op, a, b };
  return { request, vectorResult };
}

/** Encode a result as the JSON reply frame. */
export function encodeJsonReply(op: MatrixOp, result: MatrixResult, vectorResult: boolean): Uint8Array {
  let value: unknown;
  if (result.kind === "scalar") value = result.value;
  else if (vectorResult) value = Array.from(result.value.data);
  else value = toRows(result.value);
  return new TextEncoder().encode(JSON.stringify({ op, result: value }));
}
