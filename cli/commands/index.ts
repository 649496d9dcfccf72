/**
 * Every `domo` subcommand. A new command is a file in this folder plus one line here.
 */
import type { Command } from "commander";
import { registerBrokerCommand } from "./broker.js";

type Register = (program: Command) => void;

const registrations: Register[] = [registerBrokerCommand];

/** Attach every subcommand to the program. */
export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
