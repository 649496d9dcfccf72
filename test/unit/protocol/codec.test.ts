/**
 * The MDP/0.1 codec: every encoder round-trips through its decoder, bodies pass by reference, and
 * decoders return a decode issue (never throw) for every malformed shape, one code per way.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  encodeBrokerDisconnect,
  encodeBrokerHeartbeat,
  encodeClientReply,
  encodeClientRequest,
  encodeReady,
  encodeWorkerDisconnect,
  encodeWorkerHeartbeat,
  encodeWorkerReply,
  encodeWorkerRequest,
} from "../../../protocol/encode.js";
import { decodeBrokerInbound, decodeClientReply, decodeWorkerInbound } from "../../../protocol/decode.js";
import { DecodeIssueCode, isDecodeIssue, type DecodeIssue } from "../../../protocol/errors.js";

const b = (s: string): Buffer => Buffer.from(s, "latin1");
const f = (...parts: (string | number[])[]): Buffer[] => parts.map((p) => (typeof p === "string" ? b(p) : Buffer.from(p)));
const WID = b("W1");
const CID = b("C1");

function expectIssue(result: { kind: string }, code: DecodeIssueCode, fromWorker?: boolean): DecodeIssue {
  assert.ok(isDecodeIssue(result as never), `expected ${code}, got ${result.kind}`);
  const issue = result as DecodeIssue;
  assert.equal(issue.code, code);
  if (fromWorker !== undefined) assert.equal(issue.fromWorker, fromWorker, `${code}: fromWorker`);
  return issue;
}

describe("protocol codec: round trips", () => {
  it("worker commands encode, then decode as the broker's ROUTER sees them", () => {
    assert.deepEqual(decodeBrokerInbound([WID, ...encodeReady("echo")]), { kind: "worker-ready", sender: WID, service: "echo" });
    assert.deepEqual(decodeBrokerInbound([WID, ...encodeWorkerHeartbeat()]), { kind: "worker-heartbeat", sender: WID });
    assert.deepEqual(decodeBrokerInbound([WID, ...encodeWorkerDisconnect()]), { kind: "worker-disconnect", sender: WID });
    const body = [b("a"), Buffer.alloc(0), b("c")];
    const reply = decodeBrokerInbound([WID, ...encodeWorkerReply(CID, body)]);
    assert.equal(reply.kind, "worker-reply");
    if (reply.kind !== "worker-reply") return;
    assert.ok(reply.clientAddress.equals(CID));
    // Same Buffer objects: the broker does not copy bodies.
    assert.ok(reply.body.every((frame, i) => frame === body[i]));
  });

  it("a worker REPLY without body frames decodes with one empty body frame", () => {
    const reply = decodeBrokerInbound([WID, ...encodeWorkerReply(CID, [])]);
    assert.equal(reply.kind, "worker-reply");
    if (reply.kind === "worker-reply") assert.deepEqual(reply.body.map((x) => x.length), [0]);
  });

  it("a worker sending REQUEST (\\x02) decodes as unexpected, not as an issue", () => {
    assert.deepEqual(decodeBrokerInbound([WID, ...f("", "MDPW01", [0x02], "C1", "", "x")]), { kind: "worker-unexpected", sender: WID, command: 2 });
  });

  it("broker -> worker commands decode on the worker's DEALER (routing id stripped)", () => {
    const body = [b("x"), Buffer.alloc(0)];
    const request = encodeWorkerRequest(WID, CID, body);
    assert.ok(request[0] === WID);
    const decoded = decodeWorkerInbound(request.slice(1));
    assert.equal(decoded.kind, "broker-request");
    if (decoded.kind === "broker-request") {
      assert.ok(decoded.clientAddress.equals(CID));
      assert.ok(decoded.body.every((frame, i) => frame === body[i]));
    }
    assert.deepEqual(decodeWorkerInbound(encodeBrokerHeartbeat(WID).slice(1)), { kind: "broker-heartbeat" });
    assert.deepEqual(decodeWorkerInbound(encodeBrokerDisconnect(WID).slice(1)), { kind: "broker-disconnect" });
  });

  it("client REQUEST and REPLY round-trip with any envelope, service and body", () => {
    const frame = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 3 }),
        fc.string({ minLength: 1, maxLength: 20 }).map((s) => Buffer.from(s, "utf8").toString("latin1")),
        fc.array(fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.from(a)), { minLength: 1, maxLength: 5 }),
        (envelope, service, body) => {
          const request = decodeBrokerInbound([CID, ...encodeClientRequest(envelope, service, body)]);
          assert.equal(request.kind, "client-request");
          if (request.kind !== "client-request") return;
          assert.deepEqual(request.envelope, [CID, ...envelope]);
          assert.equal(request.service, service);
          assert.deepEqual(request.body, body);
          // The reply goes back with the whole envelope; the DEALER sees it without the routing id.
          const wire = encodeClientReply(request.envelope, request.serviceFrame, body);
          assert.ok(wire[0] === CID);
          const reply = decodeClientReply(wire.slice(1));
          assert.equal(reply.kind, "client-reply");
          if (reply.kind !== "client-reply") return;
          assert.deepEqual(reply.envelope, envelope);
          assert.equal(reply.service, service);
          assert.deepEqual(reply.body, body);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });

  it("a client REQUEST without body frames decodes with one empty body frame", () => {
    const request = decodeBrokerInbound([CID, ...f("", "MDPC01", "echo")]);
    assert.equal(request.kind, "client-request");
    if (request.kind === "client-request") assert.deepEqual(request.body.map((x) => x.length), [0]);
  });
});

interface IssueCase {
  frames: Buffer[];
  code: DecodeIssueCode;
  fromWorker?: boolean;
}

/** Every malformed shape the broker's ROUTER can receive, with its code. */
const brokerInboundCases: IssueCase[] = [
  { frames: [], code: DecodeIssueCode.TOO_FEW_FRAMES, fromWorker: false },
  { frames: [CID, b("")], code: DecodeIssueCode.TOO_FEW_FRAMES, fromWorker: false },
  { frames: [CID, ...f("x", "")], code: DecodeIssueCode.TOO_FEW_FRAMES },
  { frames: [CID, ...f("", "MDPC01")], code: DecodeIssueCode.TOO_FEW_FRAMES, fromWorker: false },
  { frames: [CID, ...f("MDPC01", "echo", "x")], code: DecodeIssueCode.NO_DELIMITER, fromWorker: false },
  { frames: [CID, ...f("MDPC02", [0x01], "echo", "x")], code: DecodeIssueCode.UNSUPPORTED_VERSION, fromWorker: false },
  { frames: [WID, ...f("MDPW02", [0x01], "echo")], code: DecodeIssueCode.UNSUPPORTED_VERSION, fromWorker: true },
  { frames: [CID, ...f("", "XXXX01", "echo", "x")], code: DecodeIssueCode.UNKNOWN_HEADER, fromWorker: false },
  { frames: [CID, ...f("", "MDPC01", "", "x")], code: DecodeIssueCode.EMPTY_SERVICE, fromWorker: false },
  { frames: [WID, ...f("", "MDPW01", [0x01], "")], code: DecodeIssueCode.EMPTY_SERVICE, fromWorker: true },
  { frames: [WID, ...f("proxy", "", "MDPW01", [0x04])], code: DecodeIssueCode.WORKER_ENVELOPE, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01")], code: DecodeIssueCode.BAD_COMMAND_FRAME, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x01, 0x00], "echo")], code: DecodeIssueCode.BAD_COMMAND_FRAME, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", "", "echo")], code: DecodeIssueCode.BAD_COMMAND_FRAME, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x07])], code: DecodeIssueCode.UNKNOWN_COMMAND, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x00])], code: DecodeIssueCode.UNKNOWN_COMMAND, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x01])], code: DecodeIssueCode.BAD_FRAME_COUNT, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x01], "echo", "extra")], code: DecodeIssueCode.BAD_FRAME_COUNT, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x03], "C1")], code: DecodeIssueCode.BAD_FRAME_COUNT, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x04], "extra")], code: DecodeIssueCode.BAD_FRAME_COUNT, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x05], "extra")], code: DecodeIssueCode.BAD_FRAME_COUNT, fromWorker: true },
  { frames: [WID, ...f("", "MDPW01", [0x03], "C1", "x", "body")], code: DecodeIssueCode.MISSING_ADDRESS_DELIMITER, fromWorker: true },
];

/** Every malformed shape a worker's DEALER can receive. */
const workerInboundCases: IssueCase[] = [
  { frames: f("", "MDPW01"), code: DecodeIssueCode.TOO_FEW_FRAMES, fromWorker: true },
  { frames: f("x", "MDPW01", [0x04]), code: DecodeIssueCode.NO_DELIMITER, fromWorker: true },
  { frames: f("", "MDPC01", [0x04]), code: DecodeIssueCode.UNKNOWN_HEADER, fromWorker: true },
  { frames: f("", "MDPW01", [0x04, 0x04]), code: DecodeIssueCode.BAD_COMMAND_FRAME, fromWorker: true },
  { frames: f("", "MDPW01", [0x02], "C1"), code: DecodeIssueCode.BAD_FRAME_COUNT, fromWorker: true },
  { frames: f("", "MDPW01", [0x02], "C1", "x", "body"), code: DecodeIssueCode.MISSING_ADDRESS_DELIMITER, fromWorker: true },
  // READY and REPLY only flow worker -> broker.
  { frames: f("", "MDPW01", [0x01], "echo"), code: DecodeIssueCode.UNKNOWN_COMMAND, fromWorker: true },
  { frames: f("", "MDPW01", [0x03], "C1", ""), code: DecodeIssueCode.UNKNOWN_COMMAND, fromWorker: true },
];

/** Every malformed shape a DEALER client can receive. */
const clientReplyCases: IssueCase[] = [
  { frames: [], code: DecodeIssueCode.NO_DELIMITER, fromWorker: false },
  { frames: f("MDPC01", "echo", "x"), code: DecodeIssueCode.NO_DELIMITER, fromWorker: false },
  { frames: f("", "MDPC01"), code: DecodeIssueCode.TOO_FEW_FRAMES, fromWorker: false },
  { frames: f("", "MDPW01", "echo", "x"), code: DecodeIssueCode.UNKNOWN_HEADER, fromWorker: false },
];

describe("protocol codec: decode issues", () => {
  it("broker inbound: every malformed shape has its code and whether it claimed to be a worker", () => {
    for (const c of brokerInboundCases) expectIssue(decodeBrokerInbound(c.frames), c.code, c.fromWorker);
    const issue = expectIssue(decodeBrokerInbound([WID, ...f("", "MDPW01", [0x09])]), DecodeIssueCode.UNKNOWN_COMMAND);
    assert.ok(issue.sender?.equals(WID), "the sender is kept so the broker can answer DISCONNECT");
    assert.equal(expectIssue(decodeBrokerInbound([]), DecodeIssueCode.TOO_FEW_FRAMES).sender, undefined);
  });

  it("worker inbound: every malformed shape has its code", () => {
    for (const c of workerInboundCases) expectIssue(decodeWorkerInbound(c.frames), c.code, c.fromWorker);
  });

  it("client reply: every malformed shape has its code", () => {
    for (const c of clientReplyCases) expectIssue(decodeClientReply(c.frames), c.code, c.fromWorker);
  });

  it("covers every decode issue code a decoder can produce", () => {
    const seen = new Set<string>([...brokerInboundCases, ...workerInboundCases, ...clientReplyCases].map((c) => c.code));
    assert.deepEqual(Object.values(DecodeIssueCode).filter((code) => !seen.has(code)), []);
  });

  it("never throws, whatever the frames", () => {
    const frames = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 10 }).map((a) => Buffer.from(a)),
        fc.constantFrom(...["", "MDPC01", "MDPW01", "MDPC02", "MDPW02"].map(b), ...[1, 2, 3, 4, 5, 7].map((n) => Buffer.from([n]))),
      ),
      { maxLength: 10 },
    );
    const kinds = new Set(["decode-issue", "client-request", "worker-ready", "worker-reply", "worker-heartbeat", "worker-disconnect", "worker-unexpected", "broker-request", "broker-heartbeat", "broker-disconnect", "client-reply"]);
    fc.assert(
      fc.property(frames, (fs) => {
        for (const decoded of [decodeBrokerInbound(fs), decodeWorkerInbound(fs), decodeClientReply(fs)]) {
          assert.ok(kinds.has(decoded.kind), decoded.kind);
        }
      }),
      { seed: 5, numRuns: 2000 },
    );
  });
});
