/**
 * Zod issues to {@link ConfigIssue}s: one issue per unknown key (zod groups them per object), a fix
 * hint on value errors, and a file position or a source for each.
 * @packageDocumentation
 */
import { z } from "zod";
import type { ConfigIssue } from "./errors.js";
import { fixHint, unknownKeyMessage } from "./hints.js";
import { formatPath, type PathSegment } from "./path.js";
import { schemaAt } from "./schema-walk.js";

/** A 1-based position in the config file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Where a key path came from: a source label and, for the file, a position. */
export type Attribute = (path: readonly PathSegment[]) => { source?: string; position?: Position | undefined };

/** Issue codes whose zod message says only what is wrong, so the schema-derived hint says how to fix it. */
const HINTED_CODES: ReadonlySet<string> = new Set(["invalid_type", "too_small", "too_big", "not_multiple_of"]);

function issue(path: readonly PathSegment[], message: string, attribute: Attribute): ConfigIssue {
  const { source, position } = attribute(path);
  return {
    path: formatPath(path),
    message,
    ...(position && { line: position.line, column: position.column }),
    ...(source !== undefined && { source }),
  };
}

/**
 * `positive().min(10)` reports both bounds for 0; keep only the later (stricter) one, since the
 * hint states the full range anyway.
 */
function withoutWeakerBounds(issues: readonly z.ZodIssue[]): z.ZodIssue[] {
  const kept = new Map<string, z.ZodIssue>();
  issues.forEach((zodIssue, index) => {
    const bounded = zodIssue.code === "too_small" || zodIssue.code === "too_big";
    const key = bounded ? `${zodIssue.code} ${JSON.stringify(zodIssue.path)}` : String(index);
    const first = kept.get(key);
    // Replace the message but keep the first one's place in the order.
    if (first === undefined) kept.set(key, zodIssue);
    else kept.set(key, { ...first, message: zodIssue.message });
  });
  return [...kept.values()];
}

/** Convert a zod error into config issues, attributing each one with `attribute`. */
export function fromZodError(error: z.ZodError, attribute: Attribute): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const zodIssue of withoutWeakerBounds(error.issues)) {
    if (zodIssue.code === "unrecognized_keys") {
      for (const key of zodIssue.keys) out.push(issue([...zodIssue.path, key], unknownKeyMessage(zodIssue.path, key), attribute));
      continue;
    }
    // An enum's own message already lists the allowed values.
    const wantsHint = HINTED_CODES.has(zodIssue.code) && !(schemaAt(zodIssue.path) instanceof z.ZodEnum);
    const hint = wantsHint ? fixHint(zodIssue.path) : undefined;
    out.push(issue(zodIssue.path, hint === undefined ? zodIssue.message : `${zodIssue.message} (${hint})`, attribute));
  }
  return out;
}
