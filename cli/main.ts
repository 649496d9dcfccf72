#!/usr/bin/env node
/**
 * The `domo` command. Each subcommand lives in cli/commands/<name>.ts and registers itself on the
 * program; this file only wires them and maps failures to exit codes (cli/exit-codes.ts).
 */
import { Command } from "commander";
import { registerCommands } from "./commands/index.js";
import { ExitCode } from "./exit-codes.js";

const program = new Command("domo")
  .description("domo: a Majordomo (MDP/0.1) broker, workers and clients for ZeroMQ request-reply")
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .exitOverride((err) => {
    // commander's own exits (help, version, usage errors) keep their meaning.
    process.exit(err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE);
  });

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`domo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(ExitCode.FAILURE);
});
