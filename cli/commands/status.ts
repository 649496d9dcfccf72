/**
 * `domo status`: services, workers and queue depths from the broker's MMI services (mmi.services,
 * mmi.workers, mmi.health) as a table, refreshed every interval, or once (`--once`), or as JSON (`--json`).
 */
import { Option, type Command } from "commander";
import { Client } from "../../client-sdk/client.js";
import { replyJson, replyText } from "../../client-sdk/body.js";
import { ExitCode } from "../exit-codes.js";
import { brokerOption, CLI_DEFAULT_TIMEOUT_MS, describeError, exitCodeForError, parseCount, parseMs } from "./call.js";

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
}

/** What `domo status --json` prints. `health` is null when the broker does not implement mmi.health. */
export interface StatusSnapshot {
  readonly endpoint: string;
  readonly health: Record<string, unknown> | null;
  readonly services: ServiceRow[];
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
  const [services, workers, health] = await Promise.all([
    mmi(client, "mmi.services", flags, notImplemented),
    mmi(client, "mmi.workers", flags, notImplemented),
    mmi(client, "mmi.health", flags, notImplemented),
  ]);
  const perService = (workers ?? {}) as Record<string, { idle?: unknown; busy?: unknown; queued?: unknown }>;
  const names = new Set<string>([...(Array.isArray(services) ? services.map(String) : []), ...Object.keys(perService)]);
  const rows = [...names].sort().map((name): ServiceRow => {
    const entry = perService[name] ?? {};
    const idle = count(entry.idle);
    const busy = count(entry.busy);
    return { name, workers: idle + busy, idle, busy, queued: count(entry.queued) };
  });
  return {
    endpoint: client.endpoint,
    health: health !== null && typeof health === "object" ? (health as Record<string, unknown>) : null,
    services: rows,
    notImplemented,
  };
}

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
  if (snapshot.notImplemented.length > 0) lines.push(`not implemented by this broker: ${snapshot.notImplemented.join(", ")}`);
  lines.push("");
  const header = ["SERVICE", "WORKERS", "IDLE", "BUSY", "QUEUED"];
  const rows = snapshot.services.map((r) => [r.name, String(r.workers), String(r.idle), String(r.busy), String(r.queued)]);
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
  const client = new Client({ endpoint: flags.broker, timeoutMs: flags.timeout, retries: flags.retries });
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
  } catch (err) {
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
    .description("show services, workers and queue depths (from mmi.services, mmi.workers, mmi.health)")
    .addOption(brokerOption())
    .option("-t, --timeout <ms>", "per-attempt timeout of each MMI request", parseMs, CLI_DEFAULT_TIMEOUT_MS)
    .option("-r, --retries <n>", "re-sends after a timed-out MMI request", parseCount, 0)
    .option("--once", "print once and exit (default: refresh until interrupted)")
    .option("--json", "print JSON (one object per refresh)")
    .addOption(new Option("-i, --interval <ms>", "refresh interval").argParser(parseMs).default(2000))
    .addHelpText(
      "after",
      `\nExit codes: ${ExitCode.OK} ok, ${ExitCode.TIMEOUT} the broker did not answer, ${ExitCode.FAILURE} anything else.`,
    )
    .action(async (flags: StatusFlags) => {
      process.exitCode = await runStatus(flags);
    });
}
