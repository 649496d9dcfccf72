/**
 * Errors of the benchmark runner, each with a stable `code` (docs/benchmarks.md lists them).
 * @packageDocumentation
 */

/** Stable codes of every bench error. */
export const BenchErrorCode = {
  INVALID_ARGUMENT: "BENCH_ERR_INVALID_ARGUMENT",
  CHILD_FAILED: "BENCH_ERR_CHILD_FAILED",
  CHILD_TIMEOUT: "BENCH_ERR_CHILD_TIMEOUT",
  BAD_RESULTS_FILE: "BENCH_ERR_BAD_RESULTS_FILE",
} as const;
/** One of the bench error codes. */
export type BenchErrorCode = (typeof BenchErrorCode)[keyof typeof BenchErrorCode];

/** A bench option is wrong; `option` names the flag to change. */
export class BenchArgumentError extends Error {
  override readonly name = "BenchArgumentError";
  readonly code = BenchErrorCode.INVALID_ARGUMENT;
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

/** A process the bench started exited, reported a failure, or did not answer in time. */
export class BenchChildError extends Error {
  override readonly name = "BenchChildError";
  readonly code: BenchErrorCode;
  /** Which child (its role label, e.g. "broker", "client-1"). */
  readonly child: string;
  constructor(child: string, code: typeof BenchErrorCode.CHILD_FAILED | typeof BenchErrorCode.CHILD_TIMEOUT, message: string, options?: ErrorOptions) {
    super(`${child}: ${message}`, options);
    this.code = code;
    this.child = child;
  }
}

/** `--compare` was given a file that is not a results file of this runner. */
export class BenchResultsFileError extends Error {
  override readonly name = "BenchResultsFileError";
  readonly code = BenchErrorCode.BAD_RESULTS_FILE;
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${path}: ${message} (pass a file written by --save-results)`, options);
    this.path = path;
  }
}
