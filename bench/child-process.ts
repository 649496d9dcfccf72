/**
 * One process started by the bench, seen from the runner: spawn it in its own process group with an IPC
 * channel, wait for `ready`, send requests and get their answers, and stop it (gracefully, then SIGKILL
 * of the whole group). A child that exits early rejects everything pending with its last stderr lines.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "eventemitter3";
import { childArgs, type ChildProgram } from "./child-script.js";
import { BenchChildError, BenchErrorCode } from "./errors.js";
import type { ChildMessage, LoadSpec } from "./ipc.js";

/** Kept of a child's stderr for error messages. */
const STDERR_TAIL_BYTES = 4096;

/** Events of a child. */
export interface BenchChildEvents {
  measuring: (runId: number) => void;
  progress: (runId: number, completed: number, p99Us: number) => void;
}

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A running child process of the bench. */
export class BenchChild extends EventEmitter<BenchChildEvents> {
  /** Role label used in messages ("broker", "client-2", ...). */
  readonly label: string;
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stderr = "";
  #ready: Promise<Record<string, unknown>>;
  #exit: ChildExit | undefined;
  #fatal = "";

  private constructor(label: string, child: ChildProcess) {
    super();
    this.label = label;
    this.#child = child;
    if (child.pid === undefined) throw new BenchChildError(label, BenchErrorCode.CHILD_FAILED, "could not be started");
    this.pid = child.pid;
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.stdout?.resume();
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exit = { code, signal };
        const error = this.#failure(`exited (code ${code}, signal ${signal})`);
        for (const pending of this.#pending.values()) {
          clearTimeout(pending.timer);
          pending.reject(error);
        }
        this.#pending.clear();
        resolve(this.#exit);
      });
    });
    this.#ready = new Promise((resolve, reject) => {
      child.on("message", (raw) => {
        const message = raw as ChildMessage;
        switch (message.type) {
          case "ready":
            resolve(message.info);
            return;
          case "fatal":
            this.#fatal = message.message;
            reject(this.#failure(message.message));
            return;
          default:
            this.#onMessage(message);
        }
      });
      void this.exited.then(() => reject(this.#failure("exited before it was ready")));
    });
    // Callers that never wait for readiness must not see an unhandled rejection.
    this.#ready.catch(() => undefined);
  }

  /** Start `program` with `config` (passed as JSON in argv). */
  static start(label: string, program: ChildProgram, config: unknown): BenchChild {
    const child = spawn(process.execPath, [...childArgs(program), JSON.stringify(config)], {
      // Its own process group, so stopping it also stops anything it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    return new BenchChild(label, child);
  }

  /** Wait until the child reports ready; resolves with what it reported (endpoints, ...). */
  async ready(timeoutMs: number): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.#ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(this.#failure(`not ready within ${timeoutMs} ms`, BenchErrorCode.CHILD_TIMEOUT)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** CPU and memory of the child now. */
  usage(timeoutMs = 10_000): Promise<unknown> {
    return this.#request({ type: "usage" }, timeoutMs).result;
  }

  /** Program-specific state (the broker answers with its stats). */
  stats(timeoutMs = 10_000): Promise<unknown> {
    return this.#request({ type: "stats" }, timeoutMs).result;
  }

  /**
   * Run one load phase (load clients only). `id` tags the run's `measuring` and `progress` events;
   * `result` resolves with the client's measurements.
   */
  run(load: LoadSpec, timeoutMs: number): { id: number; result: Promise<unknown> } {
    return this.#request({ type: "run", load }, timeoutMs);
  }

  /** Ask the child to stop and exit; SIGKILL its process group if it has not exited after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<ChildExit> {
    if (this.#exit) return this.#exit;
    if (this.#child.connected) this.#child.send({ type: "stop" }, (err) => err && this.kill());
    else this.kill();
    const timer = setTimeout(() => this.kill(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL the child's process group at once (safe to call more than once). */
  kill(): void {
    if (this.#exit) return;
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /** The child's last stderr output. */
  get stderrTail(): string {
    return this.#stderr;
  }

  #request(message: { type: "usage" } | { type: "stats" } | { type: "run"; load: LoadSpec }, timeoutMs: number): { id: number; result: Promise<unknown> } {
    const id = this.#nextId++;
    const result = new Promise((resolve, reject) => {
      if (this.#exit || !this.#child.connected) {
        reject(this.#failure("is not running"));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(this.#failure(`no answer to "${message.type}" within ${timeoutMs} ms`, BenchErrorCode.CHILD_TIMEOUT));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ ...message, id }, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(this.#failure(`could not be sent "${message.type}"`, BenchErrorCode.CHILD_FAILED, err));
      });
    });
    return { id, result };
  }

  #onMessage(message: ChildMessage): void {
    switch (message.type) {
      case "reply":
      case "failed": {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.type === "reply") pending.resolve(message.value);
        else pending.reject(this.#failure(message.message));
        return;
      }
      case "measuring":
        this.emit("measuring", message.id);
        return;
      case "progress":
        this.emit("progress", message.id, message.completed, message.p99Us);
        return;
      default:
        return;
    }
  }

  #failure(
    message: string,
    code: typeof BenchErrorCode.CHILD_FAILED | typeof BenchErrorCode.CHILD_TIMEOUT = BenchErrorCode.CHILD_FAILED,
    cause?: unknown,
  ): BenchChildError {
    const fatal = this.#fatal && this.#fatal !== message ? ` (it reported: ${this.#fatal})` : "";
    const tail = this.#stderr.trim();
    const text = `${message}${fatal}${tail ? `\n--- stderr (last lines) ---\n${tail}` : ""}`;
    return new BenchChildError(this.label, code, text, cause === undefined ? undefined : { cause });
  }
}
