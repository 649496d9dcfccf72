/**
 * Every process one bench run started, so that none is left behind: `stopAll()` in a finally, and a
 * SIGKILL of each process group if the runner itself exits or is interrupted first.
 * @packageDocumentation
 */
import { BenchChild } from "./child-process.js";
import type { ChildProgram } from "./child-script.js";

/** How long a child may take to exit after `stop` before its group is killed. */
export const CHILD_STOP_TIMEOUT_MS = 5_000;

/** The children of one bench run. */
export class ProcessSet {
  readonly #children = new Set<BenchChild>();
  readonly #onExit = (): void => this.killAll();
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.killAll();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };

  /** Installs the exit and signal handlers until {@link close}. */
  constructor() {
    process.on("exit", this.#onExit);
    process.once("SIGINT", this.#onSignal);
    process.once("SIGTERM", this.#onSignal);
  }

  /** Start a child and track it until it exits. */
  start(label: string, program: ChildProgram, config: unknown): BenchChild {
    const child = BenchChild.start(label, program, config);
    this.#children.add(child);
    void child.exited.then(() => this.#children.delete(child));
    return child;
  }

  /** Children still running. */
  get size(): number {
    return this.#children.size;
  }

  /** Stop these children (all at once) and wait for them. */
  async stop(children: Iterable<BenchChild>, timeoutMs = CHILD_STOP_TIMEOUT_MS): Promise<void> {
    await Promise.all([...children].map((child) => child.stop(timeoutMs)));
  }

  /** Stop every child, then detach the exit and signal handlers. */
  async close(timeoutMs = CHILD_STOP_TIMEOUT_MS): Promise<void> {
    try {
      await this.stop(this.#children, timeoutMs);
    } finally {
      this.killAll();
      process.off("exit", this.#onExit);
      process.off("SIGINT", this.#onSignal);
      process.off("SIGTERM", this.#onSignal);
    }
  }

  /** SIGKILL every process group still running (synchronous: usable from an exit handler). */
  killAll(): void {
    for (const child of this.#children) child.kill();
  }
}
