/**
 * Exit codes of every `domo` command, so scripts can tell failures apart. Listed in docs/errors.md.
 */
export const ExitCode = {
  OK: 0,
  /** Anything not listed below. */
  FAILURE: 1,
  /** Bad command line (unknown option, missing argument). */
  USAGE: 2,
  /** The config file or an override is invalid. */
  CONFIG: 3,
  /** The bind address is taken or cannot be bound. */
  BIND: 4,
  /** `domo call`: no reply within the timeout after all retries. */
  TIMEOUT: 5,
  /** `domo call`: the service has no workers (mmi 404) or the broker said it is unavailable. */
  UNAVAILABLE: 6,
  /** `domo call`: the worker answered with an error reply. */
  REMOTE_ERROR: 7,
} as const;
/** One of the exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
