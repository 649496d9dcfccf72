/**
 * The child side of the bench's IPC: read the config from argv, answer `usage` for every program, hand
 * `run` and `stats` to the program, and exit on `stop` (after the program's cleanup) or as soon as the
 * runner goes away, so a crashed runner never leaves load running.
 * @packageDocumentation
 */
import type { ChildMessage, LoadSpec, ParentMessage, UsageSample } from "../ipc.js";

/** What a child program provides. */
export interface ChildProgramHandlers {
  /** `stats` request; the default answers `{}`. */
  stats?(): unknown;
  /** `run` request (load clients). `measuring` is to be called when the warm-up ends. */
  run?(load: LoadSpec, runId: number, signals: { measuring(): void; progress(completed: number, p99Us: number): void }): Promise<unknown>;
  /** Close sockets before the process exits. */
  stop(): Promise<void>;
}

/** The config the runner passed (argv[2], JSON). */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("bench child started without its config argument");
  return JSON.parse(raw) as T;
}

/** This process's CPU and memory. */
export function usageSample(): UsageSample {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    atMs: Date.now(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    arrayBuffersBytes: memory.arrayBuffers,
  };
}

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

/** Report a failure that ends this child, then exit 1. */
export function failChild(err: unknown): never {
  send({ type: "fatal", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
}

/** Serve the runner's requests with `handlers`; call the returned `ready` once the program is up. */
export function serveChild(handlers: ChildProgramHandlers): { ready(info: Record<string, unknown>): void } {
  if (!process.send) throw new Error("bench children must be started by the bench runner (no IPC channel)");
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      await handlers.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on("uncaughtException", failChild);
  process.on("unhandledRejection", failChild);
  // The runner is gone (crashed or killed): stop at once rather than run on unattended.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (raw) => {
    const message = raw as ParentMessage;
    switch (message.type) {
      case "usage":
        send({ type: "reply", id: message.id, value: usageSample() });
        return;
      case "stats":
        send({ type: "reply", id: message.id, value: handlers.stats?.() ?? {} });
        return;
      case "run": {
        if (!handlers.run) {
          send({ type: "failed", id: message.id, message: "this program does not run load" });
          return;
        }
        const id = message.id;
        handlers
          .run(message.load, id, {
            measuring: () => send({ type: "measuring", id }),
            progress: (completed, p99Us) => send({ type: "progress", id, completed, p99Us }),
          })
          .then(
            (value) => send({ type: "reply", id, value }),
            (err: unknown) => send({ type: "failed", id, message: err instanceof Error ? err.message : String(err) }),
          );
        return;
      }
      case "stop":
        void stop();
        return;
    }
  });
  return { ready: (info) => send({ type: "ready", info }) };
}
