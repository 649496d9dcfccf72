/**
 * Decode issues: why a peer's frames are not a valid MDP/0.1 message. Returned, never thrown.
 * @packageDocumentation
 */

/** Stable codes for every way peer input can be malformed. Listed in docs/errors.md. */
export const DecodeIssueCode = {
  TOO_FEW_FRAMES: "MDP_DECODE_TOO_FEW_FRAMES",
  NO_DELIMITER: "MDP_DECODE_NO_DELIMITER",
  UNSUPPORTED_VERSION: "MDP_DECODE_UNSUPPORTED_VERSION",
  UNKNOWN_HEADER: "MDP_DECODE_UNKNOWN_HEADER",
  EMPTY_SERVICE: "MDP_DECODE_EMPTY_SERVICE",
  BAD_COMMAND_FRAME: "MDP_DECODE_BAD_COMMAND_FRAME",
  UNKNOWN_COMMAND: "MDP_DECODE_UNKNOWN_COMMAND",
  BAD_FRAME_COUNT: "MDP_DECODE_BAD_FRAME_COUNT",
  WORKER_ENVELOPE: "MDP_DECODE_WORKER_ENVELOPE",
  MISSING_ADDRESS_DELIMITER: "MDP_DECODE_MISSING_ADDRESS_DELIMITER",
} as const;
/** One of the decode issue codes. */
export type DecodeIssueCode = (typeof DecodeIssueCode)[keyof typeof DecodeIssueCode];

/** A message that could not be decoded, with the sender when one could be read. */
export interface DecodeIssue {
  readonly kind: "decode-issue";
  readonly code: DecodeIssueCode;
  readonly detail: string;
  /** ROUTER routing id of the sender, when the message had one. */
  readonly sender?: Buffer;
  /**
   * True when the frames were a worker command (MDPW01 header): the broker answers such a peer with
   * DISCONNECT, because 7/MDP says an invalid worker is disconnected, not ignored.
   */
  readonly fromWorker: boolean;
}

/** Result of decoding: a typed message or the issue that stopped it. */
export type Decoded<T> = T | DecodeIssue;

/** Narrow a decode result to its issue. */
export function isDecodeIssue<T extends { kind: string }>(value: Decoded<T>): value is DecodeIssue {
  return value.kind === "decode-issue";
}
