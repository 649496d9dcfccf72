/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for asserting on /metrics.
 * Strict where Prometheus is: a malformed line, a TYPE after its samples, a family split in two
 * groups, a duplicate series, a histogram without `+Inf` or with decreasing buckets all throw
 * PromParseError with the line number. Written here rather than taken from npm because the packages
 * there are lenient (they skip what they cannot read), and a test parser must not be.
 */

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** A metric family: its HELP, TYPE and samples. */
export interface PromFamily {
  name: string;
  help: string | undefined;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  samples: PromSample[];
}

/** A line that is not valid exposition text. */
export class PromParseError extends Error {
  override readonly name = "PromParseError";
  readonly code = "PROM_PARSE_ERROR";
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** As Prometheus reads values (Go's strconv.ParseFloat): NaN and Inf/Infinity in any case (prom-client writes `Nan`). */
function parseValue(text: string, line: number): number {
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === "nan") return Number.NaN;
    return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!FLOAT.test(text)) throw new PromParseError(line, `bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(sample: string, families: Map<string, PromFamily>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sample.endsWith(suffix)) continue;
    const base = sample.slice(0, -suffix.length);
    const family = families.get(base);
    if (family?.type === "histogram" || (family?.type === "summary" && suffix !== "_bucket")) return base;
  }
  return sample;
}

/** Parse `{a="b",...}` starting at `text[0] === "{"`; returns the labels and the rest of the line. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const nameEnd = text.indexOf("=", i);
    if (nameEnd < 0) throw new PromParseError(line, "label without =");
    const name = text.slice(i, nameEnd);
    if (!LABEL_NAME.test(name)) throw new PromParseError(line, `bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new PromParseError(line, `label ${name} repeated`);
    if (text[nameEnd + 1] !== '"') throw new PromParseError(line, `label ${name}: value must be quoted`);
    let value = "";
    let j = nameEnd + 2;
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new PromParseError(line, `label ${name}: unterminated value`);
      if (c === '"') break;
      if (c === "\\") {
        const next = text[j + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else throw new PromParseError(line, `label ${name}: bad escape \\${next ?? ""}`);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new PromParseError(line, `expected , or } after label ${name}`);
  }
}

function unescapeHelp(text: string, line: number): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    throw new PromParseError(line, `bad escape in HELP: \\${c}`);
  });
}

/** Parse a whole exposition. Families keep their order. */
export function parsePromText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  const typed = new Set<string>();
  let current: string | undefined;
  const family = (name: string): PromFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, help: undefined, type: "untyped", samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const enter = (name: string, line: number): void => {
    if (current === name) return;
    if (closed.has(name)) throw new PromParseError(line, `family ${name} appears in two separate groups`);
    if (current !== undefined) closed.add(current);
    current = name;
  };
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  else if (text.length > 0) throw new PromParseError(lines.length, "exposition must end with a newline");
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, keyword, name, rest = ""] = m as unknown as [string, "HELP" | "TYPE", string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new PromParseError(line, `bad metric name ${JSON.stringify(name)}`);
      enter(name, line);
      const f = family(name);
      if (keyword === "HELP") {
        if (f.help !== undefined) throw new PromParseError(line, `second HELP for ${name}`);
        f.help = unescapeHelp(rest, line);
      } else {
        if (!TYPES.has(rest.trim())) throw new PromParseError(line, `bad TYPE ${JSON.stringify(rest)}`);
        if (f.samples.length > 0) throw new PromParseError(line, `TYPE for ${name} after its samples`);
        if (typed.has(name)) throw new PromParseError(line, `second TYPE for ${name}`);
        typed.add(name);
        f.type = rest.trim() as PromFamily["type"];
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nameMatch) throw new PromParseError(line, `bad sample line ${JSON.stringify(raw.slice(0, 60))}`);
    const sampleName = nameMatch[0];
    let rest = raw.slice(sampleName.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/\s+/);
    if (!/^\s/.test(rest) || fields.length < 1 || fields.length > 2) throw new PromParseError(line, "expected a value (and optional timestamp) after the name");
    const value = parseValue(fields[0]!, line);
    const sample: PromSample = { name: sampleName, labels, value };
    if (fields[1] !== undefined) {
      if (!/^-?\d+$/.test(fields[1])) throw new PromParseError(line, `bad timestamp ${fields[1]}`);
      sample.timestampMs = Number(fields[1]);
    }
    const familyName = familyOf(sampleName, families);
    enter(familyName, line);
    const f = family(familyName);
    const key = `${sampleName}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(key)) throw new PromParseError(line, `duplicate series ${key}`);
    seenSeries.add(key);
    if (f.type === "counter" && !(value >= 0)) throw new PromParseError(line, `counter ${sampleName} is ${value}`);
    if (f.type === "histogram" && sampleName === `${familyName}_bucket` && labels.le === undefined) {
      throw new PromParseError(line, `${sampleName} without le`);
    }
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

/** Buckets cumulative and ending in +Inf, which equals _count, for every label set. */
function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (s.name.endsWith("_bucket")) group.buckets.push([parseValue(le!, 0), s.value]);
    else if (s.name.endsWith("_count")) group.count = s.value;
  }
  for (const [key, group] of groups) {
    const where = `${f.name}${key}`;
    if (group.count === undefined) throw new PromParseError(0, `${where}: no _count`);
    const last = group.buckets.at(-1);
    if (last?.[0] !== Number.POSITIVE_INFINITY) throw new PromParseError(0, `${where}: no le="+Inf" bucket last`);
    if (last[1] !== group.count) throw new PromParseError(0, `${where}: +Inf bucket ${last[1]} != _count ${group.count}`);
    for (let i = 1; i < group.buckets.length; i++) {
      const [le, n] = group.buckets[i]!;
      const [prevLe, prevN] = group.buckets[i - 1]!;
      if (!(le > prevLe)) throw new PromParseError(0, `${where}: le not increasing at ${le}`);
      if (n < prevN) throw new PromParseError(0, `${where}: bucket counts decrease at le=${le}`);
    }
  }
}

/** The value of the sample `name` whose labels include `labels`; undefined when absent. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** Every sample, flattened. */
export function allSamples(families: Map<string, PromFamily>): PromSample[] {
  return [...families.values()].flatMap((f) => f.samples);
}
