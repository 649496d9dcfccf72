/**
 * The live progress line: one cli-progress bar per run with its req/s and p99, on a terminal only
 * (stderr); silent when output is piped or in CI, so logs stay clean.
 * @packageDocumentation
 */
import cliProgress from "cli-progress";
import type { RunProgress } from "./run.js";

/** Progress display of a bench run. */
export interface ProgressDisplay {
  /** A run starts: `totalMs` its expected measured window (warm-up included), or its request count. */
  start(label: string, total: { ms: number } | { requests: number }): void;
  update(progress: RunProgress): void;
  stop(): void;
}

/** The live rate covers about this much time. */
const RATE_WINDOW_MS = 1_500;
/** No rate is shown before reports span this long. */
const MIN_RATE_SPAN_MS = 400;

const silent: ProgressDisplay = { start: () => undefined, update: () => undefined, stop: () => undefined };

/** A bar on a TTY, nothing otherwise. */
export function createProgress(enabled: boolean): ProgressDisplay {
  if (!enabled || !process.stderr.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{label} [{bar}] {percentage}% | {rate} req/s | p99 {p99} ms",
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  let byRequests = false;
  let startedAt = 0;
  // Recent (time, completed) points: clients report one after another, so the rate is taken over a
  // window of about a second rather than between two consecutive reports.
  let history: { atMs: number; completed: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  return {
    start(label, total) {
      if (active) bar.stop();
      byRequests = "requests" in total;
      startedAt = Date.now();
      history = [];
      bar.start("requests" in total ? total.requests : Math.ceil(total.ms / 100), 0, { label, rate: "-", p99: "-" });
      active = true;
      // Time-based runs advance with the clock, between progress messages too.
      clearInterval(timer);
      if (!byRequests) timer = setInterval(() => bar.update(Math.floor((Date.now() - startedAt) / 100)), 200);
    },
    update(progress) {
      if (!active) return;
      const now = Date.now();
      history.push({ atMs: now, completed: progress.completed });
      while (history.length > 2 && now - history[0]!.atMs > RATE_WINDOW_MS) history.shift();
      const first = history[0]!;
      const spanMs = now - first.atMs;
      const rate = spanMs >= MIN_RATE_SPAN_MS ? Math.round(((progress.completed - first.completed) * 1000) / spanMs).toLocaleString("en-US") : "-";
      const payload = { rate, p99: (progress.p99Us / 1000).toFixed(2) };
      if (byRequests) bar.update(progress.completed, payload);
      else bar.update(payload);
    },
    stop() {
      clearInterval(timer);
      if (active) bar.stop();
      active = false;
    },
  };
}
