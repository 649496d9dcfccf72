/**
 * The `domo broker` daemon as a child process for reliability tests: started on a wildcard TCP port (or
 * a given endpoint, for restarts) with short heartbeats and JSON logs, killed in cleanup, and its
 * resident memory read from /proc/<pid>/status.
 */
import { readFileSync } from "node:fs";
import type { TestContext } from "node:test";
import { CliProcess } from "./cli-process.js";
import { ANY_TCP } from "./endpoint.js";

/** A running broker process and the endpoint it bound. */
export interface BrokerProcess {
  proc: CliProcess;
  endpoint: string;
}

/**
 * Start `domo broker --bind <bind>` and wait for its "broker bound" line. `env` adds DOMO_* settings on
 * top of a 100 ms heartbeat with a lenient liveness of 10. Killed (SIGCONT, SIGKILL) after the test.
 */
export async function startBrokerProcess(t: TestContext, bind = ANY_TCP, env: NodeJS.ProcessEnv = {}): Promise<BrokerProcess> {
  const proc = new CliProcess(["broker", "--bind", bind, "--log-format", "json", "--log-level", "info"], {
    env: { DOMO_HEARTBEAT_INTERVAL_MS: "100", DOMO_HEARTBEAT_LIVENESS: "10", ...env },
  });
  t.after(async () => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGCONT");
    await proc.kill();
  });
  const line = await proc.waitForJson((l) => l.msg === "broker bound", 20_000);
  return { proc, endpoint: (line.endpoints as string[])[0]! };
}

/** Resident set size of a live process, in bytes (Linux: VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Sample a process's RSS every `intervalMs` until stopped; `stop()` returns the largest sample. */
export function sampleRss(pid: number, intervalMs = 25): { stop: () => number } {
  let max = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      max = Math.max(max, rssBytes(pid));
    } catch {
      // the process exited; the test will say so
    }
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      try {
        max = Math.max(max, rssBytes(pid));
      } catch {
        // as above
      }
      return max;
    },
  };
}

/** Bytes as MiB with one decimal, for diagnostics. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
