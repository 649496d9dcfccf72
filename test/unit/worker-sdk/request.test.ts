/** Reply bodies and error replies built from what handlers return or throw. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorReplyFor, toReplyFrames } from "../../../worker-sdk/request.js";
import { ServiceError } from "../../../worker-sdk/errors.js";

describe("reply frames", () => {
  it("turns strings, Buffers, Uint8Arrays and arrays into frames, without copying Buffers", () => {
    const buffer = Buffer.from("b");
    assert.deepEqual(toReplyFrames("héllo"), [Buffer.from("héllo", "utf8")]);
    assert.equal(toReplyFrames(buffer)[0], buffer);
    assert.deepEqual(toReplyFrames(new Uint8Array([1, 2])), [Buffer.from([1, 2])]);
    assert.deepEqual(toReplyFrames(["a", buffer, new Uint8Array([3])]), [Buffer.from("a"), buffer, Buffer.from([3])]);
  });

  it("sends one empty frame for nothing or an empty array (MDP needs a body frame)", () => {
    assert.deepEqual(toReplyFrames(undefined), [Buffer.alloc(0)]);
    assert.deepEqual(toReplyFrames([]), [Buffer.alloc(0)]);
  });

  it("rejects values that are not frames", () => {
    assert.throws(() => toReplyFrames(42 as unknown as string), { code: "DOMO_WORKER_INVALID_ARGUMENT" });
    assert.throws(() => toReplyFrames([{}] as unknown as string[]), { code: "DOMO_WORKER_INVALID_ARGUMENT" });
  });
});

describe("error replies", () => {
  it("uses DOMO_HANDLER_ERROR for errors without a code", () => {
    assert.deepEqual(errorReplyFor(new Error("boom")), { code: "DOMO_HANDLER_ERROR", message: "boom" });
    assert.deepEqual(errorReplyFor("plain string"), { code: "DOMO_HANDLER_ERROR", message: "plain string" });
  });

  it("keeps an error's own code and JSON details", () => {
    assert.deepEqual(errorReplyFor(new ServiceError("X_BAD", "bad x", { x: 1 })), { code: "X_BAD", message: "bad x", details: { x: 1 } });
    const coded = Object.assign(new Error("nope"), { code: "ENOENT" });
    assert.deepEqual(errorReplyFor(coded), { code: "ENOENT", message: "nope" });
  });

  it("drops details that cannot be serialised instead of failing", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    assert.deepEqual(errorReplyFor(new ServiceError("X", "m", cyclic)), { code: "X", message: "m" });
  });
});
