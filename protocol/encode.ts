/**
 * Typed message -> Frame[]. The only place in domo where MDP frame order is written.
 * Bodies are passed through as the same Buffer objects: no copies, no string conversion.
 * @packageDocumentation
 */
import { EMPTY_FRAME, MDPC01, MDPW01, WorkerCommand } from "./constants.js";

const COMMAND_FRAMES: Record<WorkerCommand, Buffer> = {
  [WorkerCommand.READY]: Buffer.from([WorkerCommand.READY]),
  [WorkerCommand.REQUEST]: Buffer.from([WorkerCommand.REQUEST]),
  [WorkerCommand.REPLY]: Buffer.from([WorkerCommand.REPLY]),
  [WorkerCommand.HEARTBEAT]: Buffer.from([WorkerCommand.HEARTBEAT]),
  [WorkerCommand.DISCONNECT]: Buffer.from([WorkerCommand.DISCONNECT]),
};

const asFrame = (s: string | Buffer): Buffer => (typeof s === "string" ? Buffer.from(s, "latin1") : s);

// ---- broker side (ROUTER: the first frame is the destination routing id) ----

/** Broker -> worker REQUEST: `[worker][""][MDPW01][0x02][clientAddress][""][body...]`. */
export function encodeWorkerRequest(worker: Buffer, clientAddress: Buffer, body: readonly Buffer[]): Buffer[] {
  return [worker, EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.REQUEST], clientAddress, EMPTY_FRAME, ...body];
}

/** Broker -> worker HEARTBEAT. */
export function encodeBrokerHeartbeat(worker: Buffer): Buffer[] {
  return [worker, EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.HEARTBEAT]];
}

/** Broker -> worker DISCONNECT. */
export function encodeBrokerDisconnect(worker: Buffer): Buffer[] {
  return [worker, EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.DISCONNECT]];
}

/**
 * Broker -> client REPLY: `[envelope...][""][MDPC01][service][body...]`.
 * `envelope` starts with the client's routing id, exactly as the request arrived.
 */
export function encodeClientReply(envelope: readonly Buffer[], service: string | Buffer, body: readonly Buffer[]): Buffer[] {
  return [...envelope, EMPTY_FRAME, MDPC01, asFrame(service), ...body];
}

// ---- worker side (DEALER: no routing id) ----

/** Worker READY: `[""][MDPW01][0x01][service]`. */
export function encodeReady(service: string): Buffer[] {
  return [EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.READY], asFrame(service)];
}

/** Worker REPLY: `[""][MDPW01][0x03][clientAddress][""][body...]`. */
export function encodeWorkerReply(clientAddress: Buffer, body: readonly Buffer[]): Buffer[] {
  return [EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.REPLY], clientAddress, EMPTY_FRAME, ...body];
}

/** Worker HEARTBEAT: `[""][MDPW01][0x04]`. */
export function encodeWorkerHeartbeat(): Buffer[] {
  return [EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.HEARTBEAT]];
}

/** Worker DISCONNECT: `[""][MDPW01][0x05]`. */
export function encodeWorkerDisconnect(): Buffer[] {
  return [EMPTY_FRAME, MDPW01, COMMAND_FRAMES[WorkerCommand.DISCONNECT]];
}

// ---- client side (DEALER) ----

/** DEALER client REQUEST: `[envelope...][""][MDPC01][service][body...]`. */
export function encodeClientRequest(envelope: readonly Buffer[], service: string, body: readonly Buffer[]): Buffer[] {
  return [...envelope, EMPTY_FRAME, MDPC01, asFrame(service), ...body];
}
