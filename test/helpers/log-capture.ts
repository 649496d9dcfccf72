/**
 * A pino logger that writes into an array of parsed lines, so tests assert on structured log fields
 * (level, code, peer) rather than on message text.
 */
import { Writable } from "node:stream";
import { pino, type Level, type Logger } from "pino";

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** pino's numeric levels. */
export const LOG_LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** A logger and everything it wrote. */
export interface LogCapture {
  readonly logger: Logger;
  readonly lines: LogLine[];
}

/** Build a capturing logger at `level` (default debug). */
export function captureLogs(level: Level = "debug"): LogCapture {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const text of chunk.toString().split("\n")) {
        if (text.trim() !== "") lines.push(JSON.parse(text) as LogLine);
      }
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
