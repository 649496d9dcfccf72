/**
 * What a load client sends requests through: the domo client SDK (through the broker) or a raw DEALER
 * (the baselines). Failures are reduced to a short type string so the report can count them by type.
 * @packageDocumentation
 */
import { ClientError, ClientErrorCode } from "../../client-sdk/errors.js";

/** One request/reply path. */
export interface LoadTransport {
  /** Send `body`; resolve with the reply body frames, reject on error reply, failure or timeout. */
  request(body: Buffer[], timeoutMs: number): Promise<Buffer[]>;
  close(): Promise<void>;
}

/** A request that got no answer in time (raw transport). */
export class LoadTimeoutError extends Error {
  override readonly name = "LoadTimeoutError";
  readonly code = "timeout";
}

/** A worker answered with an error reply (raw transport). */
export class LoadRemoteError extends Error {
  override readonly name = "LoadRemoteError";
  readonly remoteCode: string;
  constructor(remoteCode: string, message: string) {
    super(message);
    this.remoteCode = remoteCode;
  }
}

/** Failure type for the report: "timeout", "remote:<code>" or the client error code. */
export function errorType(err: unknown): string {
  if (err instanceof LoadTimeoutError) return "timeout";
  if (err instanceof LoadRemoteError) return `remote:${err.remoteCode}`;
  if (err instanceof ClientError) {
    const remote = (err as { remoteCode?: unknown }).remoteCode;
    if (err.code === ClientErrorCode.TIMEOUT && remote === undefined) return "timeout";
    if (err.code === ClientErrorCode.REMOTE && typeof remote === "string") return `remote:${remote}`;
    return typeof remote === "string" ? `${err.code}:${remote}` : err.code;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "error";
}
