/**
 * Every `domo` subcommand. A new command is a file in this folder plus one line here.
 */
import type { Command } from "commander";
import { registerBenchCommand } from "./bench.js";
import { registerBrokerCommand } from "./broker.js";
import { registerCallCommand } from "./call.js";
import { registerStatusCommand } from "./status.js";
import { registerUpCommand } from "./up.js";
import { registerWorkerCommand } from "./worker.js";

type Register = (program: Command) => void;

const registrations: Register[] = [
  registerBrokerCommand,
  registerCallCommand,
  registerStatusCommand,
  registerWorkerCommand,
  registerUpCommand,
  registerBenchCommand,
];

/** Attach every subcommand to the program. */
export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
