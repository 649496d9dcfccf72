/**
 * `domo call <service> [body]`: one request through the client SDK, the reply on stdout, and an exit code
 * that tells timeout, unavailable service and remote error apart (cli/exit-codes.ts).
 */
import { readFile } from "node:fs/promises";
import { InvalidArgumentError as CommanderArgumentError, Option, type Command } from "commander";
import { Client } from "../../client-sdk/client.js";
import { replyJson } from "../../client-sdk/body.js";
import { ClientError, ClientErrorCode, InvalidReplyError, ServiceUnavailableError } from "../../client-sdk/errors.js";
import { EnvelopeMode } from "../../client-sdk/options.js";
import { MMI_PREFIX, REFERENCE_ENDPOINT } from "../../protocol/constants.js";
import { ExitCode } from "../exit-codes.js";

/** Default per-attempt timeout of `domo call` and `domo status`. */
export const CLI_DEFAULT_TIMEOUT_MS = 2500;
/** Default retries of `domo call`: one, so a dead broker is reported within about two timeouts. */
export const CLI_DEFAULT_RETRIES = 1;

interface CallFlags {
  timeout: number;
  retries: number;
  broker: string;
  json?: boolean;
  check: boolean;
  envelope: EnvelopeMode;
  idempotent: boolean;
}

/** Parse a non-negative integer flag value (commander argParser). */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new CommanderArgumentError("expected a whole number");
  return n;
}

/** Parse a positive integer flag value in ms (commander argParser). */
export function parseMs(value: string): number {
  const n = parseCount(value);
  if (n < 1) throw new CommanderArgumentError("expected a number of milliseconds >= 1");
  return n;
}

/** The `--broker` option shared by call and status (DOMO_BROKER in the environment also sets it). */
export function brokerOption(): Option {
  return new Option("-b, --broker <endpoint>", "broker endpoint").env("DOMO_BROKER").default(REFERENCE_ENDPOINT);
}

/** The exit code for an error that ended a request. */
export function exitCodeForError(err: unknown): ExitCode {
  if (!(err instanceof ClientError)) return ExitCode.FAILURE;
  switch (err.code) {
    case ClientErrorCode.TIMEOUT:
      return ExitCode.TIMEOUT;
    case ClientErrorCode.SERVICE_UNAVAILABLE:
    case ClientErrorCode.BROKER_UNAVAILABLE:
    case ClientErrorCode.OVERLOADED:
      return ExitCode.UNAVAILABLE;
    case ClientErrorCode.REMOTE:
      return ExitCode.REMOTE_ERROR;
    case ClientErrorCode.INVALID_ARGUMENT:
      return ExitCode.USAGE;
    default:
      return ExitCode.FAILURE;
  }
}

/** One line for stderr describing a failed request, with its stable code. */
export function describeError(err: unknown): string {
  if (err instanceof ClientError) {
    const remote = (err as { remoteCode?: unknown }).remoteCode;
    const details = (err as { details?: unknown }).details;
    return (
      `${err.message} [${err.code}${typeof remote === "string" ? ` ${remote}` : ""}]` +
      (details === undefined ? "" : `\ndetails: ${JSON.stringify(details)}`)
    );
  }
  return err instanceof Error ? err.message : String(err);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request body: the argument, `@file` (`@-` for stdin), stdin when piped, else empty. */
export async function readBody(arg: string | undefined): Promise<Buffer> {
  if (arg === undefined) return process.stdin.isTTY === true ? Buffer.alloc(0) : readStdin();
  if (arg === "@-") return readStdin();
  if (arg.startsWith("@")) return readFile(arg.slice(1));
  return Buffer.from(arg, "utf8");
}

function printReply(frames: readonly Buffer[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(replyJson(frames), null, 2)}\n`);
    return;
  }
  for (const frame of frames) {
    process.stdout.write(frame);
    if (frame.length === 0 || frame[frame.length - 1] !== 0x0a) process.stdout.write("\n");
  }
}

async function runCall(service: string, bodyArg: string | undefined, flags: CallFlags): Promise<ExitCode> {
  const body = await readBody(bodyArg);
  const client = new Client({
    endpoint: flags.broker,
    timeoutMs: flags.timeout,
    retries: flags.retries,
    envelope: flags.envelope,
  });
  try {
    const options = { timeoutMs: flags.timeout, retries: flags.retries, idempotent: flags.idempotent };
    if (flags.check && !service.startsWith(MMI_PREFIX)) {
      let available: boolean | undefined;
      try {
        available = await client.serviceAvailable(service, options);
      } catch (err) {
        // A broker without mmi.service (501) cannot be asked: call the service anyway.
        if (!(err instanceof InvalidReplyError)) throw err;
      }
      if (available === false) {
        throw new ServiceUnavailableError({
          endpoint: flags.broker,
          service,
          detail: "mmi.service answered 404: no live worker (skip this check with --no-check)",
        });
      }
    }
    const frames = await client.request(service, body, options);
    printReply(frames, flags.json === true);
    return ExitCode.OK;
  } catch (err) {
    process.stderr.write(`domo call: ${describeError(err)}\n`);
    return exitCodeForError(err);
  } finally {
    await client.close();
  }
}

/** Register `domo call`. */
export function registerCallCommand(program: Command): void {
  program
    .command("call")
    .description("send one request to a service and print the reply (mmi.* services are answered by the broker)")
    .argument("<service>", "service name, e.g. matrix or mmi.service")
    .argument("[body]", "request body; @file reads a file, @- or a pipe reads stdin")
    .addOption(brokerOption())
    .option("-t, --timeout <ms>", "per-attempt timeout", parseMs, CLI_DEFAULT_TIMEOUT_MS)
    .option("-r, --retries <n>", "re-sends after a timed-out attempt (Lazy Pirate)", parseCount, CLI_DEFAULT_RETRIES)
    .option("--json", "parse the reply as JSON and pretty-print it")
    .option("--no-check", "do not ask mmi.service first whether the service has a worker")
    .option("--no-idempotent", "mark the request as not safe to run twice")
    .addOption(
      new Option("--envelope <mode>", "tagged (domo and ROUTER-envelope brokers) or plain (reference mdbroker)")
        .choices([EnvelopeMode.TAGGED, EnvelopeMode.PLAIN])
        .default(EnvelopeMode.TAGGED),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  domo call mmi.service matrix        prints 200 or 404\n  echo '{...}' | domo call matrix\n" +
        "  domo call matrix @request.json --json\n" +
        `\nExit codes: ${ExitCode.OK} reply, ${ExitCode.TIMEOUT} timeout, ${ExitCode.UNAVAILABLE} service or broker unavailable, ` +
        `${ExitCode.REMOTE_ERROR} the worker answered with an error, ${ExitCode.FAILURE} anything else.`,
    )
    .action(async (service: string, body: string | undefined, flags: CallFlags) => {
      process.exitCode = await runCall(service, body, flags);
    });
}
