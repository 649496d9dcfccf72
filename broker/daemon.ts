/**
 * The broker as a daemon: load config, log, bind, serve until SIGINT/SIGTERM, then drain and exit 0.
 * A second signal exits at once. Failures map to distinct exit codes with one line that names the fix.
 * @packageDocumentation
 */
import type { Logger } from "pino";
import { ConfigError, loadConfig, type BrokerConfigInput } from "../config/index.js";
import { Broker } from "./broker.js";
import { createLogger } from "./logger.js";
import { MetricsListenError, startObservability, type Observability } from "./observability/index.js";
import { BindError } from "./transport/router-endpoint.js";

/** What the daemon needs from its command line. */
export interface DaemonOptions {
  configFile?: string | undefined;
  overrides?: BrokerConfigInput;
  env?: NodeJS.ProcessEnv;
  /** Where failures are reported (one line each); stderr by default. */
  stderr?: NodeJS.WritableStream;
  /** Called once the broker is bound (tests, `domo up`). */
  onStarted?: (broker: Broker, logger: Logger) => void | Promise<void>;
  /** Extra work to stop after the drain wait, before the broker closes (e.g. in-process workers). */
  onStopping?: () => Promise<void>;
}

/** Exit statuses of the daemon (the same numbers as cli/exit-codes.ts). */
export const DaemonExit = { OK: 0, FAILURE: 1, CONFIG: 3, BIND: 4 } as const;

/** Run until a signal; resolves with the exit status. */
export async function runBrokerDaemon(options: DaemonOptions = {}): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  let loaded;
  try {
    loaded = await loadConfig({ file: options.configFile, env: options.env ?? process.env, overrides: options.overrides });
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`domo broker: invalid configuration\n${err.message}\n`);
      return DaemonExit.CONFIG;
    }
    throw err;
  }
  const logger = createLogger(loaded.config.log);
  logger.info({ sources: loaded.sources }, "configuration loaded");
  // Listen for signals before binding, so a SIGTERM that arrives right after "broker bound" drains too.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  let broker: Broker;
  try {
    broker = await Broker.start({ config: loaded.config, logger });
  } catch (err) {
    if (err instanceof BindError) {
      stderr.write(`domo broker: ${err.message}\n`);
      return DaemonExit.BIND;
    }
    throw err;
  }
  let observability: Observability | undefined;
  try {
    if (loaded.config.metrics.enabled) observability = await startObservability(broker, { logger });
  } catch (err) {
    await broker.close();
    if (!(err instanceof MetricsListenError)) throw err;
    stderr.write(`domo broker: ${err.message}\n`);
    return DaemonExit.BIND;
  }
  await options.onStarted?.(broker, logger);
  const signal = await signalled;
  const forceExit = (second: NodeJS.Signals): void => {
    logger.warn({ signal: second }, "second signal: exiting without waiting for the drain");
    process.exit(DaemonExit.FAILURE);
  };
  process.once("SIGINT", forceExit);
  process.once("SIGTERM", forceExit);
  // Not ready from the first signal on, so load balancers stop sending before the drain begins.
  observability?.markNotReady();
  logger.info({ signal, drainTimeoutMs: loaded.config.shutdown.drainTimeoutMs }, "shutting down");
  // Refuse new requests first; in-process workers (domo up) keep serving what is held until it is done.
  await broker.drain(undefined, options.onStopping);
  await observability?.close();
  process.off("SIGINT", forceExit);
  process.off("SIGTERM", forceExit);
  return DaemonExit.OK;
}
