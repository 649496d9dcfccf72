/**
 * Running the `domo` CLI (from source, through tsx) as a child process: collect its output lines,
 * wait for a line or for exit with deadlines, and kill it in cleanup.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Path of the CLI entry point. */
export const CLI_MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `domo` command. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<ProcessExit>;
  readonly #wakers = new Set<() => void>();

  /** `entry`: a TypeScript file to run instead of the CLI (test fixtures). */
  constructor(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; entry?: string } = {}) {
    this.child = spawn(process.execPath, ["--import", "tsx", options.entry ?? CLI_MAIN, ...args], {
      // The metrics listener defaults to the fixed port 9555; tests must never use fixed ports.
      env: { ...process.env, DOMO_METRICS_LISTEN: "127.0.0.1:0", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const collect = (stream: NodeJS.ReadableStream | null, into: string[]): void => {
      if (!stream) return;
      createInterface({ input: stream }).on("line", (line) => {
        into.push(line);
        for (const wake of this.#wakers) wake();
      });
    };
    collect(this.child.stdout, this.stdoutLines);
    collect(this.child.stderr, this.stderrLines);
    if (options.input !== undefined) this.child.stdin?.end(options.input);
    else this.child.stdin?.end();
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        for (const wake of this.#wakers) wake();
        resolve({ code, signal });
      });
    });
  }

  /** stdout lines parsed as JSON (non-JSON lines skipped). */
  jsonLines(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.stdoutLines) {
      try {
        const value: unknown = JSON.parse(line);
        if (value !== null && typeof value === "object") out.push(value as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    return out;
  }

  /** Wait for a JSON stdout line matching `match`. */
  async waitForJson(match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return this.#waitFor(() => this.jsonLines().find(match), timeoutMs, "a matching JSON line");
  }

  /** Wait for a stdout or stderr line containing `text`. */
  async waitForText(text: string, timeoutMs = 10_000): Promise<string> {
    return this.#waitFor(() => [...this.stdoutLines, ...this.stderrLines].find((l) => l.includes(text)), timeoutMs, JSON.stringify(text));
  }

  /** Wait for exit. */
  async waitForExit(timeoutMs = 15_000): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms\n${this.output()}`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Everything printed, for failure messages. */
  output(): string {
    return `stdout:\n${this.stdoutLines.join("\n")}\nstderr:\n${this.stderrLines.join("\n")}`;
  }

  /** Kill (SIGKILL) if still running and wait for exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  async #waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const exitedAlready = this.child.exitCode !== null || this.child.signalCode !== null;
      const left = deadline - Date.now();
      if (left <= 0 || exitedAlready) throw new Error(`did not see ${what} within ${timeoutMs} ms\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          wakers.delete(done);
          resolve();
        }
        const wakers = this.#wakers;
        wakers.add(done);
      });
    }
  }
}
