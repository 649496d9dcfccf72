/**
 * The echo-worker fixture (test/helpers/fixtures/echo-worker.ts) as an OS process: a worker-SDK worker
 * that can be killed (SIGKILL) or frozen (SIGSTOP) like a crashed or hung worker, and that counts its
 * executions in a ledger file shared by all worker processes of a test.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CliProcess } from "./cli-process.js";

/** Path of the fixture. */
export const ECHO_WORKER = fileURLToPath(new URL("./fixtures/echo-worker.ts", import.meta.url));

/** How an echo worker process is started. */
export interface EchoWorkerOptions {
  endpoint: string;
  service: string;
  /** Every execution appends `<pid> <body text>` here (the side-effect counter). */
  ledger?: string;
  heartbeatIntervalMs: number;
  /** The worker's own view of the broker: silent intervals before it reconnects. */
  heartbeatLiveness: number;
  capacity?: number;
  /** Never answer (`--hold`); print `got <body>` on arrival (`--announce`). */
  hold?: boolean;
  announce?: boolean;
}

/** Start one echo worker process. */
export function spawnEchoWorker(options: EchoWorkerOptions): CliProcess {
  const args = [
    options.endpoint,
    options.service,
    "--heartbeat-ms",
    String(options.heartbeatIntervalMs),
    "--liveness",
    String(options.heartbeatLiveness),
    "--capacity",
    String(options.capacity ?? 1),
    ...(options.ledger === undefined ? [] : ["--ledger", options.ledger]),
    ...(options.hold === true ? ["--hold"] : []),
    ...(options.announce === true ? ["--announce"] : []),
  ];
  return new CliProcess(args, { entry: ECHO_WORKER });
}

/** End a process for good: continue it if frozen, SIGKILL it, wait for the exit. */
export async function killProcess(proc: CliProcess): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGCONT");
  await proc.kill();
}

/** Ledger lines as `{ pid, text }`. */
export function readLedger(path: string): { pid: number; text: string }[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const space = line.indexOf(" ");
      return { pid: Number(line.slice(0, space)), text: line.slice(space + 1) };
    });
}
