/**
 * `domo call <service> [body]`: one request through the client SDK, the reply on stdout, and an exit code
 * that tells timeout, unavailable service and remote error apart (cli/exit-codes.ts).
 */
import { readFile } from "node:fs/promises";
import { InvalidArgumentError as CommanderArgumentError, Option, type Command } from "commander";
import { Client } from "../../client-sdk/client.js";
import { replyJson } from "../../client-sdk/body.js";
import { ClientError, ClientErrorCode, InvalidReplyError, ServiceUnavailableError, TimeoutError } from "../../client-sdk/errors.js";
import { EnvelopeMode, type ClientOptions } from "../../client-sdk/options.js";
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

/** Transports a `--broker` value may name (what the worker SDK accepts too). */
const ENDPOINT = /^(tcp|ipc|inproc):\/\/.+$/;

/** Check a `--broker` value (commander argParser): a bad one is a usage error (exit 2), as for `domo worker`. */
export function parseEndpoint(value: string): string {
  if (!ENDPOINT.test(value)) throw new CommanderArgumentError("expected a ZeroMQ endpoint such as tcp://127.0.0.1:5555");
  return value;
}

/** The `--broker` option shared by call, status and worker (DOMO_BROKER in the environment also sets it). */
export function brokerOption(): Option {
  return new Option("-b, --broker <endpoint>", "broker endpoint")
    .env("DOMO_BROKER")
    .argParser(parseEndpoint)
    .default(REFERENCE_ENDPOINT);
}

/**
 * A command-line mistake found after parsing (a body file that cannot be read, an endpoint libzmq
 * refuses): reported as `domo <command>: <message>` and exit 2 (USAGE).
 */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
  readonly code = "DOMO_CLI_USAGE";
}

/**
 * A client for a command: an endpoint that passed {@link parseEndpoint} but that the SDK or libzmq
 * still refuses (`tcp://host` without a port) is a usage error, not a failure.
 */
export function connectClient(options: ClientOptions & { readonly endpoint: string }): Client {
  try {
    return new Client(options);
  } catch (err) {
    throw new CliUsageError(`cannot use broker endpoint ${options.endpoint}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** The exit code for an error that ended a request. */
export function exitCodeForError(err: unknown): ExitCode {
  if (err instanceof CliUsageError) return ExitCode.USAGE;
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

/** The SDK's hint names its options; on the command line the flags are what to change. */
function cliWording(message: string): string {
  return message.replaceAll("(raise timeoutMs or retries)", "(raise --timeout or --retries)");
}

/** One line for stderr describing a failed request, with its stable code. */
export function describeError(err: unknown): string {
  if (err instanceof ClientError) {
    const remote = (err as { remoteCode?: unknown }).remoteCode;
    const details = (err as { details?: unknown }).details;
    return (
      `${cliWording(err.message)} [${err.code}${typeof remote === "string" ? ` ${remote}` : ""}]` +
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
  if (arg.startsWith("@")) {
    const path = arg.slice(1);
    try {
      return await readFile(path);
    } catch (err) {
      throw new CliUsageError(`cannot read body file ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return Buffer.from(arg, "utf8");
}

/**
 * An MMI request the command made on its own timed out (no `remoteCode`: the client's timer, not the
 * broker, ended it). Only the broker answers mmi.*, so say that the broker did not answer, rather than the
 * SDK's `no reply from service "mmi.service"`, which reads as if the user had called that service.
 * Anything else is returned unchanged.
 */
export function brokerSilentError(err: unknown, asked: string, hint = ""): unknown {
  if (!(err instanceof TimeoutError) || err.remoteCode !== undefined || !err.service.startsWith(MMI_PREFIX)) return err;
  return new TimeoutError(
    {
      endpoint: err.endpoint,
      service: err.service,
      attempts: err.attempts,
      timeoutMs: err.timeoutMs,
      detail:
        `the broker at ${err.endpoint} did not answer (${asked}; ${err.attempts} attempt(s) of ${err.timeoutMs} ms): ` +
        `is it running? (raise --timeout or --retries${hint})`,
    },
    { cause: err },
  );
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
  let body: Buffer;
  let client: Client;
  try {
    body = await readBody(bodyArg);
    client = connectClient({ endpoint: flags.broker, timeoutMs: flags.timeout, retries: flags.retries, envelope: flags.envelope });
  } catch (err) {
    process.stderr.write(`domo call: ${describeError(err)}\n`);
    return exitCodeForError(err);
  }
  try {
    const options = { timeoutMs: flags.timeout, retries: flags.retries, idempotent: flags.idempotent };
    if (flags.check && !service.startsWith(MMI_PREFIX)) {
      let available: boolean | undefined;
      try {
        available = await client.serviceAvailable(service, options);
      } catch (err) {
        // A broker without mmi.service (501) cannot be asked: call the service anyway.
        if (!(err instanceof InvalidReplyError)) {
          throw brokerSilentError(err, `asked mmi.service whether "${service}" has a worker`, ", or skip this check with --no-check");
        }
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
        `\nExit codes: ${ExitCode.OK} reply, ${ExitCode.USAGE} bad command line (flags, --broker, unreadable @file), ` +
        `${ExitCode.TIMEOUT} timeout, ${ExitCode.UNAVAILABLE} service or broker unavailable, ` +
        `${ExitCode.REMOTE_ERROR} the worker answered with an error, ${ExitCode.FAILURE} anything else.`,
    )
    .action(async (service: string, body: string | undefined, flags: CallFlags) => {
      process.exitCode = await runCall(service, body, flags);
    });
}
