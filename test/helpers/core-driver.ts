/**
 * Drives the socket-free broker core (broker/core.ts) for unit tests: a ManualClock, a captured send
 * array, a silent logger, and frame builders in the ROUTER's view (routing id first).
 */
import { EventEmitter } from "eventemitter3";
import { ManualClock } from "../../broker/clock.js";
import type { BrokerContext } from "../../broker/context.js";
import { createBrokerContext, dispatchFrames, livenessTick } from "../../broker/core.js";
import type { BrokerEvents } from "../../broker/events.js";
import { silentLogger } from "../../broker/logger.js";
import { snapshot, type BrokerStats } from "../../broker/stats.js";
import { brokerConfigSchema, type BrokerConfigInput } from "../../config/schema.js";
import { encodeRequestTag, type RequestTag } from "../../protocol/request-tag.js";

const latin1 = (s: string | Buffer): Buffer => (typeof s === "string" ? Buffer.from(s, "latin1") : s);

/** A broker core with a hand-moved clock and every outbound message captured. */
export class CoreDriver {
  readonly clock = new ManualClock(1_000);
  readonly sent: Buffer[][] = [];
  readonly events = new EventEmitter<BrokerEvents>();
  readonly ctx: BrokerContext;

  constructor(config: BrokerConfigInput = {}) {
    this.ctx = createBrokerContext({
      config: brokerConfigSchema.parse({ heartbeat: { intervalMs: 100, liveness: 3 }, ...config }),
      clock: this.clock,
      logger: silentLogger(),
      send: (frames) => {
        this.sent.push(frames);
        return true;
      },
      events: this.events,
    });
  }

  /** Heartbeat interval x liveness of the config. */
  get livenessMs(): number {
    return this.ctx.config.heartbeat.intervalMs * this.ctx.config.heartbeat.liveness;
  }

  /** Feed one message as the ROUTER received it. */
  receive(...frames: (string | Buffer)[]): void {
    dispatchFrames(this.ctx, frames.map(latin1));
  }

  /** Move the clock and run the liveness pass. */
  tick(advanceMs = 0): void {
    this.clock.advance(advanceMs);
    livenessTick(this.ctx);
  }

  /** Take (and forget) every captured outbound message. */
  take(): Buffer[][] {
    return this.sent.splice(0, this.sent.length);
  }

  /** Captured messages addressed to `peer`, taken out of the capture. */
  takeFor(peer: string): Buffer[][] {
    const mine: Buffer[][] = [];
    for (let i = 0; i < this.sent.length; ) {
      if (this.sent[i]![0]!.equals(latin1(peer))) mine.push(this.sent.splice(i, 1)[0]!);
      else i++;
    }
    return mine;
  }

  /** The broker's stats snapshot (writer figures zero: there is no socket). */
  stats(): BrokerStats {
    return snapshot(this.ctx, { pending: 0, dropped: 0 });
  }

  // ---- frames in the ROUTER's view ----

  /** Worker READY. */
  ready(worker: string, service: string): void {
    this.receive(worker, "", "MDPW01", Buffer.from([0x01]), service);
  }

  /** Worker HEARTBEAT. */
  heartbeat(worker: string): void {
    this.receive(worker, "", "MDPW01", Buffer.from([0x04]));
  }

  /** Worker DISCONNECT. */
  disconnect(worker: string): void {
    this.receive(worker, "", "MDPW01", Buffer.from([0x05]));
  }

  /** Worker REPLY naming `client` as the address. */
  reply(worker: string, client: string, ...body: string[]): void {
    this.receive(worker, "", "MDPW01", Buffer.from([0x03]), client, "", ...body);
  }

  /** Plain client REQUEST (one-frame envelope). */
  request(client: string, service: string, ...body: string[]): void {
    this.receive(client, "", "MDPC01", service, ...body);
  }

  /** A request with a domo request tag (Extension 1) in the envelope. */
  taggedRequest(client: string, tag: Omit<Partial<RequestTag>, "requestId"> & { requestId: string }, service: string, ...body: string[]): void {
    const frame = encodeRequestTag({
      acceptsErrorReplies: true,
      idempotent: true,
      attempt: 1,
      ttlMs: 0,
      ...tag,
      requestId: Buffer.from(tag.requestId, "latin1"),
    });
    this.receive(client, frame, "", "MDPC01", service, ...body);
  }
}

/** Render frames as strings (latin1; one-byte control frames as \\xNN). */
export function render(message: readonly Buffer[]): string[] {
  return message.map((f) => (f.length === 1 && f[0]! < 0x20 ? `\\x${f[0]!.toString(16).padStart(2, "0")}` : f.toString("latin1")));
}
