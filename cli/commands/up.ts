/**
 * `domo up` (what `npm start` runs): the broker on built-in defaults plus matrix workers, in one
 * process, so a newcomer has a working `matrix` service on tcp://127.0.0.1:5555 at once.
 *
 * The workers run in the broker's process (not as child processes): their compute already runs in
 * worker threads, so the broker's event loop stays free, and one process is one thing to start, watch
 * and stop. Each worker is a separate MDP connection, exactly as an external worker process would be.
 * SIGINT/SIGTERM: the workers drain and DISCONNECT, then the broker drains and closes; exit 0.
 */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import type { Logger } from "pino";
import type { Broker } from "../../broker/index.js";
import { runBrokerDaemon } from "../../broker/daemon.js";
import { createMatrixPool, MATRIX_SERVICE, startMatrixWorker, type MatrixWorker } from "../../workers/matrix/index.js";
import { overridesFromFlags } from "./broker.js";
import { parseCount } from "./call.js";
import { parsePositive } from "./worker.js";

interface UpFlags {
  config?: string;
  bind?: string[];
  logLevel?: string;
  logFormat?: string;
  workers: number;
  threads?: number;
}

/** Default number of in-process matrix workers. */
export const DEFAULT_UP_WORKERS = 2;

/** Where in-process workers connect: the first bound endpoint, with a wildcard host made loopback. */
export function localEndpoint(endpoints: readonly string[]): string {
  const first = endpoints.find((e) => e.startsWith("tcp://")) ?? endpoints[0];
  if (first === undefined) throw new Error("the broker has no bound endpoint");
  return first.replace(/^tcp:\/\/(\*|0\.0\.0\.0|\[::\])(?=:)/, "tcp://127.0.0.1");
}

/** Register `domo up`. */
export function registerUpCommand(program: Command): void {
  program
    .command("up")
    .description(`run a broker and ${DEFAULT_UP_WORKERS} matrix workers in one process (built-in defaults: tcp://127.0.0.1:5555)`)
    .option("-c, --config <file>", "YAML broker config file (see config/broker.example.yaml)")
    .option("-b, --bind <endpoint...>", "endpoint(s) to bind, e.g. tcp://127.0.0.1:* for a free port")
    .option("-w, --workers <n>", "matrix workers (MDP connections) to run in this process", parsePositive, DEFAULT_UP_WORKERS)
    .option("--threads <n>", "compute threads shared by the workers (default: workers, at most the CPU count)", parseCount)
    .option("--log-level <level>", "trace|debug|info|warn|error|fatal|silent")
    .option("--log-format <format>", "auto|json|pretty (auto: pretty on a terminal)")
    .addHelpText(
      "after",
      "\nEnvironment: DOMO_* variables configure the broker as for `domo broker` (docs/configuration.md).\n" +
        "Exit codes: 0 clean shutdown, 3 invalid config, 4 address in use / cannot bind.\n" +
        "Signals: SIGINT/SIGTERM stop the workers (drain), then the broker; a second signal exits at once.",
    )
    .action(async (flags: UpFlags) => {
      const workers: MatrixWorker[] = [];
      const threads = flags.threads ?? Math.min(flags.workers, availableParallelism());
      const pool = threads > 0 ? createMatrixPool(threads) : undefined;
      const started = (broker: Broker, logger: Logger): void => {
        const endpoint = localEndpoint(broker.endpoints);
        const { intervalMs, liveness } = broker.config.heartbeat;
        for (let i = 0; i < flags.workers; i += 1) {
          workers.push(
            startMatrixWorker({
              broker: endpoint,
              heartbeatIntervalMs: intervalMs,
              heartbeatLiveness: liveness,
              threads,
              logger,
              ...(pool !== undefined && { pool }),
            }),
          );
        }
        const out = process.stdout;
        out.write(`domo up: broker listening on ${broker.endpoints.join(", ")} (pid ${process.pid})\n`);
        out.write(
          `domo up: ${flags.workers} "${MATRIX_SERVICE}" worker${flags.workers === 1 ? "" : "s"} in this process -> ${endpoint} ` +
            `(${threads} compute thread${threads === 1 ? "" : "s"}; heartbeat ${intervalMs} ms x ${liveness})\n`,
        );
        // Started by `npm start` in domo's own checkout, `domo` is not on PATH: show the npm script there.
        const domo = process.env["npm_package_name"] === "domo" ? "npm run -s domo --" : "domo";
        out.write(`domo up: try  ${domo} call matrix '{"op":"multiply","a":[[1,2],[3,4]],"b":[[5],[6]]}' --broker ${endpoint}\n`);
        out.write("domo up: Ctrl-C (SIGINT) or SIGTERM stops everything\n");
      };
      const stopping = async (): Promise<void> => {
        await Promise.all(workers.map((w) => w.stop()));
        await pool?.close();
      };
      process.exitCode = await runBrokerDaemon({
        configFile: flags.config,
        overrides: overridesFromFlags(flags),
        onStarted: started,
        onStopping: stopping,
      });
      // The daemon returns without calling onStopping when it fails to start.
      await pool?.close();
    });
}
