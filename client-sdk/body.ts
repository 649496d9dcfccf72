/**
 * Request bodies in, reply frames out. Buffers pass through untouched (no copies); strings are UTF-8.
 * @packageDocumentation
 */
import { InvalidArgumentError, InvalidReplyError } from "./errors.js";

/** One body frame as a caller may give it. */
export type BodyFrame = string | Uint8Array;
/** A request body: one frame, or several frames of one multipart message. */
export type RequestBody = BodyFrame | readonly BodyFrame[];

function toFrame(frame: BodyFrame, index: number): Buffer {
  if (typeof frame === "string") return Buffer.from(frame, "utf8");
  if (Buffer.isBuffer(frame)) return frame;
  if (frame instanceof Uint8Array) return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  throw new InvalidArgumentError(`body[${index}]`, "must be a string, Buffer or Uint8Array");
}

/**
 * Body frames for a request. An empty array becomes one empty frame: RFC 7 requires at least one body
 * frame, and some brokers drop a REQUEST without one.
 */
export function toBodyFrames(body: RequestBody): Buffer[] {
  if (typeof body === "string" || body instanceof Uint8Array) return [toFrame(body, 0)];
  if (!Array.isArray(body)) throw new InvalidArgumentError("body", "must be a string, Buffer, Uint8Array or an array of them");
  const frames = (body as readonly BodyFrame[]).map(toFrame);
  return frames.length > 0 ? frames : [Buffer.alloc(0)];
}

/** The reply read as UTF-8 text: all frames, concatenated (one-frame replies are the usual case). */
export function replyText(frames: readonly Buffer[]): string {
  return frames.length === 1 ? frames[0]!.toString("utf8") : Buffer.concat(frames).toString("utf8");
}

/** The reply parsed as JSON; throws InvalidReplyError (with the parse error as `cause`) when it is not. */
export function replyJson<T = unknown>(frames: readonly Buffer[]): T {
  const text = replyText(frames);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const preview = text.length > 80 ? `${text.slice(0, 80)}...` : text;
    throw new InvalidReplyError(`reply is not JSON: ${JSON.stringify(preview)}`, { cause: err });
  }
}
