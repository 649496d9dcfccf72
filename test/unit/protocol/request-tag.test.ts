/**
 * The request tag (docs/protocol.md, Extension 1): layout, round trip, bounds, and frames that are
 * not tags.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MAX_REQUEST_ID_BYTES, REQUEST_TAG_VERSION, RequestTagFlag, decodeRequestTag, encodeRequestTag, type RequestTag } from "../../../protocol/request-tag.js";

const base: RequestTag = { acceptsErrorReplies: true, idempotent: false, attempt: 3, ttlMs: 1500, requestId: Buffer.from("abc") };

describe("request tag", () => {
  it("has the documented byte layout", () => {
    const frame = encodeRequestTag(base);
    assert.equal(frame.subarray(0, 4).toString("latin1"), "DOMO");
    assert.equal(frame[4], REQUEST_TAG_VERSION);
    assert.equal(frame[5], RequestTagFlag.ACCEPTS_ERROR_REPLIES | RequestTagFlag.NOT_IDEMPOTENT);
    assert.equal(frame[6], 3);
    assert.equal(frame.readUInt32BE(7), 1500);
    assert.equal(frame.subarray(11).toString("latin1"), "abc");
    assert.equal(frame.length, 14);
  });

  it("round-trips every field", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ minLength: 1, maxLength: MAX_REQUEST_ID_BYTES }),
        (acceptsErrorReplies, idempotent, attempt, ttlMs, id) => {
          const tag = { acceptsErrorReplies, idempotent, attempt, ttlMs, requestId: Buffer.from(id) };
          assert.deepEqual(decodeRequestTag(encodeRequestTag(tag)), tag);
        },
      ),
      { seed: 13, numRuns: 500 },
    );
  });

  it("wraps the attempt at 256 and clamps ttlMs into 0..2^32-1 (floored)", () => {
    assert.equal(decodeRequestTag(encodeRequestTag({ ...base, attempt: 257 }))?.attempt, 1);
    assert.equal(decodeRequestTag(encodeRequestTag({ ...base, ttlMs: -5 }))?.ttlMs, 0);
    assert.equal(decodeRequestTag(encodeRequestTag({ ...base, ttlMs: 2 ** 40 }))?.ttlMs, 0xffffffff);
    assert.equal(decodeRequestTag(encodeRequestTag({ ...base, ttlMs: 99.9 }))?.ttlMs, 99);
  });

  it("refuses request ids outside 1..64 bytes with RangeError", () => {
    assert.throws(() => encodeRequestTag({ ...base, requestId: Buffer.alloc(0) }), RangeError);
    assert.throws(() => encodeRequestTag({ ...base, requestId: Buffer.alloc(MAX_REQUEST_ID_BYTES + 1) }), RangeError);
    assert.equal(decodeRequestTag(encodeRequestTag({ ...base, requestId: Buffer.alloc(MAX_REQUEST_ID_BYTES, 1) }))?.requestId.length, 64);
  });

  it("treats frames that are not valid tags as opaque envelope frames (undefined)", () => {
    const good = encodeRequestTag(base);
    const wrongMagic = Buffer.from(good);
    wrongMagic[0] = 0x58;
    const wrongVersion = Buffer.from(good);
    wrongVersion[4] = 2;
    for (const frame of [undefined, Buffer.alloc(0), good.subarray(0, 11), Buffer.concat([good, Buffer.alloc(64)]), wrongMagic, wrongVersion, Buffer.from("C1")]) {
      assert.equal(decodeRequestTag(frame), undefined, frame?.toString("hex"));
    }
  });
});
