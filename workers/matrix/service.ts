/**
 * One matrix request end to end, synchronously: body frames in, reply frames out. Runs inline for small
 * requests and inside a pool thread (thread.ts) for large ones.
 * @packageDocumentation
 */
import { decodeBinaryRequest, encodeBinaryReply } from "./binary-codec.js";
import { MatrixBadRequestError } from "./errors.js";
import { decodeJsonRequest, encodeJsonReply, parseJsonObject } from "./json-codec.js";
import { runMatrixRequest, type MatrixLimits } from "./request.js";

/**
 * Serve one request. The form is told by frame 0: a JSON object with a `dtype` field is the header
 * of the binary form; any other single frame is the JSON form. Throws MatrixError subclasses (with
 * `code` and `details`) for every bad input.
 */
export function serveMatrix(body: readonly Uint8Array[], limits: MatrixLimits): Uint8Array[] {
  const [first, ...rest] = body;
  if (first === undefined || first.byteLength === 0) {
    throw new MatrixBadRequestError("empty request: send a JSON object (docs/matrix-service.md)", { reason: "empty" });
  }
  const value = parseJsonObject(first, "frame 0");
  if (value["dtype"] !== undefined) {
    const request = decodeBinaryRequest(value, rest, limits);
    return encodeBinaryReply(request.op, runMatrixRequest(request));
  }
  if (rest.length > 0) {
    throw new MatrixBadRequestError(`the JSON form is one frame; got ${body.length} (binary requests need "dtype")`, {
      reason: "extra-frames",
      frames: body.length,
    });
  }
  const { request, vectorResult } = decodeJsonRequest(value, limits);
  return [encodeJsonReply(request.op, runMatrixRequest(request), vectorResult)];
}
