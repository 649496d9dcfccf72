/**
 * The matrix service's wire forms (docs/matrix-service.md): JSON and binary requests and replies, and
 * one error reply per kind of bad input, asserted by code and details.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readF64le, writeF64le } from "../../../workers/matrix/binary-codec.js";
import { serveMatrix } from "../../../workers/matrix/service.js";

const LIMITS = { maxElements: 10_000 };

function json(value: unknown): Buffer[] {
  return [Buffer.from(JSON.stringify(value))];
}

function callJson(value: unknown): unknown {
  const reply = serveMatrix(json(value), LIMITS);
  assert.equal(reply.length, 1);
  return JSON.parse(Buffer.from(reply[0]!).toString("utf8")) as unknown;
}

function f64(...values: number[]): Buffer {
  return Buffer.from(writeF64le(Float64Array.from(values)));
}

function callBinary(header: unknown, ...data: Buffer[]): { header: unknown; data: number[][] } {
  const reply = serveMatrix([Buffer.from(JSON.stringify(header)), ...data], LIMITS);
  return {
    header: JSON.parse(Buffer.from(reply[0]!).toString("utf8")) as unknown,
    data: reply.slice(1).map((frame) => Array.from(readF64le(frame))),
  };
}

describe("matrix service: JSON form", () => {
  it("answers every operation", () => {
    const a = [[1, 2], [3, 4]];
    assert.deepEqual(callJson({ op: "multiply", a, b: [[5], [6]] }), { op: "multiply", result: [[17], [39]] });
    assert.deepEqual(callJson({ op: "add", a, b: a }), { op: "add", result: [[2, 4], [6, 8]] });
    assert.deepEqual(callJson({ op: "subtract", a, b: a }), { op: "subtract", result: [[0, 0], [0, 0]] });
    assert.deepEqual(callJson({ op: "transpose", a }), { op: "transpose", result: [[1, 3], [2, 4]] });
    assert.deepEqual(callJson({ op: "scale", a, scalar: 0.5 }), { op: "scale", result: [[0.5, 1], [1.5, 2]] });
    const det = callJson({ op: "determinant", a }) as { op: string; result: number };
    assert.equal(det.op, "determinant");
    assert.ok(Math.abs(det.result - -2) < 1e-12);
    const inv = callJson({ op: "inverse", a: [[2, 0], [0, 4]] });
    assert.deepEqual(inv, { op: "inverse", result: [[0.5, 0], [0, 0.25]] });
    assert.deepEqual(callJson({ op: "solve", a: [[2, 0], [0, 4]], b: [2, 8] }), { op: "solve", result: [1, 2] });
    assert.deepEqual(callJson({ op: "solve", a: [[2, 0], [0, 4]], b: [[2], [8]] }), { op: "solve", result: [[1], [2]] });
  });

  const cases: [string, unknown, string, Record<string, unknown>?][] = [
    ["not JSON", "not json", "MATRIX_BAD_REQUEST", { reason: "invalid-json" }],
    ["a JSON array", [1, 2], "MATRIX_BAD_REQUEST", { reason: "not-an-object" }],
    ["no op", { a: [[1]] }, "MATRIX_BAD_REQUEST", { field: "op" }],
    ["unknown op", { op: "frobnicate", a: [[1]] }, "MATRIX_UNKNOWN_OP", { op: "frobnicate" }],
    ["missing operand", { op: "multiply", a: [[1]] }, "MATRIX_BAD_REQUEST", { operand: "b" }],
    ["a number for a matrix", { op: "transpose", a: 5 }, "MATRIX_NOT_A_MATRIX", { operand: "a" }],
    ["an empty matrix", { op: "transpose", a: [] }, "MATRIX_NOT_A_MATRIX", { operand: "a" }],
    ["an empty row", { op: "transpose", a: [[]] }, "MATRIX_NOT_A_MATRIX", { operand: "a", row: 0 }],
    ["a flat array for a", { op: "transpose", a: [1, 2] }, "MATRIX_NOT_A_MATRIX", { operand: "a", row: 0 }],
    ["a string element", { op: "transpose", a: [[1, "2"]] }, "MATRIX_NOT_A_MATRIX", { operand: "a", row: 0, col: 1 }],
    ["a null element", { op: "transpose", a: [[1], [null]] }, "MATRIX_NOT_A_MATRIX", { operand: "a", row: 1, col: 0 }],
    ["ragged rows", { op: "transpose", a: [[1, 2], [3]] }, "MATRIX_RAGGED", { operand: "a", row: 1, expected: 2, got: 1 }],
    ["shape mismatch", { op: "add", a: [[1, 2]], b: [[1], [2]] }, "MATRIX_SHAPE_MISMATCH", { op: "add", a: [1, 2], b: [2, 1] }],
    ["non-square inverse", { op: "inverse", a: [[1, 2]] }, "MATRIX_SHAPE_MISMATCH", { op: "inverse" }],
    ["singular inverse", { op: "inverse", a: [[1, 2], [2, 4]] }, "MATRIX_SINGULAR", { op: "inverse" }],
    ["singular solve", { op: "solve", a: [[1, 2], [2, 4]], b: [1, 2] }, "MATRIX_SINGULAR", { op: "solve" }],
    ["a missing scalar", { op: "scale", a: [[1]] }, "MATRIX_BAD_REQUEST", { field: "scalar" }],
    ["too many elements", { op: "transpose", a: [new Array<number>(10_001).fill(1)] }, "MATRIX_TOO_LARGE", { operand: "a", maxElements: 10_000 }],
    ["an overflowing result", { op: "scale", a: [[1e308]], scalar: 10 }, "MATRIX_NON_FINITE", { where: "result" }],
  ];
  for (const [what, body, code, details] of cases) {
    it(`answers ${what} with ${code}`, () => {
      const frames = typeof body === "string" ? [Buffer.from(body)] : json(body);
      assert.throws(() => serveMatrix(frames, LIMITS), (error: { code?: string; details?: Record<string, unknown> }) => {
        assert.equal(error.code, code);
        for (const [key, value] of Object.entries(details ?? {})) assert.deepEqual(error.details?.[key], value, key);
        return true;
      });
    });
  }

  it("answers non-finite input (1e999 parses to Infinity) with MATRIX_NON_FINITE", () => {
    assert.throws(() => serveMatrix([Buffer.from('{"op":"transpose","a":[[1,1e999]]}')], LIMITS), {
      code: "MATRIX_NON_FINITE",
      details: { operand: "a", row: 0, col: 1 },
    });
  });

  it("answers an empty body and extra frames with MATRIX_BAD_REQUEST", () => {
    assert.throws(() => serveMatrix([Buffer.alloc(0)], LIMITS), { code: "MATRIX_BAD_REQUEST" });
    assert.throws(() => serveMatrix([], LIMITS), { code: "MATRIX_BAD_REQUEST" });
    assert.throws(() => serveMatrix([...json({ op: "transpose", a: [[1]] }), Buffer.from("x")], LIMITS), {
      code: "MATRIX_BAD_REQUEST",
      details: { reason: "extra-frames", frames: 2 },
    });
  });
});

describe("matrix service: binary form", () => {
  it("multiplies, with a row-major float64 reply", () => {
    const reply = callBinary({ op: "multiply", dtype: "f64le", shapes: [[2, 2], [2, 1]] }, f64(1, 2, 3, 4), f64(5, 6));
    assert.deepEqual(reply.header, { op: "multiply", dtype: "f64le", shape: [2, 1] });
    assert.deepEqual(reply.data, [[17, 39]]);
  });

  it("returns a scalar result as shape [] and one 8-byte frame", () => {
    const reply = callBinary({ op: "determinant", dtype: "f64le", shapes: [[2, 2]] }, f64(0, 1, 1, 0));
    assert.deepEqual(reply.header, { op: "determinant", dtype: "f64le", shape: [] });
    assert.deepEqual(reply.data, [[-1]]);
  });

  it("scales with the header's scalar and solves with an n x 1 right-hand side", () => {
    assert.deepEqual(callBinary({ op: "scale", dtype: "f64le", shapes: [[1, 3]], scalar: 2 }, f64(1, 2, 3)).data, [[2, 4, 6]]);
    assert.deepEqual(callBinary({ op: "solve", dtype: "f64le", shapes: [[2, 2], [2, 1]] }, f64(2, 0, 0, 4), f64(2, 8)).data, [[1, 2]]);
  });

  it("reads frames that are not 8-byte aligned", () => {
    const backing = Buffer.alloc(8 * 4 + 1);
    const unaligned = backing.subarray(1);
    f64(1, 2, 3, 4).copy(unaligned);
    const reply = callBinary({ op: "transpose", dtype: "f64le", shapes: [[2, 2]] }, unaligned);
    assert.deepEqual(reply.data, [[1, 3, 2, 4]]);
  });

  const header = (extra: Record<string, unknown>): Record<string, unknown> => ({ op: "transpose", dtype: "f64le", shapes: [[1, 2]], ...extra });
  const cases: [string, Record<string, unknown>, Buffer[], string][] = [
    ["a wrong dtype", header({ dtype: "f32le" }), [f64(1, 2)], "MATRIX_BAD_REQUEST"],
    ["a missing shapes", header({ shapes: undefined }), [f64(1, 2)], "MATRIX_BAD_REQUEST"],
    ["too few data frames", { op: "add", dtype: "f64le", shapes: [[1, 2], [1, 2]] }, [f64(1, 2)], "MATRIX_BAD_REQUEST"],
    ["a frame of the wrong length", header({}), [f64(1, 2, 3)], "MATRIX_BAD_REQUEST"],
    ["a bad shape", header({ shapes: [[0, 2]] }), [Buffer.alloc(0)], "MATRIX_NOT_A_MATRIX"],
    ["a fractional shape", header({ shapes: [[1.5, 2]] }), [f64(1, 2)], "MATRIX_NOT_A_MATRIX"],
    ["NaN data", header({}), [f64(1, Number.NaN)], "MATRIX_NON_FINITE"],
    ["infinite data", header({}), [f64(Number.NEGATIVE_INFINITY, 1)], "MATRIX_NON_FINITE"],
    ["a too large shape", header({ shapes: [[1000, 1000]] }), [Buffer.alloc(8)], "MATRIX_TOO_LARGE"],
    ["mismatched shapes", { op: "multiply", dtype: "f64le", shapes: [[1, 2], [1, 2]] }, [f64(1, 2), f64(1, 2)], "MATRIX_SHAPE_MISMATCH"],
    ["an unknown op", header({ op: "cube" }), [f64(1, 2)], "MATRIX_UNKNOWN_OP"],
  ];
  for (const [what, head, data, code] of cases) {
    it(`answers ${what} with ${code}`, () => {
      assert.throws(() => serveMatrix([Buffer.from(JSON.stringify(head)), ...data], LIMITS), { code });
    });
  }
});
