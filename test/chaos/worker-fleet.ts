/**
 * A fleet of echo-worker OS processes (test/helpers/fixtures/echo-worker.ts) that can be killed
 * (SIGKILL), frozen (SIGSTOP), thawed (SIGCONT) and restarted, and that never outlives its owner's
 * cleanup: {@link WorkerFleet.destroy} continues every stopped process before killing it.
 */
import type { CliProcess } from "../helpers/cli-process.js";
import { killProcess, spawnEchoWorker, type EchoWorkerOptions } from "../helpers/echo-worker-process.js";

/**
 * State of one slot: `starting` until its process has sent READY (it says `ready` on stdout), then
 * `running`; `stopped` while frozen; `dead` after SIGKILL until restarted.
 */
export type SlotState = "starting" | "running" | "stopped" | "dead";

/** One worker position; its process is replaced on restart. */
export interface FleetSlot {
  readonly index: number;
  proc: CliProcess;
  state: SlotState;
}

/** N worker processes. */
export class WorkerFleet {
  readonly slots: FleetSlot[] = [];
  readonly #options: EchoWorkerOptions;
  /** Every process ever started, for cleanup. */
  readonly #all = new Set<CliProcess>();

  constructor(size: number, options: EchoWorkerOptions) {
    this.#options = options;
    for (let index = 0; index < size; index++) {
      const slot: FleetSlot = { index, proc: this.#spawn(), state: "starting" };
      this.slots.push(slot);
      this.#watchStart(slot);
    }
  }

  /** Slots in `state`. */
  inState(state: SlotState): FleetSlot[] {
    return this.slots.filter((s) => s.state === state);
  }

  /** SIGKILL the slot's process (no DISCONNECT, no TCP goodbye beyond the kernel's FIN). */
  kill(slot: FleetSlot): void {
    slot.proc.child.kill("SIGKILL");
    slot.state = "dead";
  }

  /** Freeze the process: its sockets stay open, nothing is read or sent. */
  freeze(slot: FleetSlot): void {
    slot.proc.child.kill("SIGSTOP");
    slot.state = "stopped";
  }

  /** Let a frozen process run again. */
  thaw(slot: FleetSlot): void {
    if (slot.state !== "stopped") return;
    slot.proc.child.kill("SIGCONT");
    slot.state = "running";
  }

  /** Start a new process in a dead slot. */
  restart(slot: FleetSlot): void {
    if (slot.state !== "dead") return;
    slot.proc = this.#spawn();
    slot.state = "starting";
    this.#watchStart(slot);
  }

  /** Kill every process ever started (thawing frozen ones first) and wait for them to exit. */
  async destroy(): Promise<void> {
    await Promise.all([...this.#all].map((proc) => killProcess(proc)));
  }

  /** Mark the slot running once its process has connected (a starting process is never faulted). */
  #watchStart(slot: FleetSlot): void {
    const proc = slot.proc;
    proc.waitForText("ready ", 60_000).then(
      () => {
        if (slot.proc === proc && slot.state === "starting") slot.state = "running";
      },
      () => undefined, // killed or stuck while starting: destroy() reaps it
    );
  }

  #spawn(): CliProcess {
    const proc = spawnEchoWorker(this.#options);
    this.#all.add(proc);
    return proc;
  }
}
