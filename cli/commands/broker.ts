/**
 * `domo broker`: run the broker daemon.
 */
import type { Command } from "commander";
import { runBrokerDaemon } from "../../broker/daemon.js";
import type { BrokerConfigInput } from "../../config/index.js";

interface BrokerFlags {
  config?: string;
  bind?: string[];
  logLevel?: string;
  logFormat?: string;
  logRequests?: boolean;
}

/** CLI flags -> config overrides (flags win over file and environment). */
export function overridesFromFlags(flags: BrokerFlags): BrokerConfigInput {
  const log: Record<string, unknown> = {};
  if (flags.logLevel !== undefined) log.level = flags.logLevel;
  if (flags.logFormat !== undefined) log.format = flags.logFormat;
  if (flags.logRequests !== undefined) log.requests = flags.logRequests;
  return {
    ...(flags.bind !== undefined && { bind: flags.bind }),
    ...(Object.keys(log).length > 0 && { log: log as BrokerConfigInput["log"] }),
  };
}

/** Register `domo broker`. */
export function registerBrokerCommand(program: Command): void {
  program
    .command("broker")
    .description("run the MDP/0.1 broker (built-in defaults: tcp://127.0.0.1:5555, heartbeat 2500 ms x 3)")
    .option("-c, --config <file>", "YAML config file (see config/broker.example.yaml)")
    .option("-b, --bind <endpoint...>", "endpoint(s) to bind, e.g. tcp://0.0.0.0:5555 (replaces `bind:`)")
    .option("--log-level <level>", "trace|debug|info|warn|error|fatal|silent")
    .option("--log-format <format>", "auto|json|pretty (auto: pretty on a terminal)")
    .option("--log-requests", "log one line per completed request, with timings")
    .addHelpText(
      "after",
      "\nEnvironment: DOMO_* variables override the file (docs/configuration.md); flags override both.\n" +
        "Exit codes: 0 clean shutdown, 3 invalid config, 4 address in use / cannot bind.\n" +
        "Signals: SIGINT/SIGTERM drain and exit 0; a second signal exits at once.",
    )
    .action(async (flags: BrokerFlags) => {
      process.exitCode = await runBrokerDaemon({ configFile: flags.config, overrides: overridesFromFlags(flags) });
    });
}
