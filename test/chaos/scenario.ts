/**
 * The chaos scenario shared by the CI test (test/chaos/chaos.test.ts, small numbers) and `npm run chaos`
 * (test/chaos/main.ts, large numbers): an in-process broker, N echo-worker OS processes, one SDK client
 * sending idempotent requests, while workers are killed (SIGKILL) and restarted or frozen (SIGSTOP) and
 * thawed (SIGCONT) at seeded random moments.
 *
 * What it checks, per request: it settles exactly once, with its own body echoed back or with a typed
 * broker error (worker lost after maxAttempts, deadline). It counts as lost when it never settles
 * (detected when the broker holds nothing and the client still waits), and as answered twice when the
 * broker ended it more than once or the client received a second reply for it (`droppedReplies`: with
 * no client retries, a second reply can only come from the broker forwarding two answers).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker } from "../../broker/index.js";
import { Client, isClientError } from "../../client-sdk/index.js";
import { BrokerErrorCode } from "../../protocol/error-reply.js";
import { readLedger } from "../helpers/echo-worker-process.js";
import { waitFor } from "../helpers/wait.js";
import { WorkerFleet, type FleetSlot } from "./worker-fleet.js";

/** Knobs of one run. */
export interface ChaosOptions {
  requests: number;
  workers: number;
  seed: number;
  /** Client requests in flight at once; the rest wait in the scenario. */
  concurrency: number;
  /** Each request asks its worker to take a seeded time in [0, maxServiceMs] (keeps workers busy during faults). */
  maxServiceMs: number;
  /** Time between two faults, drawn in [min, max]. */
  faultIntervalMs: readonly [number, number];
  /** No more faults after this many (a loaded CI machine restarts processes slowly). */
  maxFaults: number;
  /** A killed worker is restarted after a delay drawn in [min, max]. */
  restartDelayMs: readonly [number, number];
  /** A frozen worker is thawed after a delay drawn in [min, max]; some beyond the liveness window, some within. */
  freezeMs: readonly [number, number];
  /** Broker and worker heartbeat. */
  heartbeat: { intervalMs: number; liveness: number };
  /** Broker `serviceDefaults.maxAttempts`. */
  maxAttempts: number;
  /** Hard bound on the whole run; requests still pending then are reported lost. */
  runTimeoutMs: number;
  /** Progress lines (the CLI prints them; the test passes them to diagnostics). */
  log?: (line: string) => void;
}

/** What happened. */
export interface ChaosReport {
  requests: number;
  replied: number;
  /** Typed errors by `code/remoteCode`. */
  typedErrors: Record<string, number>;
  /** Never settled: the broker held nothing for them and the client still waited, or the run timed out. */
  lost: number;
  /** Ended twice at the broker, or a second reply reached the client. */
  answeredTwice: number;
  /** Settled more than once at the client (never: the SDK guards it; counted to be sure). */
  settledTwice: number;
  /** Replies whose body was not the request's own. */
  mismatched: number;
  /** Failures that are not typed broker outcomes (a client-side timeout, an untyped error). */
  untyped: number;
  droppedReplies: number;
  faults: { kills: number; freezes: number; restarts: number };
  /** Handler executions across all worker processes (from the ledger). */
  executions: number;
  /** Requests that ran more than once (allowed: idempotent, and their worker died). */
  reExecuted: number;
  /** Broker counters. */
  redispatched: number;
  workersRemoved: Record<string, number>;
  undeliverableReplies: number;
  durationMs: number;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Defaults for the CI run: a few seconds on a loaded 2-core machine. */
export const CI_CHAOS: ChaosOptions = {
  requests: 2_000,
  workers: 4,
  seed: 0xc4a05,
  concurrency: 400,
  maxServiceMs: 8,
  faultIntervalMs: [150, 350],
  maxFaults: 12,
  restartDelayMs: [0, 300],
  freezeMs: [100, 900],
  heartbeat: { intervalMs: 100, liveness: 4 },
  maxAttempts: 3,
  runTimeoutMs: 60_000,
};

/** Broker-made outcomes a request may end with: each is a definite end its client learns about. */
const BROKER_CODES: ReadonlySet<string> = new Set(Object.values(BrokerErrorCode));

/** How long the broker must hold nothing while the client still waits before a request counts as lost. */
const LOST_AFTER_MS = 2_000;

/** Run the scenario. Always cleans up its processes, client and broker. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const between = ([min, max]: readonly [number, number]): number => Math.round(min + random() * (max - min));
  const dir = mkdtempSync(join(tmpdir(), "domo-chaos-"));
  const ledger = join(dir, "ledger");
  writeFileSync(ledger, "");
  const startedAt = Date.now();

  const broker = await Broker.start({
    config: {
      bind: ["tcp://127.0.0.1:*"],
      heartbeat: options.heartbeat,
      serviceDefaults: { maxAttempts: options.maxAttempts, idempotent: true },
      requests: { queueTimeoutMs: options.runTimeoutMs },
    },
  });
  const endpoint = broker.endpoints[0]!;
  const endedAtBroker = new Map<string, number>();
  broker.on("requestDone", (e) => {
    if (e.requestId !== undefined) endedAtBroker.set(e.requestId, (endedAtBroker.get(e.requestId) ?? 0) + 1);
  });
  const fleet = new WorkerFleet(options.workers, {
    endpoint,
    service: "echo",
    ledger,
    heartbeatIntervalMs: options.heartbeat.intervalMs,
    heartbeatLiveness: 5,
  });
  const client = new Client({ endpoint, timeoutMs: options.runTimeoutMs, retries: 0, maxPending: options.concurrency + 1 });
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const report: ChaosReport = {
    requests: options.requests,
    replied: 0,
    typedErrors: {},
    lost: 0,
    answeredTwice: 0,
    settledTwice: 0,
    mismatched: 0,
    untyped: 0,
    droppedReplies: 0,
    faults: { kills: 0, freezes: 0, restarts: 0 },
    executions: 0,
    reExecuted: 0,
    redispatched: 0,
    workersRemoved: {},
    undeliverableReplies: 0,
    durationMs: 0,
  };
  const settledCount = new Uint8Array(options.requests);
  let settled = 0;
  let sent = 0;
  let faultsOn = true;
  /** Set once the report is taken: the client's close() rejections afterwards are not outcomes. */
  let finished = false;

  try {
    await waitFor(() => broker.stats().workers >= options.workers, { timeoutMs: 30_000, what: `${options.workers} workers registered` });
    log(`broker ${endpoint}: ${options.workers} workers up in ${Date.now() - startedAt} ms`);

    // ---- faults ----
    let faultNumber = 0;
    const fault = (): void => {
      if (!faultsOn || faultNumber >= options.maxFaults) return;
      // Only workers that have registered are faulted, and one is always left running, so the run
      // makes progress even when restarted processes take seconds to start on a loaded machine.
      const running = fleet.inState("running");
      if (running.length > 1) {
        const slot = running[Math.floor(random() * running.length)]!;
        // The first two faults are one of each kind, so every run has both.
        const kill = faultNumber === 0 ? true : faultNumber === 1 ? false : random() < 0.5;
        faultNumber++;
        if (kill) killAndRestart(slot);
        else freezeAndThaw(slot);
      }
      later(between(options.faultIntervalMs), fault);
    };
    const killAndRestart = (slot: FleetSlot): void => {
      fleet.kill(slot);
      report.faults.kills++;
      later(between(options.restartDelayMs), () => {
        fleet.restart(slot);
        report.faults.restarts++;
      });
    };
    const freezeAndThaw = (slot: FleetSlot): void => {
      fleet.freeze(slot);
      report.faults.freezes++;
      later(between(options.freezeMs), () => fleet.thaw(slot));
    };
    later(between(options.faultIntervalMs), fault);

    // ---- traffic ----
    const bodies: string[] = [];
    const onSettled = (i: number): void => {
      if (finished) return;
      settledCount[i]!++;
      if (settledCount[i] === 1) settled++;
      else report.settledTwice++;
      if (sent < options.requests) send();
    };
    const send = (): void => {
      const i = sent++;
      const body = JSON.stringify({ i, delayMs: Math.floor(random() * (options.maxServiceMs + 1)) });
      bodies[i] = body;
      client.request("echo", body).then(
        (frames) => {
          if (finished) return;
          if (frames.length !== 1 || frames[0]!.toString("utf8") !== body) report.mismatched++;
          else report.replied++;
          onSettled(i);
        },
        (err: unknown) => {
          if (finished) return;
          const remote = (err as { remoteCode?: unknown }).remoteCode;
          if (isClientError(err) && typeof remote === "string" && BROKER_CODES.has(remote)) {
            const key = `${err.code}/${remote}`;
            report.typedErrors[key] = (report.typedErrors[key] ?? 0) + 1;
          } else {
            report.untyped++;
            log(`request ${i}: untyped failure ${String((err as { code?: unknown }).code ?? err)}`);
          }
          onSettled(i);
        },
      );
    };
    for (let n = 0; n < Math.min(options.concurrency, options.requests); n++) send();

    let progressAt = Date.now();
    let quietSince: number | undefined;
    const done = await waitFor(
      () => {
        if (settled === options.requests) return "done";
        if (Date.now() - progressAt >= 1_000) {
          progressAt = Date.now();
          log(`settled ${settled}/${options.requests}, faults ${JSON.stringify(report.faults)}`);
        }
        // Lost: nothing is queued or in flight at the broker and nothing waits in its writer, yet the
        // client still waits. (Not `held`: a request the broker forgot but still counts is lost too.)
        const stats = broker.stats();
        const idle = stats.queued === 0 && stats.busyWorkers === 0 && stats.writer.pending === 0 && client.stats().pending > 0;
        if (!idle) quietSince = undefined;
        else if (quietSince === undefined) quietSince = Date.now();
        else if (Date.now() - quietSince >= LOST_AFTER_MS) return "lost";
        return undefined;
      },
      { timeoutMs: options.runTimeoutMs, pollMs: 20, what: "every request settled" },
    ).catch(() => "timeout" as const);
    faultsOn = false;
    finished = true;
    report.lost = options.requests - settled;
    if (done !== "done") log(`stopped waiting (${done}): ${report.lost} requests never settled`);

    // ---- accounting ----
    const stats = broker.stats();
    report.droppedReplies = client.stats().droppedReplies;
    for (const count of endedAtBroker.values()) if (count > 1) report.answeredTwice++;
    report.answeredTwice += report.droppedReplies;
    report.redispatched = stats.counters.requestsRedispatched;
    report.workersRemoved = stats.counters.workersRemoved;
    report.undeliverableReplies = stats.counters.undeliverable.reply;
    const runs = new Map<number, number>();
    for (const { text } of readLedger(ledger)) {
      const { i } = JSON.parse(text) as { i: number };
      runs.set(i, (runs.get(i) ?? 0) + 1);
      report.executions++;
    }
    for (const count of runs.values()) if (count > 1) report.reExecuted++;
    report.durationMs = Date.now() - startedAt;
    return report;
  } finally {
    faultsOn = false;
    finished = true;
    for (const timer of timers) clearTimeout(timer);
    await client.close();
    await fleet.destroy();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per figure, for logs and the issue note. */
export function formatReport(report: ChaosReport): string {
  const errors = Object.entries(report.typedErrors)
    .map(([key, n]) => `${key}=${n}`)
    .join(" ");
  return [
    `requests ${report.requests}: replied ${report.replied}, typed errors ${errors || "0"}`,
    `lost ${report.lost}, answered twice ${report.answeredTwice}, settled twice ${report.settledTwice}, mismatched ${report.mismatched}, untyped ${report.untyped}`,
    `faults: ${report.faults.kills} SIGKILL (${report.faults.restarts} restarts), ${report.faults.freezes} SIGSTOP/SIGCONT`,
    `broker: ${report.redispatched} re-dispatched, workers removed ${JSON.stringify(report.workersRemoved)}, undeliverable replies ${report.undeliverableReplies}`,
    `workers: ${report.executions} executions, ${report.reExecuted} requests ran more than once`,
    `duration ${report.durationMs} ms`,
  ].join("\n");
}
