/**
 * The one config failure: {@link ConfigError}, which carries every problem found (file syntax, schema,
 * environment, overrides) so an operator fixes them all in one pass instead of one per restart.
 * @packageDocumentation
 */

/** Stable code of {@link ConfigError}. Listed in docs/errors.md. */
export const CONFIG_ERR_INVALID = "CONFIG_ERR_INVALID";

/** One problem in the config. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `heartbeat.intervalMs` or `bind[1]`; empty for file-level problems. */
  readonly path: string;
  /** What is wrong and, where we can tell, how to fix it. */
  readonly message: string;
  /** 1-based line in the config file, when the problem is in the file. */
  readonly line?: number;
  /** 1-based column in the config file, when the problem is in the file. */
  readonly column?: number;
  /** Where the bad value came from: the file name, `env DOMO_…`, or `cli`. */
  readonly source?: string;
}

/**
 * The broker config is invalid. `issues` lists every problem; the message has one line per issue, e.g.
 * `broker.yaml:12:3 heartbeat.intervalMs: Expected number, received string (set it to …, e.g. 2500)`.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Always {@link CONFIG_ERR_INVALID}: test and branch on this, not on the message. */
  readonly code = CONFIG_ERR_INVALID;
  /** Every problem found, in file order, then environment, then overrides. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(formatIssues(issues), options);
    this.issues = Object.freeze([...issues]);
  }
}

/** Render issues as the text of a {@link ConfigError}: a header line, then one line per issue. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return [`invalid broker config (${count}):`, ...issues.map((i) => `  ${formatIssue(i)}`)].join("\n");
}

/** One issue as `source:line:column path: message` (parts that are unknown are left out). */
export function formatIssue(issue: ConfigIssue): string {
  let where = issue.source ?? "";
  if (issue.line !== undefined) {
    where += `:${issue.line}`;
    if (issue.column !== undefined) where += `:${issue.column}`;
  }
  const subject = [where, issue.path].filter((part) => part !== "").join(" ");
  return subject === "" ? issue.message : `${subject}: ${issue.message}`;
}
