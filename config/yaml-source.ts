/**
 * The config file as YAML: syntax errors and warnings with their positions, the plain value, and a way
 * to find where a key path sits in the file so schema problems can name a line too.
 * @packageDocumentation
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from "yaml";
import type { ConfigIssue } from "./errors.js";
import type { PathSegment } from "./path.js";
import type { Position } from "./zod-issues.js";

/** What reading the YAML gave. */
export interface YamlSource {
  /** The file's value; `{}` for an empty file, `undefined` when syntax errors make it unreliable. */
  readonly value: unknown;
  /** Syntax errors and warnings, each with its line. */
  readonly issues: ConfigIssue[];
  /** Where `path` is written in the file (its key, or its list item); the nearest ancestor if absent. */
  readonly locate: (path: readonly PathSegment[]) => Position | undefined;
}

/** The fix for the YAML errors people actually make in a config file. */
const YAML_HINTS: Partial<Record<YAMLError["code"], string>> = {
  DUPLICATE_KEY: "keep only one of the two",
  TAB_AS_INDENT: "indent with spaces",
  TAG_RESOLVE_FAILED: "remove the tag",
  MULTIPLE_DOCS: "a config file holds one document; remove the second ---",
  BAD_INDENT: "align the key with its siblings",
  MISSING_CHAR: "close the quote or bracket",
};

/** prettyErrors appends " at line L, column C:" and a source excerpt; the issue carries the position itself. */
function bareMessage(error: YAMLError): string {
  return error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "");
}

function yamlIssue(error: YAMLError, fileName: string, kind: string): ConfigIssue {
  const start = error.linePos?.[0];
  const hint = YAML_HINTS[error.code];
  const text = `YAML ${kind}: ${bareMessage(error)} [${error.code}]${hint === undefined ? "" : ` (${hint})`}`;
  return { path: "", message: text, source: fileName, ...(start && { line: start.line, column: start.col }) };
}

function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function positionOf(node: unknown, lines: LineCounter): Position | undefined {
  if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
  const { line, col } = lines.linePos(node.range[0]);
  return { line, column: col };
}

/** The first alias whose anchor is not defined before it: toJS fails on it without a position. */
function danglingAlias(doc: Document, lines: LineCounter): Position | undefined {
  let found: Position | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = positionOf(node, lines);
      return visit.BREAK;
    },
  });
  return found;
}

function locator(doc: Document, lines: LineCounter) {
  const at = (node: unknown) => positionOf(node, lines);
  return (path: readonly PathSegment[]): Position | undefined => {
    let node: unknown = doc.contents;
    let found = at(node);
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => keyName(item.key) === String(segment));
        if (pair === undefined) break;
        found = at(pair.key) ?? found;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
        if (node === undefined) break;
        found = at(node) ?? found;
      } else break;
    }
    return found;
  };
}

/** Parse config text. Never throws: every problem becomes an issue. */
export function readYaml(text: string, fileName: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  const issues = [
    ...doc.errors.map((e) => yamlIssue(e, fileName, "syntax error")),
    ...doc.warnings.map((w) => yamlIssue(w, fileName, "warning")),
  ];
  const locate = locator(doc, lines);
  // After a syntax error the parser's recovery guesses; schema messages about its guesses would mislead.
  if (doc.errors.length > 0) return { value: undefined, issues, locate };
  try {
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    return { value: value ?? {}, issues, locate };
  } catch (err) {
    // toJS throws for an alias to an undefined anchor or an alias explosion.
    const message = `YAML error: ${err instanceof Error ? err.message : String(err)}`;
    const where = danglingAlias(doc, lines);
    issues.push({ path: "", message, source: fileName, ...(where && { line: where.line, column: where.column }) });
    return { value: undefined, issues, locate };
  }
}
