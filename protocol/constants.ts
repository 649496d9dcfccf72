/**
 * MDP/0.1 (ZeroMQ RFC 7) and MMI (RFC 8) wire constants. Pure data: no imports.
 * @packageDocumentation
 */

/** Six-byte protocol header of every client command (7/MDP). */
export const MDPC01 = Buffer.from("MDPC01", "latin1");
/** Six-byte protocol header of every worker command (7/MDP). */
export const MDPW01 = Buffer.from("MDPW01", "latin1");
/** MDP/0.2 headers (RFC 18). Recognised only to tell the peer we do not speak 0.2. */
export const MDPC02 = Buffer.from("MDPC02", "latin1");
export const MDPW02 = Buffer.from("MDPW02", "latin1");

/** Worker command bytes of 7/MDP, one octet each. */
export const WorkerCommand = {
  READY: 0x01,
  REQUEST: 0x02,
  REPLY: 0x03,
  HEARTBEAT: 0x04,
  DISCONNECT: 0x05,
} as const;
/** One of the worker command bytes. */
export type WorkerCommand = (typeof WorkerCommand)[keyof typeof WorkerCommand];

/** A zero-length frame: the envelope delimiter. */
export const EMPTY_FRAME: Buffer = Buffer.alloc(0);

/** Services whose names start with this prefix are answered by the broker itself (8/MMI). */
export const MMI_PREFIX = "mmi.";

/** MMI status codes (8/MMI), sent as ASCII frames. */
export const MmiStatus = {
  OK: "200",
  NOT_FOUND: "404",
  NOT_IMPLEMENTED: "501",
} as const;
/** One of the MMI status codes. */
export type MmiStatus = (typeof MmiStatus)[keyof typeof MmiStatus];

/** Reference defaults every MDP peer expects (mdbroker.c / mdwrkapi.c). */
export const REFERENCE_HEARTBEAT_INTERVAL_MS = 2500;
export const REFERENCE_HEARTBEAT_LIVENESS = 3;
export const REFERENCE_ENDPOINT = "tcp://127.0.0.1:5555";
