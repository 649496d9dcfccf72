/**
 * Paranoid Pirate broker liveness for the client: any message from the broker proves it alive. Each
 * heartbeat interval in which nothing arrived, the client sends an MMI probe; when `heartbeatLiveness`
 * probes in a row went unanswered (one more silent interval after the last), the broker is declared lost. (ZMTP heartbeats and the socket monitor catch a dead connection earlier; the
 * probes also catch a broker whose process is up but no longer answers.)
 * @packageDocumentation
 */
import type { HeartbeatOptions } from "./options.js";

/** What the monitor asks of its owner. */
export interface LivenessHost {
  /** Send one liveness probe on the current connection. */
  readonly sendProbe: () => void;
  /** `heartbeatLiveness` probes in a row went unanswered. */
  readonly onSilent: (silentMs: number) => void;
}

/** Counts silent heartbeat intervals. */
export class LivenessMonitor {
  readonly #heartbeat: HeartbeatOptions;
  readonly #host: LivenessHost;
  #timer: NodeJS.Timeout | undefined;
  #heardSinceTick = false;
  #silentTicks = 0;

  constructor(heartbeat: HeartbeatOptions, host: LivenessHost) {
    this.#heartbeat = heartbeat;
    this.#host = host;
  }

  /** Start ticking. The timer is unref'd: an idle client must not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#heartbeat.heartbeatIntervalMs);
    this.#timer.unref();
  }

  /** Stop ticking. Idempotent. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Something arrived from the broker. */
  heard(): void {
    this.#heardSinceTick = true;
  }

  /** Start counting afresh (after the connection was replaced). */
  restart(): void {
    this.#heardSinceTick = false;
    this.#silentTicks = 0;
  }

  #tick(): void {
    if (this.#heardSinceTick) {
      this.#heardSinceTick = false;
      this.#silentTicks = 0;
      return;
    }
    this.#silentTicks += 1;
    if (this.#silentTicks > this.#heartbeat.heartbeatLiveness) {
      const silentMs = this.#silentTicks * this.#heartbeat.heartbeatIntervalMs;
      this.#silentTicks = 0;
      this.#host.onSilent(silentMs);
      return;
    }
    this.#host.sendProbe();
  }
}
