/**
 * Key paths: how a config key is named in messages (`heartbeat.intervalMs`, `bind[1]`,
 * `services["echo.v2"].maxAttempts`), so the text can be pasted back into a search of the file.
 * @packageDocumentation
 */

/** One step of a key path: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Render a key path for humans. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
