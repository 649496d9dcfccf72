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

// A reader that went away (`domo call ... | head -c 100`) is not a failure of ours: leave quietly with the
// exit code already decided (0 if none), as other Unix tools do, instead of crashing on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : ExitCode.OK);
  });
}

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`domo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(ExitCode.FAILURE);
});
