/**
 * Pool thread of the matrix worker: decodes, computes and encodes one request off the worker's event
 * loop, so a 316 x 316 multiply (or a 1024 x 1024 inverse) never delays its heartbeats.
 * @packageDocumentation
 */
import { serveThreadTasks, withTransfer } from "../../worker-sdk/thread-task.js";
import type { MatrixLimits } from "./request.js";
import { serveMatrix } from "./service.js";

/** What the worker sends a thread: the request's body frames (moved, not copied) and the limits. */
export interface MatrixTask {
  readonly frames: readonly ArrayBuffer[];
  readonly limits: MatrixLimits;
}

/** A buffer holding exactly these bytes, safe to transfer (never a slice of a shared pool). */
function own(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

serveThreadTasks((task: MatrixTask) => {
  const reply = serveMatrix(
    task.frames.map((f) => new Uint8Array(f)),
    task.limits,
  ).map(own);
  return withTransfer(reply, reply);
});
