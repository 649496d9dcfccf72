/**
 * Spawning the independent Python MDP/0.1 peers (test/interop/peers/*.py) from tests.
 *
 * The peers run under Debian's /usr/bin/python3 with python3-zmq, never the python3 on PATH. Each one
 * prints JSON lines on stdout; {@link PythonPeer} collects them and lets a test wait for a line that
 * matches a predicate, with a deadline. Peers are killed with SIGTERM (then SIGKILL) in cleanup, and they
 * exit by themselves when the test process goes away (stdin end-of-file), so nothing is left running.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The interpreter the peers run under: Debian's, which has python3-zmq. */
export const PYTHON = "/usr/bin/python3";

/** Folder that holds the peer scripts. */
export const PEERS_DIR = fileURLToPath(new URL("../interop/peers/", import.meta.url));

/** The peer scripts in {@link PEERS_DIR}. */
export const PeerScript = {
  CLIENT: "mdp_client.py",
  WORKER: "mdp_worker.py",
  BROKER: "mdp_broker.py",
} as const;
/** One of {@link PeerScript}. */
export type PeerScript = (typeof PeerScript)[keyof typeof PeerScript];

/** Exit codes of mdp_client.py. */
export const ClientExit = {
  OK: 0,
  MISMATCH: 1,
  USAGE: 2,
  TIMEOUT: 3,
  INTERRUPTED: 4,
} as const;
/** One of {@link ClientExit}. */
export type ClientExit = (typeof ClientExit)[keyof typeof ClientExit];

/** One stdout line of a peer: the parsed JSON object, or `{ raw }` for a line that is not JSON. */
export type PeerLine = Record<string, unknown>;

/** How a peer process ended. `code` is null when it was ended by a signal. */
export interface PeerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link PythonPeer.waitForLine}. */
export interface WaitForLineOptions {
  /** Only lines at or after this index of {@link PythonPeer.lines} count (default 0: every line so far). */
  fromIndex?: number;
  /** What was awaited, for the timeout message. */
  what?: string;
}

/** Time a peer gets between SIGTERM and SIGKILL in {@link PythonPeer.kill}. */
export const KILL_GRACE_MS = 3000;

/** Most stderr text kept per peer (the tail), for failure messages. */
const STDERR_KEEP_CHARS = 16_384;

const livePeers = new Set<PythonPeer>();

/** A running Python peer and everything it printed. */
export class PythonPeer {
  /** The child process. */
  readonly child: ChildProcess;
  /** Script that runs, for messages. */
  readonly script: PeerScript;
  /** Every stdout line so far, in order. */
  readonly lines: PeerLine[] = [];
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<PeerExit>;
  #stderr = "";
  #exit: PeerExit | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(script: PeerScript, args: readonly string[]) {
    this.script = script;
    this.child = spawn(PYTHON, ["-u", PEERS_DIR + script, ...args], {
      cwd: PEERS_DIR,
      // stdin stays an open pipe we never write: its end-of-file tells the peer the test process died.
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, MDP_PEER_EXIT_ON_STDIN_EOF: "1", PYTHONDONTWRITEBYTECODE: "1" },
    });
    livePeers.add(this);
    this.exited = new Promise<PeerExit>((resolve) => {
      const finish = (exit: PeerExit): void => {
        if (this.#exit !== undefined) return;
        this.#exit = exit;
        livePeers.delete(this);
        this.#notify();
        resolve(exit);
      };
      this.child.once("close", (code, signal) => finish({ code, signal }));
      this.child.once("error", (err) => {
        this.#appendStderr(`spawn error: ${err.message}\n`);
        finish({ code: null, signal: null });
      });
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => this.#appendStderr(chunk));
    // Writes to a dead peer's stdin must not crash the test process.
    this.child.stdin?.on("error", () => undefined);
    if (this.child.stdout !== null) {
      const reader = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
      reader.on("line", (line) => {
        this.lines.push(parseLine(line));
        this.#notify();
      });
    }
  }

  /** Process id (undefined if the spawn failed). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The tail of everything the peer wrote on stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The exit status once the process has ended, else undefined. */
  get exitStatus(): PeerExit | undefined {
    return this.#exit;
  }

  /**
   * Resolve with the first line (at or after `options.fromIndex`) that satisfies `predicate`. Rejects after
   * `timeoutMs`, or as soon as the process exits without having printed such a line.
   */
  waitForLine(
    predicate: (line: PeerLine) => boolean,
    timeoutMs: number,
    options: WaitForLineOptions = {},
  ): Promise<PeerLine> {
    const { fromIndex = 0, what = predicate.toString() } = options;
    return new Promise<PeerLine>((resolve, reject) => {
      let scanned = fromIndex;
      const check = (): void => {
        for (; scanned < this.lines.length; scanned += 1) {
          const line = this.lines[scanned];
          if (line !== undefined && predicate(line)) {
            done();
            resolve(line);
            return;
          }
        }
        if (this.#exit !== undefined) {
          done();
          reject(new Error(`${this.script} exited (${formatExit(this.#exit)}) before printing ${what}${this.#tail()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.script}: no line matching ${what} within ${timeoutMs} ms${this.#tail()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Resolve with the exit status once the process ends; reject after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<PeerExit> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.script} did not exit within ${timeoutMs} ms${this.#tail()}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ask the peer to stop (SIGTERM), and SIGKILL it if it has not exited after {@link KILL_GRACE_MS}.
   * Idempotent; resolves with how it ended.
   */
  async kill(): Promise<PeerExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), KILL_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #appendStderr(chunk: string): void {
    this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEEP_CHARS);
  }

  #tail(): string {
    const lastLines = this.lines.slice(-5).map((line) => JSON.stringify(line));
    const stderr = this.#stderr.trim();
    return `\n  last stdout: ${lastLines.join("\n    ") || "(none)"}` + (stderr ? `\n  stderr: ${stderr}` : "");
  }
}

function parseLine(line: string): PeerLine {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as PeerLine;
  } catch {
    // not JSON: kept raw below
  }
  return { raw: line };
}

function formatExit(exit: PeerExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

/** Start one of the peer scripts with these command-line arguments. Pair with `t.after(() => peer.kill())`. */
export function spawnPythonPeer(script: PeerScript, args: readonly string[]): PythonPeer {
  return new PythonPeer(script, args);
}

/** Kill every peer that is still running (a safety net for `after` hooks). */
export async function killAllPythonPeers(): Promise<void> {
  await Promise.all([...livePeers].map((peer) => peer.kill()));
}

/**
 * Null if /usr/bin/python3 can import zmq, else a message that says how to fix it. Tests call this once and
 * fail with the message, rather than skip: a suite that silently skips cannot fail.
 */
export function pythonZmqProblem(): string | null {
  const result = spawnSync(PYTHON, ["-c", "import zmq"], { encoding: "utf8", timeout: 10_000 });
  if (result.error !== undefined) return `${PYTHON} cannot run: ${result.error.message}`;
  if (result.status !== 0) {
    return `${PYTHON} cannot import zmq; install Debian's python3-zmq (apt-get install -y python3-zmq): ${result.stderr.trim()}`;
  }
  return null;
}

/** A started Python broker and its bound endpoint. */
export interface PythonBroker {
  peer: PythonPeer;
  /** The resolved endpoint (first stdout line), e.g. tcp://127.0.0.1:41235. */
  endpoint: string;
}

/** Start mdp_broker.py (binds tcp://127.0.0.1:*) and wait for its endpoint line. */
export async function startPythonBroker(args: readonly string[] = [], timeoutMs = 10_000): Promise<PythonBroker> {
  const peer = spawnPythonPeer(PeerScript.BROKER, args);
  try {
    const line = await peer.waitForLine((l) => typeof l["endpoint"] === "string", timeoutMs, {
      what: "the endpoint line",
    });
    return { peer, endpoint: line["endpoint"] as string };
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

/** Start mdp_worker.py against `endpoint` and wait until it has sent READY. */
export async function startPythonWorker(
  endpoint: string,
  args: readonly string[] = [],
  timeoutMs = 10_000,
): Promise<PythonPeer> {
  const peer = spawnPythonPeer(PeerScript.WORKER, ["--endpoint", endpoint, ...args]);
  try {
    await peer.waitForLine((l) => l["event"] === "ready", timeoutMs, { what: "the ready event" });
    return peer;
  } catch (err) {
    await peer.kill();
    throw err;
  }
}

/** What {@link runPythonClient} returns. */
export interface ClientRun {
  exit: PeerExit;
  /** Every stdout line. */
  lines: PeerLine[];
  /** The last stdout line (the summary in count mode, the reply in single-call mode), or `{}`. */
  result: PeerLine;
  stderr: string;
}

/**
 * Run mdp_client.py against `endpoint` to completion. Rejects (after killing it) if it has not exited
 * within `timeoutMs`; the client bounds its own receives with --timeout-ms, so that is a hang.
 */
export async function runPythonClient(
  endpoint: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<ClientRun> {
  const peer = spawnPythonPeer(PeerScript.CLIENT, ["--endpoint", endpoint, ...args]);
  try {
    const exit = await peer.waitForExit(timeoutMs);
    return { exit, lines: peer.lines, result: peer.lines.at(-1) ?? {}, stderr: peer.stderr };
  } finally {
    await peer.kill();
  }
}

/** Ask mdp_client.py for an MMI answer: the code ("200", "404", "501"), or throw if there was no reply. */
export async function queryMmi(endpoint: string, service: string, body: string, timeoutMs = 5000): Promise<string> {
  const run = await runPythonClient(
    endpoint,
    ["--service", service, "--body", body, "--timeout-ms", String(timeoutMs)],
    timeoutMs + 10_000,
  );
  const code = run.result["code"];
  if (run.exit.code !== ClientExit.OK || typeof code !== "string") {
    throw new Error(`mmi query ${service} ${body} failed: ${JSON.stringify(run.result)} ${run.stderr}`);
  }
  return code;
}
