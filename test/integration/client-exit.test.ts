/**
 * A process whose client timed out and was closed exits by itself, promptly: no socket, timer or
 * monitor keeps the event loop alive. The client runs in a child process (node --import tsx) against a
 * broker endpoint that accepts the connection and never answers.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Router } from "zeromq";
import { ANY_TCP } from "../helpers/endpoint.js";
import { withTimeout } from "../helpers/wait.js";

const CHILD = fileURLToPath(new URL("../helpers/client-exit-child.ts", import.meta.url));
/** Generous for a loaded machine: tsx start-up alone can take a second or two. */
const EXIT_WITHIN_MS = 15_000;

async function runChild(endpoint: string, mode: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, endpoint, mode], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  try {
    const exit = await withTimeout(exited, EXIT_WITHIN_MS, `child (${mode}) to exit by itself`);
    return { ...exit, stdout, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

describe("client - process exit", () => {
  for (const [mode, expected] of [
    ["lazy", "MDP_ERR_TIMEOUT"],
    // A silent broker is declared lost by liveness; the held request ends as BrokerUnavailableError.
    ["paranoid", "MDP_ERR_BROKER_UNAVAILABLE"],
    ["plain", "MDP_ERR_TIMEOUT"],
    ["pending", "MDP_ERR_CLOSED"],
  ] as const) {
    it(`${mode}: the child prints ${expected} and exits with code 0 by itself`, async (t) => {
      // A silent "broker": connections are accepted, nothing is ever answered.
      const silent = new Router({ linger: 0 });
      t.after(() => silent.close());
      await silent.bind(ANY_TCP);
      const result = await runChild(silent.lastEndpoint!, mode);
      assert.equal(result.code, 0, `exit ${String(result.code)} ${String(result.signal)}\n${result.stdout}\n${result.stderr}`);
      const line = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as { code?: string };
      assert.equal(line.code, expected, result.stdout);
    });
  }
});
