/**
 * What a load client records in its measured window: latencies (HDR), completions, failures by type,
 * bytes, and the window's bounds; plus an interval histogram for the live progress line.
 * @packageDocumentation
 */
import type { Histogram } from "hdr-histogram-js";
import { createLatencyHistogram, encodeHistogram, recordLatencyUs } from "../histogram.js";
import type { ClientRunResult } from "../ipc.js";
import { errorType } from "./transport.js";

/** Accumulates one run's measurements. */
export class Recorder {
  readonly #histogram: Histogram = createLatencyHistogram();
  readonly #interval: Histogram = createLatencyHistogram();
  readonly #errors: Record<string, number> = {};
  #completed = 0;
  #ok = 0;
  #sentBytes = 0;
  #receivedBytes = 0;
  #firstStartMs = Number.POSITIVE_INFINITY;
  #lastEndMs = Number.NEGATIVE_INFINITY;
  lateStarts = 0;

  /** Measured requests that ended so far. */
  get completed(): number {
    return this.#completed;
  }

  /** A measured request was sent (`startMs`: its start, or its scheduled start in open loop). */
  started(startMs: number): void {
    if (startMs < this.#firstStartMs) this.#firstStartMs = startMs;
  }

  /** A measured request was answered. */
  ok(startMs: number, endMs: number, sentBytes: number, reply: readonly Buffer[]): void {
    const us = (endMs - startMs) * 1000;
    recordLatencyUs(this.#histogram, us);
    recordLatencyUs(this.#interval, us);
    this.#completed++;
    this.#ok++;
    this.#sentBytes += sentBytes;
    for (const frame of reply) this.#receivedBytes += frame.length;
    if (endMs > this.#lastEndMs) this.#lastEndMs = endMs;
  }

  /** A measured request failed. */
  failed(endMs: number, err: unknown): void {
    const type = errorType(err);
    this.#errors[type] = (this.#errors[type] ?? 0) + 1;
    this.#completed++;
    if (endMs > this.#lastEndMs) this.#lastEndMs = endMs;
  }

  /** p99 of the latencies since the last call, in microseconds (for progress), and reset. */
  takeIntervalP99Us(): number {
    const p99 = this.#interval.totalCount === 0 ? 0 : this.#interval.getValueAtPercentile(99);
    this.#interval.reset();
    return p99;
  }

  /** The run's result. */
  result(): ClientRunResult {
    const windowMs = this.#lastEndMs > this.#firstStartMs ? this.#lastEndMs - this.#firstStartMs : 0;
    return {
      completed: this.#completed,
      ok: this.#ok,
      errors: { ...this.#errors },
      histogram: encodeHistogram(this.#histogram),
      sentBytes: this.#sentBytes,
      receivedBytes: this.#receivedBytes,
      windowMs,
      lateStarts: this.lateStarts,
    };
  }
}
