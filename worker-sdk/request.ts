/**
 * One request as a worker sees it, and how its answer becomes body frames.
 * @packageDocumentation
 */
import { encodeErrorReply, HANDLER_ERROR_CODE, type ErrorReply } from "../protocol/error-reply.js";
import { AlreadyRepliedError, InvalidArgumentError } from "./errors.js";

/** One reply frame: bytes, or a string sent as UTF-8. */
export type ReplyFrame = Buffer | Uint8Array | string;
/** What a handler may return: one frame, several, or nothing (one empty frame is sent). */
export type ReplyBody = ReplyFrame | readonly ReplyFrame[] | undefined | void;

/** A request delivered to a worker. Answer it exactly once, with `reply()` or `fail()`. */
export interface WorkerRequest {
  /** The service this worker serves. */
  readonly service: string;
  /** Body frames exactly as the client sent them (may be several, may be empty frames). */
  readonly body: readonly Buffer[];
  /** The client's address frame from the broker's REQUEST (opaque to workers). */
  readonly clientAddress: Buffer;
  /** {@link clientAddress} in hex, for logs. */
  readonly clientAddressHex: string;
  /**
   * Aborts when the answer can no longer be delivered or is no longer wanted: the connection it came on
   * was lost (the broker went silent or sent DISCONNECT), or `stop()`'s drain timeout passed.
   */
  readonly signal: AbortSignal;
  /** Capacity slot (0-based) the request arrived on. */
  readonly slot: number;
  /** True once `reply()` or `fail()` was called. */
  readonly answered: boolean;
  /** Send the reply. Throws {@link AlreadyRepliedError} on a second answer. */
  reply(body?: ReplyBody): void;
  /**
   * Answer with an error reply (`domo-error/1`): the error's own string `code` when it has one,
   * otherwise `DOMO_HANDLER_ERROR`, its message, and its `details` when it has them.
   */
  fail(error: unknown): void;
}

function toFrame(frame: ReplyFrame, index: number): Buffer {
  if (typeof frame === "string") return Buffer.from(frame, "utf8");
  if (Buffer.isBuffer(frame)) return frame;
  if (frame instanceof Uint8Array) return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  throw new InvalidArgumentError(`reply[${index}]`, `must be a Buffer, Uint8Array or string, got ${typeof frame}`);
}

/** Normalise a handler's answer to body frames. MDP needs at least one body frame: nothing is one empty frame. */
export function toReplyFrames(body: ReplyBody): Buffer[] {
  if (body === undefined) return [Buffer.alloc(0)];
  if (Array.isArray(body)) {
    const frames = (body as readonly ReplyFrame[]).map(toFrame);
    return frames.length > 0 ? frames : [Buffer.alloc(0)];
  }
  return [toFrame(body as ReplyFrame, 0)];
}

function jsonSafe(value: unknown): unknown {
  try {
    JSON.stringify(value);
    return value;
  } catch {
    // Details that cannot be serialised (cycles, BigInt) are left out rather than losing the error.
    return undefined;
  }
}

/** The error-reply fields for a thrown value (docs/protocol.md, Extension 2). */
export function errorReplyFor(error: unknown): ErrorReply {
  const record = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : undefined;
  const code = typeof record?.["code"] === "string" && record["code"].length > 0 ? record["code"] : HANDLER_ERROR_CODE;
  const message = error instanceof Error ? error.message : String(error);
  const details = record?.["details"] === undefined ? undefined : jsonSafe(record["details"]);
  return details === undefined ? { code, message } : { code, message, details };
}

/** What the connection is told when a request is answered. */
export type Respond = (request: PendingRequest, frames: Buffer[], error?: unknown) => void;

/** The SDK's request object. Internal: users see {@link WorkerRequest}. */
export class PendingRequest implements WorkerRequest {
  readonly service: string;
  readonly body: readonly Buffer[];
  readonly clientAddress: Buffer;
  readonly slot: number;
  /** Which socket of the slot it arrived on; a reply goes back only on that same socket. */
  readonly link: object;
  readonly #controller = new AbortController();
  readonly #respond: Respond;
  #answered = false;
  #clientAddressHex: string | undefined;
  /** Handed to user code (handler called, or yielded by the iterator). */
  taken = false;
  readonly #settled: Promise<void>;
  #resolveSettled!: () => void;

  constructor(init: {
    service: string;
    body: readonly Buffer[];
    clientAddress: Buffer;
    slot: number;
    link: object;
    respond: Respond;
  }) {
    this.service = init.service;
    this.body = init.body;
    this.clientAddress = init.clientAddress;
    this.slot = init.slot;
    this.link = init.link;
    this.#respond = init.respond;
    this.#settled = new Promise((resolve) => {
      this.#resolveSettled = resolve;
    });
  }

  get clientAddressHex(): string {
    this.#clientAddressHex ??= this.clientAddress.toString("hex");
    return this.#clientAddressHex;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get answered(): boolean {
    return this.#answered;
  }

  /** Resolves once answered (or abandoned). */
  get settled(): Promise<void> {
    return this.#settled;
  }

  reply(body?: ReplyBody): void {
    if (this.#answered) throw new AlreadyRepliedError("reply(): this request was already answered");
    const frames = toReplyFrames(body);
    this.#answered = true;
    this.#resolveSettled();
    this.#respond(this, frames);
  }

  fail(error: unknown): void {
    if (this.#answered) throw new AlreadyRepliedError("fail(): this request was already answered");
    this.#answered = true;
    this.#resolveSettled();
    this.#respond(this, encodeErrorReply(errorReplyFor(error)), error);
  }

  /** The answer will not be delivered: tell the handler, and stop anyone waiting for it. */
  abandon(reason: Error): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
    this.#resolveSettled();
  }
}
