/**
 * The domo request tag: an optional, versioned envelope frame that SDK clients put just before the
 * envelope delimiter (docs/protocol.md, "Extension 1"). Brokers that do not know it return it untouched
 * with the reply, as every ROUTER-based MDP broker returns the envelope, so a client can correlate many
 * requests on one DEALER. domo's broker also reads it: the deadline, the opt-in to error replies, and
 * the request id used to drop duplicate retries.
 *
 * Layout (big-endian):
 * ```
 * 0..3  "DOMO"   magic
 * 4     0x01     tag version
 * 5     flags    bit 0: client accepts error replies; bit 1: request is not idempotent
 * 6     attempt  1 for the first send, +1 per retry (wraps at 255)
 * 7..10 ttlMs    remaining deadline in ms when sent; 0 = no deadline
 * 11..  id       request id, 1..64 bytes, unique per client
 * ```
 * @packageDocumentation
 */

const MAGIC = Buffer.from("DOMO", "latin1");
/** Version byte of the tag layout above. */
export const REQUEST_TAG_VERSION = 1;
const HEADER_BYTES = 11;
/** Longest request id a tag carries. */
export const MAX_REQUEST_ID_BYTES = 64;

/** Flag bits of the tag. */
export const RequestTagFlag = {
  ACCEPTS_ERROR_REPLIES: 0x01,
  NOT_IDEMPOTENT: 0x02,
} as const;

/** A decoded request tag. */
export interface RequestTag {
  readonly acceptsErrorReplies: boolean;
  readonly idempotent: boolean;
  readonly attempt: number;
  /** Remaining deadline when the client sent the request, in ms; 0 when the request has none. */
  readonly ttlMs: number;
  readonly requestId: Buffer;
}

/** Encode a tag frame. Throws RangeError on an id outside 1..64 bytes (caller input, not peer input). */
export function encodeRequestTag(tag: RequestTag): Buffer {
  if (tag.requestId.length < 1 || tag.requestId.length > MAX_REQUEST_ID_BYTES) {
    throw new RangeError(`requestId must be 1..${MAX_REQUEST_ID_BYTES} bytes, got ${tag.requestId.length}`);
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + tag.requestId.length);
  MAGIC.copy(frame, 0);
  frame[4] = REQUEST_TAG_VERSION;
  frame[5] =
    (tag.acceptsErrorReplies ? RequestTagFlag.ACCEPTS_ERROR_REPLIES : 0) |
    (tag.idempotent ? 0 : RequestTagFlag.NOT_IDEMPOTENT);
  frame[6] = tag.attempt & 0xff;
  frame.writeUInt32BE(Math.max(0, Math.min(0xffffffff, Math.floor(tag.ttlMs))), 7);
  tag.requestId.copy(frame, HEADER_BYTES);
  return frame;
}

/** Decode a frame as a tag; `undefined` when it is not one (any other envelope frame is opaque). */
export function decodeRequestTag(frame: Buffer | undefined): RequestTag | undefined {
  if (frame === undefined || frame.length <= HEADER_BYTES || frame.length > HEADER_BYTES + MAX_REQUEST_ID_BYTES) {
    return undefined;
  }
  if (frame.compare(MAGIC, 0, 4, 0, 4) !== 0 || frame[4] !== REQUEST_TAG_VERSION) return undefined;
  const flags = frame[5]!;
  return {
    acceptsErrorReplies: (flags & RequestTagFlag.ACCEPTS_ERROR_REPLIES) !== 0,
    idempotent: (flags & RequestTagFlag.NOT_IDEMPOTENT) === 0,
    attempt: frame[6]!,
    ttlMs: frame.readUInt32BE(7),
    requestId: frame.subarray(HEADER_BYTES),
  };
}
