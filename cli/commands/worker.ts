/**
 * `domo worker <service>`: run a built-in service as a worker process. Today: `domo worker matrix`.
 * SIGINT/SIGTERM drain (in-flight requests finish, DISCONNECT) and exit 0; a second signal exits at once.
 */
import { InvalidArgumentError as CommanderArgumentError, Option, type Command } from "commander";
import { createLogger } from "../../broker/logger.js";
import { REFERENCE_HEARTBEAT_INTERVAL_MS, REFERENCE_HEARTBEAT_LIVENESS } from "../../protocol/constants.js";
import { DEFAULT_DRAIN_TIMEOUT_MS } from "../../worker-sdk/options.js";
import { DEFAULT_MAX_ELEMENTS, MATRIX_SERVICE, startMatrixWorker } from "../../workers/matrix/index.js";
import { ExitCode } from "../exit-codes.js";
import { brokerOption, parseCount, parseMs } from "./call.js";

interface MatrixFlags {
  broker: string;
  capacity: number;
  threads?: number;
  maxElements: number;
  heartbeatInterval: number;
  heartbeatLiveness: number;
  drainTimeout: number;
  logLevel: string;
  logFormat: string;
}

/** Resolve once SIGINT or SIGTERM arrives; a second one exits the process at once with FAILURE. */
export function untilSignal(onSecond: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const second = (again: NodeJS.Signals): void => {
        onSecond(again);
        process.exit(ExitCode.FAILURE);
      };
      process.once("SIGINT", second);
      process.once("SIGTERM", second);
      resolve(signal);
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
  });
}

/** Parse a whole number >= 1 (commander argParser). */
export function parsePositive(value: string): number {
  const n = parseCount(value);
  if (n < 1) throw new CommanderArgumentError("expected a whole number >= 1");
  return n;
}

async function runMatrix(flags: MatrixFlags): Promise<number> {
  const logger = createLogger({ level: flags.logLevel as "info", format: flags.logFormat as "auto", requests: false });
  let matrix;
  try {
    matrix = startMatrixWorker({
      broker: flags.broker,
      capacity: flags.capacity,
      ...(flags.threads !== undefined && { threads: flags.threads }),
      maxElements: flags.maxElements,
      heartbeatIntervalMs: flags.heartbeatInterval,
      heartbeatLiveness: flags.heartbeatLiveness,
      drainTimeoutMs: flags.drainTimeout,
      logger,
    });
  } catch (err) {
    process.stderr.write(`domo worker matrix: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.USAGE;
  }
  const threads = matrix.pool?.stats().size ?? 0;
  process.stdout.write(
    `domo worker matrix: serving "${MATRIX_SERVICE}" for broker ${flags.broker} (pid ${process.pid}): ` +
      `capacity ${flags.capacity}, ${threads} compute thread${threads === 1 ? "" : "s"}\n`,
  );
  const signal = await Promise.race([untilSignal((s) => logger.warn({ signal: s }, "second signal: exiting without draining")), matrix.worker.stopped]);
  if (signal === null || signal instanceof Error) {
    await matrix.stop();
    process.stderr.write(`domo worker matrix: ${signal?.message ?? "stopped"}\n`);
    return ExitCode.FAILURE;
  }
  logger.info({ signal, drainTimeoutMs: flags.drainTimeout }, "stopping: draining in-flight requests");
  await matrix.stop();
  return ExitCode.OK;
}

/** Register `domo worker`. */
export function registerWorkerCommand(program: Command): void {
  const worker = program.command("worker").description("run a built-in service as an MDP worker");
  worker
    .command("matrix")
    .description("serve the matrix service (docs/matrix-service.md)")
    .addOption(brokerOption())
    .option("-n, --capacity <n>", "requests served at once (one broker connection each)", parsePositive, 1)
    .option("--threads <n>", "compute threads (default: capacity, at most the CPU count; 0 = compute inline)", parseCount)
    .option("--max-elements <n>", "largest operand, in elements", parsePositive, DEFAULT_MAX_ELEMENTS)
    .option("--heartbeat-interval <ms>", "must match the broker's", parseMs, REFERENCE_HEARTBEAT_INTERVAL_MS)
    .option("--heartbeat-liveness <n>", "silent intervals before the broker counts as dead", parsePositive, REFERENCE_HEARTBEAT_LIVENESS)
    .option("--drain-timeout <ms>", "how long SIGTERM lets in-flight requests finish", parseCount, DEFAULT_DRAIN_TIMEOUT_MS)
    .addOption(new Option("--log-level <level>", "log level").choices(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"))
    .addOption(new Option("--log-format <format>", "auto: pretty on a terminal").choices(["auto", "json", "pretty"]).default("auto"))
    .addHelpText("after", "\nSignals: SIGINT/SIGTERM drain and exit 0; a second signal exits at once.")
    .action(async (flags: MatrixFlags) => {
      process.exitCode = await runMatrix(flags);
    });
}
