/**
 * The broker's pino logger: JSON lines by default (for log shippers), pretty when asked or when
 * `auto` and stdout is a terminal. Bodies are never logged; peer ids are hex.
 * @packageDocumentation
 */
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";
import type { BrokerConfig } from "../config/schema.js";

/** Build the daemon's logger from the `log` config. */
export function createLogger(log: BrokerConfig["log"], destination: NodeJS.WritableStream = process.stdout): Logger {
  const usePretty = log.format === "pretty" || (log.format === "auto" && (destination as { isTTY?: boolean }).isTTY === true);
  const options = { level: log.level, base: { pid: process.pid } };
  if (usePretty) return pino(options, pretty({ destination, sync: true, ignore: "pid,hostname" }));
  return pino(options, destination);
}

/** A logger that writes nothing: the default for embedded use and tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
