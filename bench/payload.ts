/**
 * Request bodies the load clients send: an echo body of N bytes, or a matrix request of about N elements
 * per operand (a square n x n matrix, n = round(sqrt(N))) in the JSON or binary form of
 * docs/matrix-service.md. Built once per client and reused, so building costs nothing per request.
 * @packageDocumentation
 */
import { BINARY_DTYPE } from "../workers/matrix/binary-codec.js";
import { MATRIX_OPS, type MatrixOp } from "../workers/matrix/request.js";

/** What the workers do. */
export const Workload = { ECHO: "echo", MATRIX: "matrix" } as const;
/** One of the workloads. */
export type Workload = (typeof Workload)[keyof typeof Workload];

/** Wire form of matrix requests. */
export const Encoding = { JSON: "json", BINARY: "binary" } as const;
/** One of the encodings. */
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** The request every client sends in a run. */
export interface PayloadSpec {
  workload: Workload;
  /** Echo: body bytes. Matrix: elements per operand (rounded to a square). */
  size: number;
  /** Matrix operation. */
  op: MatrixOp;
  encoding: Encoding;
}

/** Side of the square matrix for about `elements` elements. */
export function matrixSide(elements: number): number {
  return Math.max(1, Math.round(Math.sqrt(elements)));
}

/** A short human label: "echo 100 B", "matrix add 1K binary". */
export function describePayload(spec: PayloadSpec): string {
  if (spec.workload === Workload.ECHO) return `echo ${spec.size} B`;
  return `matrix ${spec.op} ${formatCount(spec.size)} ${spec.encoding}`;
}

/** 1000 -> "1K", 100000 -> "100K". */
export function formatCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}K`;
  return String(n);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run sends the same matrices. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * I + small noise, row-major: strictly diagonally dominant (off-diagonal row sums < 0.5), so `inverse`,
 * `solve` and `determinant` never meet a singular matrix and the determinant stays finite at any size.
 */
function wellConditioned(rows: number, cols: number, seed: number): Float64Array {
  const next = random(seed);
  const data = new Float64Array(rows * cols);
  const noise = 0.5 / Math.max(1, cols);
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < cols; j += 1) data[i * cols + j] = (i === j ? 1 : 0) + next() * noise;
  }
  return data;
}

function toRows(data: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

/** The body frames of one request. */
export function buildRequestBody(spec: PayloadSpec): Buffer[] {
  if (spec.workload === Workload.ECHO) return [Buffer.alloc(spec.size, 0x61)];
  const n = matrixSide(spec.size);
  const operands = MATRIX_OPS[spec.op];
  const shapes: [number, number][] = operands.map((name) => (name === "b" && spec.op === "solve" ? [n, 1] : [n, n]));
  const data = shapes.map(([rows, cols], i) => wellConditioned(rows, cols, 17 + i));
  const scalar = spec.op === "scale" ? { scalar: 1.5 } : {};
  if (spec.encoding === Encoding.BINARY) {
    const header = Buffer.from(JSON.stringify({ op: spec.op, dtype: BINARY_DTYPE, shapes, ...scalar }));
    return [header, ...data.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength))];
  }
  const json: Record<string, unknown> = { op: spec.op, ...scalar };
  operands.forEach((name, i) => {
    const [rows, cols] = shapes[i]!;
    json[name] = toRows(data[i]!, rows, cols);
  });
  return [Buffer.from(JSON.stringify(json))];
}
