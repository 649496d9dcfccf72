/**
 * Error replies (docs/protocol.md, Extension 2): `["domo-error/1"][code][message][details]?`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrokerErrorCode, ERROR_REPLY_MARKER, decodeErrorReply, encodeErrorReply } from "../../../protocol/error-reply.js";

const text = (frames: Buffer[]): string[] => frames.map((f) => f.toString("utf8"));

describe("error reply", () => {
  it("encodes three frames, or four with JSON details", () => {
    assert.deepEqual(text(encodeErrorReply({ code: "DOMO_OVERLOADED", message: "queue full" })), [ERROR_REPLY_MARKER, "DOMO_OVERLOADED", "queue full"]);
    assert.deepEqual(text(encodeErrorReply({ code: "X", message: "m", details: { n: 1 } })), [ERROR_REPLY_MARKER, "X", "m", '{"n":1}']);
  });

  it("round-trips code, UTF-8 message and details", () => {
    for (const error of [
      { code: BrokerErrorCode.WORKER_LOST, message: "the worker died — réessayez" },
      { code: "MATRIX_SINGULAR", message: "det = 0", details: { rows: 3, values: [1, 2] } },
      { code: "X", message: "", details: null },
    ]) {
      assert.deepEqual(decodeErrorReply(encodeErrorReply(error)), error);
    }
  });

  it("keeps a details frame that is not JSON as text", () => {
    const frames = [...encodeErrorReply({ code: "X", message: "m" }), Buffer.from("{not json")];
    assert.deepEqual(decodeErrorReply(frames), { code: "X", message: "m", details: "{not json" });
  });

  it("is undefined for ordinary replies and for other shapes", () => {
    const marker = Buffer.from(ERROR_REPLY_MARKER);
    for (const body of [
      [],
      [Buffer.from("hello")],
      [marker, Buffer.from("X")],
      [Buffer.from("domo-error/2"), Buffer.from("X"), Buffer.from("m")],
      [marker, Buffer.from("X"), Buffer.from("m"), Buffer.from("{}"), Buffer.from("extra")],
      [Buffer.from("200")],
    ]) {
      assert.equal(decodeErrorReply(body), undefined, text(body).join("|"));
    }
  });

  it("lists the broker's codes with the DOMO_ prefix", () => {
    for (const code of Object.values(BrokerErrorCode)) assert.match(code, /^DOMO_[A-Z_]+$/);
  });
});
