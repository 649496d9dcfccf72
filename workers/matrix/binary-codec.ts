/**
 * The binary form of matrix requests and replies, for large operands (docs/matrix-service.md):
 * ```
 * request: [ {"op":"multiply","dtype":"f64le","shapes":[[r,c],[r,c]]} ][ a: r*c*8 bytes ][ b: ... ]
 * reply:   [ {"op":"multiply","dtype":"f64le","shape":[r,c]} ][ r*c*8 bytes ]
 * ```
 * Data frames are row-major little-endian IEEE 754 float64. A scalar result (determinant) has
 * `"shape":[]` and one 8-byte frame.
 * @packageDocumentation
 */
import { MatrixBadRequestError, MatrixNonFiniteError, MatrixNotAMatrixError } from "./errors.js";
import { checkSize, readOp, readScalar } from "./json-codec.js";
import type { Matrix } from "./matrix.js";
import { MATRIX_OPS, type MatrixLimits, type MatrixOp, type MatrixRequest, type MatrixResult } from "./request.js";

/** The only element type of the binary form. */
export const BINARY_DTYPE = "f64le";
const BYTES = 8;
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Float64 view (or copy) of little-endian bytes. */
export function readF64le(frame: Uint8Array): Float64Array {
  const count = frame.byteLength / BYTES;
  // Zero-copy when the bytes are aligned for Float64Array; operations never write to their inputs.
  if (LITTLE_ENDIAN && frame.byteOffset % BYTES === 0) return new Float64Array(frame.buffer, frame.byteOffset, count);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 1) out[i] = view.getFloat64(i * BYTES, true);
  return out;
}

/** Little-endian bytes of Float64 data, in a buffer of their own (transferable). */
export function writeF64le(data: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = new Uint8Array(data.length * BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i += 1) view.setFloat64(i * BYTES, data[i]!, true);
  return out;
}

function readShape(value: unknown, index: number): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 1)
  ) {
    throw new MatrixNotAMatrixError(`shapes[${index}] must be [rows, cols] with whole numbers >= 1`, { shape: index });
  }
  return [value[0] as number, value[1] as number];
}

/** Decode and validate a binary request (header object already parsed from frame 0). */
export function decodeBinaryRequest(
  header: Record<string, unknown>,
  data: readonly Uint8Array[],
  limits: MatrixLimits,
): MatrixRequest {
  const op = readOp(header);
  if (header["dtype"] !== BINARY_DTYPE) {
    throw new MatrixBadRequestError(`"dtype" must be "${BINARY_DTYPE}"`, { field: "dtype" });
  }
  const names = MATRIX_OPS[op] as readonly ("a" | "b")[];
  const shapes: unknown = header["shapes"];
  if (!Array.isArray(shapes) || shapes.length !== names.length) {
    throw new MatrixBadRequestError(`${op} needs "shapes" with ${names.length} entr${names.length === 1 ? "y" : "ies"}`, {
      field: "shapes",
      expected: names.length,
    });
  }
  if (data.length !== names.length) {
    throw new MatrixBadRequestError(`${op} needs ${names.length} data frame(s) after the header, got ${data.length}`, {
      expected: names.length,
      got: data.length,
    });
  }
  const operands = names.map((name, i): Matrix => {
    const [rows, cols] = readShape(shapes[i], i);
    checkSize(name, rows, cols, limits);
    const frame = data[i]!;
    if (frame.byteLength !== rows * cols * BYTES) {
      throw new MatrixBadRequestError(`frame ${i + 1} ("${name}") has ${frame.byteLength} bytes; ${rows}x${cols} float64 needs ${rows * cols * BYTES}`, {
        operand: name,
        bytes: frame.byteLength,
        expected: rows * cols * BYTES,
      });
    }
    const values = readF64le(frame);
    for (let k = 0; k < values.length; k += 1) {
      if (!Number.isFinite(values[k]!)) {
        const row = Math.floor(k / cols);
        throw new MatrixNonFiniteError(`"${name}"[${row}][${k % cols}] is not finite`, { operand: name, row, col: k % cols });
      }
    }
    return { rows, cols, data: values };
  });
  const a = operands[0]!;
  if (op === "scale") return { op, a, scalar: readScalar(header["scalar"]) };
  const b = operands[1];
  return b === undefined ? { op, a } : { op, a, b };
}

/** Encode a result as binary reply frames. */
export function encodeBinaryReply(op: MatrixOp, result: MatrixResult): Uint8Array[] {
  const encoder = new TextEncoder();
  if (result.kind === "scalar") {
    return [encoder.encode(JSON.stringify({ op, dtype: BINARY_DTYPE, shape: [] })), writeF64le(new Float64Array([result.value]))];
  }
  const m = result.value;
  return [encoder.encode(JSON.stringify({ op, dtype: BINARY_DTYPE, shape: [m.rows, m.cols] })), writeF64le(m.data)];
}
