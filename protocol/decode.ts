/**
 * Frame[] -> typed message. One function per receiving side. Never throws on peer input: every way a
 * message can be malformed comes back as a {@link DecodeIssue}.
 * @packageDocumentation
 */
import { MDPC01, MDPC02, MDPW01, MDPW02, WorkerCommand } from "./constants.js";
import { DecodeIssueCode, type Decoded, type DecodeIssue } from "./errors.js";
import type { BrokerInbound, ClientReply, WorkerInbound } from "./messages.js";

function issue(code: DecodeIssueCode, detail: string, fromWorker: boolean, sender?: Buffer): DecodeIssue {
  return sender === undefined
    ? { kind: "decode-issue", code, detail, fromWorker }
    : { kind: "decode-issue", code, detail, fromWorker, sender };
}

function indexOfEmpty(frames: readonly Buffer[], from: number): number {
  for (let i = from; i < frames.length; i++) if (frames[i]!.length === 0) return i;
  return -1;
}

const latin1 = (b: Buffer): string => b.toString("latin1");

/**
 * Decode a message as the broker's ROUTER received it: frame 0 is the sender's routing id.
 *
 * Client requests may carry a multi-frame envelope (every frame before the first empty frame);
 * worker commands carry exactly the routing id, as 7/MDP requires.
 */
export function decodeBrokerInbound(frames: readonly Buffer[]): Decoded<BrokerInbound> {
  const sender = frames[0];
  if (sender === undefined || frames.length < 3) {
    return issue(DecodeIssueCode.TOO_FEW_FRAMES, `${frames.length} frames`, false, sender);
  }
  const delimiter = indexOfEmpty(frames, 1);
  if (delimiter < 0) {
    const first = frames[1]!;
    if (first.equals(MDPC02) || first.equals(MDPW02)) {
      return issue(DecodeIssueCode.UNSUPPORTED_VERSION, "MDP/0.2 is not served", first.equals(MDPW02), sender);
    }
    return issue(DecodeIssueCode.NO_DELIMITER, "no empty delimiter frame", false, sender);
  }
  const header = frames[delimiter + 1];
  if (header === undefined) {
    return issue(DecodeIssueCode.TOO_FEW_FRAMES, "nothing after the delimiter", false, sender);
  }
  if (header.equals(MDPC01)) {
    const serviceFrame = frames[delimiter + 2];
    if (serviceFrame === undefined) {
      return issue(DecodeIssueCode.TOO_FEW_FRAMES, "client request without a service frame", false, sender);
    }
    if (serviceFrame.length === 0) {
      return issue(DecodeIssueCode.EMPTY_SERVICE, "client request with an empty service name", false, sender);
    }
    // Policy (docs/protocol.md): a request with no body frame is served as one empty body frame.
    const body = frames.slice(delimiter + 3);
    return {
      kind: "client-request",
      envelope: frames.slice(0, delimiter),
      service: latin1(serviceFrame),
      serviceFrame,
      body: body.length > 0 ? body : [Buffer.alloc(0)],
    };
  }
  if (header.equals(MDPW01)) {
    if (delimiter !== 1) {
      return issue(DecodeIssueCode.WORKER_ENVELOPE, "worker command with more than one address frame", true, sender);
    }
    return decodeWorkerCommand(sender, frames);
  }
  return issue(DecodeIssueCode.UNKNOWN_HEADER, `header of ${header.length} bytes`, false, sender);
}

/** frames: [sender][""][MDPW01][command]... */
function decodeWorkerCommand(sender: Buffer, frames: readonly Buffer[]): Decoded<BrokerInbound> {
  const commandFrame = frames[3];
  if (commandFrame === undefined || commandFrame.length !== 1) {
    return issue(DecodeIssueCode.BAD_COMMAND_FRAME, "command frame must be one byte", true, sender);
  }
  const command = commandFrame[0]!;
  const count = frames.length;
  switch (command) {
    case WorkerCommand.READY: {
      const service = frames[4];
      if (count !== 5 || service === undefined) {
        return issue(DecodeIssueCode.BAD_FRAME_COUNT, `READY has ${count - 1} frames, expected 4`, true, sender);
      }
      if (service.length === 0) {
        return issue(DecodeIssueCode.EMPTY_SERVICE, "READY with an empty service name", true, sender);
      }
      return { kind: "worker-ready", sender, service: latin1(service) };
    }
    case WorkerCommand.REPLY: {
      const clientAddress = frames[4];
      const empty = frames[5];
      if (clientAddress === undefined || empty === undefined) {
        return issue(DecodeIssueCode.BAD_FRAME_COUNT, `REPLY has ${count - 1} frames, expected 5 or more`, true, sender);
      }
      if (empty.length !== 0) {
        return issue(DecodeIssueCode.MISSING_ADDRESS_DELIMITER, "REPLY address not followed by an empty frame", true, sender);
      }
      const body = frames.slice(6);
      return { kind: "worker-reply", sender, clientAddress, body: body.length > 0 ? body : [Buffer.alloc(0)] };
    }
    case WorkerCommand.HEARTBEAT:
    case WorkerCommand.DISCONNECT:
      if (count !== 4) {
        return issue(DecodeIssueCode.BAD_FRAME_COUNT, `command has ${count - 1} frames, expected 3`, true, sender);
      }
      return command === WorkerCommand.HEARTBEAT
        ? { kind: "worker-heartbeat", sender }
        : { kind: "worker-disconnect", sender };
    case WorkerCommand.REQUEST:
      // Well formed, but only the broker sends REQUEST: 7/MDP says to disconnect such a worker.
      return { kind: "worker-unexpected", sender, command };
    default:
      return issue(DecodeIssueCode.UNKNOWN_COMMAND, `command byte 0x${command.toString(16)}`, true, sender);
  }
}

/** Decode what a worker's DEALER receives from the broker: `[""][MDPW01][command]...`. */
export function decodeWorkerInbound(frames: readonly Buffer[]): Decoded<WorkerInbound> {
  if (frames.length < 3) return issue(DecodeIssueCode.TOO_FEW_FRAMES, `${frames.length} frames`, true);
  if (frames[0]!.length !== 0) return issue(DecodeIssueCode.NO_DELIMITER, "first frame is not empty", true);
  if (!frames[1]!.equals(MDPW01)) return issue(DecodeIssueCode.UNKNOWN_HEADER, "expected MDPW01", true);
  const commandFrame = frames[2]!;
  if (commandFrame.length !== 1) {
    return issue(DecodeIssueCode.BAD_COMMAND_FRAME, "command frame must be one byte", true);
  }
  const command = commandFrame[0]!;
  switch (command) {
    case WorkerCommand.REQUEST: {
      const clientAddress = frames[3];
      const empty = frames[4];
      if (clientAddress === undefined || empty === undefined) {
        return issue(DecodeIssueCode.BAD_FRAME_COUNT, `REQUEST has ${frames.length} frames`, true);
      }
      if (empty.length !== 0) {
        return issue(DecodeIssueCode.MISSING_ADDRESS_DELIMITER, "REQUEST address not followed by an empty frame", true);
      }
      return { kind: "broker-request", clientAddress, body: frames.slice(5) };
    }
    case WorkerCommand.HEARTBEAT:
      return { kind: "broker-heartbeat" };
    case WorkerCommand.DISCONNECT:
      return { kind: "broker-disconnect" };
    default:
      return issue(DecodeIssueCode.UNKNOWN_COMMAND, `command byte 0x${command.toString(16)}`, true);
  }
}

/**
 * Decode what a DEALER client receives: `[envelope...][""][MDPC01][service][body...]`.
 * (A REQ client's socket strips the envelope; pass its frames with an empty frame prepended.)
 */
export function decodeClientReply(frames: readonly Buffer[]): Decoded<ClientReply> {
  const delimiter = indexOfEmpty(frames, 0);
  if (delimiter < 0) return issue(DecodeIssueCode.NO_DELIMITER, "no empty delimiter frame", false);
  const header = frames[delimiter + 1];
  const service = frames[delimiter + 2];
  if (header === undefined || service === undefined) {
    return issue(DecodeIssueCode.TOO_FEW_FRAMES, `${frames.length} frames`, false);
  }
  if (!header.equals(MDPC01)) return issue(DecodeIssueCode.UNKNOWN_HEADER, "expected MDPC01", false);
  return {
    kind: "client-reply",
    envelope: frames.slice(0, delimiter),
    service: latin1(service),
    body: frames.slice(delimiter + 3),
  };
}
