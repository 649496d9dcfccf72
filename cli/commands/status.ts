/**
 * `domo status`: services, workers and queue depths from the broker's MMI services (mmi.services,
 * mmi.workers, mmi.health) as a table, refreshed every interval, or once (`--once`), or as JSON (`--json`).
 * When the broker also answers `mmi.status` (domo with metrics enabled), each row adds request rates and
 * latency percentiles over the broker's last minute.
 */
import { Option, type Command } from "commander";
import type { Client } from "../../client-sdk/client.js";
import { replyJson, replyText } from "../../client-sdk/body.js";
import { ExitCode } from "../exit-codes.js";
import {
  brokerOption,
  brokerSilentError,
  CLI_DEFAULT_TIMEOUT_MS,
  connectClient,
  describeError,
  exitCodeForError,
  parseCount,
  parseMs,
} from "./call.js";

interface StatusFlags {
  broker: string;
  timeout: number;
  retries: number;
  once?: boolean;
  json?: boolean;
  interval: number;
}

/** One row of the table. */
export interface ServiceRow {
  readonly name: string;
  readonly workers: number;
  readonly idle: number;
  readonly busy: number;
  readonly queued: number;
  /** Rates and latency over the broker's window; absent when the broker has no mmi.status. */
  readonly traffic?: RowTraffic;
}

/** Per-service traffic from mmi.status. */
export interface RowTraffic {
  /** Replies per second. */
  readonly repliedPerSecond: number;
  /** Requests per second the broker ended without a reply (expired, rejected, failed). */
  readonly failedPerSecond: number;
  readonly serviceP50Ms: number | null;
  readonly serviceP99Ms: number | null;
  readonly queueWaitP99Ms: number | null;
}

/** What `domo status --json` prints. `health` is null when the broker does not implement mmi.health. */
export interface StatusSnapshot {
  readonly endpoint: string;
  readonly health: Record<string, unknown> | null;
  readonly services: ServiceRow[];
  /** Seconds the traffic figures cover (from mmi.status), or null without it. */
  readonly windowSeconds: number | null;
  /** MMI services the broker answered 501 to. */
  readonly notImplemented: string[];
}

const NOT_IMPLEMENTED = "501";

async function mmi(client: Client, service: string, flags: StatusFlags, notImplemented: string[]): Promise<unknown> {
  const frames = await client.request(service, "", { timeoutMs: flags.timeout, retries: flags.retries });
  if (replyText(frames) === NOT_IMPLEMENTED) {
    notImplemented.push(service);
    return undefined;
  }
  return replyJson(frames);
}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** Ask the broker for everything the table shows. */
export async function fetchStatus(client: Client, flags: StatusFlags): Promise<StatusSnapshot> {
  const notImplemented: string[] = [];
  const [services, workers, health, report] = await Promise.all([
    mmi(client, "mmi.services", flags, notImplemented),
    mmi(client, "mmi.workers", flags, notImplemented),
    mmi(client, "mmi.health", flags, notImplemented),
    mmi(client, "mmi.status", flags, notImplemented),
  ]);
  const traffic = trafficByService(report);
  const perService = (workers ?? {}) as Record<string, { idle?: unknown; busy?: unknown; queued?: unknown }>;
  const names = new Set<string>([...(Array.isArray(services) ? services.map(String) : []), ...Object.keys(perService)]);
  const rows = [...names].sort().map((name): ServiceRow => {
    const entry = perService[name] ?? {};
    const idle = count(entry.idle);
    const busy = count(entry.busy);
    const row = { name, workers: idle + busy, idle, busy, queued: count(entry.queued) };
    const t = traffic.byService.get(name);
    return t === undefined ? row : { ...row, traffic: t };
  });
  return {
    endpoint: client.endpoint,
    health: health !== null && typeof health === "object" ? (health as Record<string, unknown>) : null,
    services: rows,
    windowSeconds: traffic.windowSeconds,
    notImplemented,
  };
}

const numberOrNull = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** Read the per-service traffic out of an mmi.status report, tolerating a broker that has none. */
function trafficByService(report: unknown): { byService: Map<string, RowTraffic>; windowSeconds: number | null } {
  const byService = new Map<string, RowTraffic>();
  if (report === null || typeof report !== "object") return { byService, windowSeconds: null };
  const r = report as { windowSeconds?: unknown; services?: unknown };
  for (const entry of Array.isArray(r.services) ? (r.services as Record<string, unknown>[]) : []) {
    const t = (entry["traffic"] ?? {}) as { ratePerSecond?: Record<string, unknown>; serviceMs?: Record<string, unknown>; queueWaitMs?: Record<string, unknown> };
    const rate = t.ratePerSecond ?? {};
    byService.set(String(entry["name"]), {
      repliedPerSecond: count(rate["replied"]),
      failedPerSecond: count(rate["expired"]) + count(rate["rejected"]) + count(rate["failed"]),
      serviceP50Ms: numberOrNull(t.serviceMs?.["p50"]),
      serviceP99Ms: numberOrNull(t.serviceMs?.["p99"]),
      queueWaitP99Ms: numberOrNull(t.queueWaitMs?.["p99"]),
    });
  }
  return { byService, windowSeconds: numberOrNull(r.windowSeconds) };
}

const ms = (value: number | null): string => (value === null ? "-" : value < 10 ? value.toFixed(2) : value.toFixed(0));

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts = [Math.floor(s / 86_400) && `${Math.floor(s / 86_400)}d`, Math.floor((s % 86_400) / 3600) && `${Math.floor((s % 86_400) / 3600)}h`];
  parts.push(`${Math.floor((s % 3600) / 60)}m`, `${s % 60}s`);
  return parts.filter(Boolean).join("");
}

/** The snapshot as text: a summary line and a table. */
export function formatStatus(snapshot: StatusSnapshot): string {
  const lines: string[] = [];
  const h = snapshot.health;
  if (h !== null) {
    const req = (h["requests"] ?? {}) as Record<string, unknown>;
    lines.push(
      `broker ${snapshot.endpoint}  status ${String(h["status"])}  up ${formatDuration(count(h["uptimeMs"]))}  ` +
        `workers ${count(h["workers"])}  services ${count(h["services"])}`,
      `requests processed ${count(req["processed"])}  succeeded ${count(req["succeeded"])}  failed ${count(req["failed"])}  queued ${count(req["queued"])}`,
    );
  } else {
    lines.push(`broker ${snapshot.endpoint}`);
  }
  const missing = snapshot.notImplemented.filter((name) => name !== "mmi.status");
  if (missing.length > 0) lines.push(`not implemented by this broker: ${missing.join(", ")}`);
  const withTraffic = snapshot.windowSeconds !== null;
  if (withTraffic) lines.push(`rates and latency over the last ${snapshot.windowSeconds} s (service time p50/p99, queue wait p99)`);
  lines.push("");
  const header = ["SERVICE", "WORKERS", "IDLE", "BUSY", "QUEUED"];
  if (withTraffic) header.push("OK/S", "FAIL/S", "P50 MS", "P99 MS", "WAIT P99");
  const rows = snapshot.services.map((r) => {
    const cells = [r.name, String(r.workers), String(r.idle), String(r.busy), String(r.queued)];
    if (withTraffic) {
      const t = r.traffic;
      cells.push(
        t ? t.repliedPerSecond.toFixed(1) : "-",
        t ? t.failedPerSecond.toFixed(1) : "-",
        ms(t?.serviceP50Ms ?? null),
        ms(t?.serviceP99Ms ?? null),
        ms(t?.queueWaitP99Ms ?? null),
      );
    }
    return cells;
  });
  if (rows.length === 0) {
    lines.push("(no services)");
    return lines.join("\n");
  }
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const render = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  lines.push(render(header), ...rows.map(render));
  return lines.join("\n");
}

async function runStatus(flags: StatusFlags): Promise<ExitCode> {
  let client: Client;
  try {
    client = connectClient({ endpoint: flags.broker, timeoutMs: flags.timeout, retries: flags.retries });
  } catch (err) {
    process.stderr.write(`domo status: ${describeError(err)}\n`);
    return exitCodeForError(err);
  }
  let stop = false;
  let wake: (() => void) | undefined;
  const onSignal = (): void => {
    stop = true;
    wake?.();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    for (;;) {
      const snapshot = await fetchStatus(client, flags);
      if (flags.json === true) process.stdout.write(`${JSON.stringify(snapshot)}\n`);
      else {
        // Redraw in place on a terminal; append otherwise (logs, pipes).
        if (flags.once !== true && process.stdout.isTTY === true) process.stdout.write("\x1b[H\x1b[2J");
        process.stdout.write(`${formatStatus(snapshot)}\n`);
      }
      if (flags.once === true || stop) return ExitCode.OK;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, flags.interval);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stop) return ExitCode.OK;
    }
  } catch (caught) {
    const err = brokerSilentError(caught, "asked mmi.services, mmi.workers, mmi.health and mmi.status");
    process.stderr.write(`domo status: ${describeError(err)}\n`);
    return exitCodeForError(err);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await client.close();
  }
}

/** Register `domo status`. */
export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("live view of services, workers, queue depths, rates and latency (from the broker's mmi.* services)")
    .addOption(brokerOption())
    .option("-t, --timeout <ms>", "per-attempt timeout of each MMI request", parseMs, CLI_DEFAULT_TIMEOUT_MS)
    .option("-r, --retries <n>", "re-sends after a timed-out MMI request", parseCount, 0)
    .option("--once", "print once and exit (default: refresh until interrupted)")
    .option("--json", "print JSON (one object per refresh)")
    .addOption(new Option("-i, --interval <ms>", "refresh interval").argParser(parseMs).default(2000))
    .addHelpText(
      "after",
      `\nExit codes: ${ExitCode.OK} ok, ${ExitCode.USAGE} bad command line (flags, --broker), ` +
        `${ExitCode.TIMEOUT} the broker did not answer, ${ExitCode.FAILURE} anything else.`,
    )
    .action(async (flags: StatusFlags) => {
      process.exitCode = await runStatus(flags);
    });
}
