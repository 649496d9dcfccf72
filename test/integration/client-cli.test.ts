/**
 * `domo call` and `domo status` as users run them (node --import tsx cli/main.ts ...), against the real
 * broker and scripted workers: replies on stdout, exit codes from cli/exit-codes.ts.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ExitCode } from "../../cli/exit-codes.js";
import { Client } from "../../client-sdk/index.js";
import { CLI_MAIN, CliProcess } from "../helpers/cli-process.js";
import { startTestBroker, startTestWorker, unusedTcpEndpoint, type CleanupScope } from "../helpers/client-fixtures.js";
import { waitFor } from "../helpers/wait.js";

async function domo(
  args: string[],
  input?: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const proc = new CliProcess(args, { ...(input !== undefined && { input }), ...(env !== undefined && { env }) });
  try {
    const exit = await proc.waitForExit(20_000);
    return { code: exit.code, stdout: proc.stdoutLines.join("\n"), stderr: proc.stderrLines.join("\n"), output: proc.output() };
  } finally {
    await proc.kill();
  }
}

describe("domo call / domo status", () => {
  let endpoint = "";

  const cleanups: (() => Promise<void>)[] = [];
  // One broker for the whole suite: each case is a separate process, and the cases only read.
  const suiteContext: CleanupScope = { after: (fn) => void cleanups.push(async () => void (await fn())) };

  before(async () => {
    ({ endpoint } = await startTestBroker(suiteContext));
    startTestWorker(suiteContext, endpoint, "echo");
    startTestWorker(suiteContext, endpoint, "json", { onRequest: () => '{"det":-2,"ok":true}' });
    startTestWorker(suiteContext, endpoint, "fail", {
      onRequest: (req) => {
        req.fail({ code: "MATRIX_SINGULAR", message: "matrix is singular", details: { rank: 1 } });
        return undefined;
      },
    });
    startTestWorker(suiteContext, endpoint, "hold", { onRequest: () => undefined });
    const client = new Client({ endpoint });
    try {
      await waitFor(async () => (await client.requestText("mmi.services", "")) === '["echo","fail","hold","json"]', { timeoutMs: 5000 });
    } finally {
      await client.close();
    }
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("call: the body argument, the reply on stdout, exit 0", async () => {
    const r = await domo(["call", "echo", "hello world", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.OK, r.output);
    assert.equal(r.stdout, "hello world");
  });

  it("call: the body from stdin and from @file", async () => {
    const fromStdin = await domo(["call", "echo", "--broker", endpoint], "piped body");
    assert.equal(fromStdin.code, ExitCode.OK, fromStdin.output);
    assert.equal(fromStdin.stdout, "piped body");
    const file = join(mkdtempSync(join(tmpdir(), "domo-call-")), "body.txt");
    writeFileSync(file, "file body");
    const fromFile = await domo(["call", "echo", `@${file}`, "--broker", endpoint]);
    assert.equal(fromFile.code, ExitCode.OK, fromFile.output);
    assert.equal(fromFile.stdout, "file body");
  });

  it("call mmi.service: prints 200 or 404", async () => {
    const found = await domo(["call", "mmi.service", "echo", "--broker", endpoint]);
    assert.equal(found.code, ExitCode.OK, found.output);
    assert.equal(found.stdout, "200");
    const missing = await domo(["call", "mmi.service", "matrix", "--broker", endpoint]);
    assert.equal(missing.code, ExitCode.OK, missing.output);
    assert.equal(missing.stdout, "404");
  });

  it("call --json pretty-prints the reply", async () => {
    const r = await domo(["call", "json", "{}", "--json", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.OK, r.output);
    assert.equal(r.stdout, JSON.stringify({ det: -2, ok: true }, null, 2));
  });

  it("call: a service without workers exits 6 (UNAVAILABLE)", async () => {
    const r = await domo(["call", "matrix", "x", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.UNAVAILABLE, r.output);
    assert.ok(r.stderr.includes("MDP_ERR_SERVICE_UNAVAILABLE"), r.output);
  });

  it("call: the worker's error reply exits 7 (REMOTE_ERROR) with its code", async () => {
    const r = await domo(["call", "fail", "[[1,1],[1,1]]", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.REMOTE_ERROR, r.output);
    assert.ok(r.stderr.includes("MATRIX_SINGULAR"), r.output);
  });

  it("call: no reply within the timeout exits 5 (TIMEOUT), naming attempts and endpoint", async () => {
    const r = await domo(["call", "hold", "x", "--timeout", "200", "--retries", "1", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.TIMEOUT, r.output);
    assert.ok(r.stderr.includes("MDP_ERR_TIMEOUT") && r.stderr.includes("2 attempt") && r.stderr.includes(endpoint), r.output);
  });

  it("call: no broker at all exits 5 (TIMEOUT), naming the broker rather than mmi.service", async () => {
    const nowhere = await unusedTcpEndpoint();
    const r = await domo(["call", "echo", "x", "--timeout", "100", "--retries", "0", "--broker", nowhere]);
    assert.equal(r.code, ExitCode.TIMEOUT, r.output);
    // The failing step is the CLI's own mmi.service check: the line names the broker, not that service.
    assert.ok(r.stderr.includes(nowhere) && !r.stderr.includes('service "mmi.service"'), r.output);
  });

  it("call: a bad flag value exits 2 (USAGE)", async () => {
    const r = await domo(["call", "echo", "x", "--timeout", "soon"]);
    assert.equal(r.code, ExitCode.USAGE, r.output);
  });

  it("call and status: an invalid --broker exits 2 (USAGE), as for domo worker", async () => {
    // Not an endpoint at all (refused while parsing), and one only libzmq refuses (no port).
    for (const broker of ["notanendpoint", "tcp://127.0.0.1"]) {
      const call = await domo(["call", "echo", "x", "--broker", broker]);
      assert.equal(call.code, ExitCode.USAGE, call.output);
      const status = await domo(["status", "--once", "--broker", broker]);
      assert.equal(status.code, ExitCode.USAGE, status.output);
    }
    const fromEnv = await domo(["call", "echo", "x"], undefined, { DOMO_BROKER: "notanendpoint" });
    assert.equal(fromEnv.code, ExitCode.USAGE, fromEnv.output);
  });

  it("call: an @file that cannot be read exits 2 (USAGE), naming the file", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "domo-call-")), "missing.json");
    const r = await domo(["call", "echo", `@${missing}`, "--broker", endpoint]);
    assert.equal(r.code, ExitCode.USAGE, r.output);
    assert.ok(r.stderr.startsWith("domo call: ") && r.stderr.includes(missing), r.output);
  });

  it("call: a reader that closes stdout early ends the command quietly (no EPIPE crash)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "domo-call-")), "big.txt");
    writeFileSync(file, "x".repeat(256 * 1024));
    const child = spawn(process.execPath, ["--import", "tsx", CLI_MAIN, "call", "echo", `@${file}`, "--broker", endpoint], {
      env: { ...process.env, DOMO_METRICS_LISTEN: "127.0.0.1:0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // `| head -c 0`: the read end of stdout is closed before the reply is written, so the write fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timer: NodeJS.Timeout | undefined;
    try {
      const code = await Promise.race([
        new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`domo call did not exit within 20 s\n${stderr}`)), 20_000);
        }),
      ]);
      assert.equal(code, ExitCode.OK, stderr);
      assert.equal(stderr, "");
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("status --once --json: services, workers and queue depths from MMI", async () => {
    const r = await domo(["status", "--once", "--json", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.OK, r.output);
    const snapshot = JSON.parse(r.stdout) as { services: { name: string; idle: number; busy: number; queued: number }[]; health: { status: string } };
    assert.equal(snapshot.health.status, "ok");
    assert.deepEqual(
      snapshot.services.map((s) => s.name),
      ["echo", "fail", "hold", "json"],
    );
    const echo = snapshot.services.find((s) => s.name === "echo");
    assert.deepEqual({ idle: echo?.idle, queued: echo?.queued }, { idle: 1, queued: 0 });
  });

  it("status --once: a table", async () => {
    const r = await domo(["status", "--once", "--broker", endpoint]);
    assert.equal(r.code, ExitCode.OK, r.output);
    assert.match(r.stdout, /SERVICE\s+WORKERS\s+IDLE\s+BUSY\s+QUEUED/);
    assert.match(r.stdout, /^echo\s+1\s+1\s+0\s+0$/m);
  });
});
