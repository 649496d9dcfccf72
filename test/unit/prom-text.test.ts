/**
 * The test parser of the Prometheus text format must be strict, or the metrics tests could pass on
 * output Prometheus rejects.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PromParseError, parsePromText, sampleValue } from "../helpers/prom-text.js";

const GOOD = `# HELP a_total Things, with a \\\\ and a \\n.
# TYPE a_total counter
a_total{k="v \\"q\\" \\\\ \\n",z="1"} 3
a_total{k="w"} 0 1700000000000
# some comment
# TYPE h histogram
h_bucket{le="0.5"} 1
h_bucket{le="+Inf"} 2
h_sum 0.7
h_count 2
# TYPE g gauge
g NaN
g2 -Inf
`;

function rejects(text: string, line?: number): void {
  assert.throws(
    () => parsePromText(text),
    (err: unknown) => err instanceof PromParseError && err.code === "PROM_PARSE_ERROR" && (line === undefined || err.line === line),
  );
}

describe("parsePromText", () => {
  it("reads help, types, escaped label values, timestamps and special values", () => {
    const families = parsePromText(GOOD);
    const a = families.get("a_total")!;
    assert.equal(a.type, "counter");
    assert.equal(a.help, "Things, with a \\ and a \n.");
    assert.deepEqual(a.samples[0]!.labels, { k: 'v "q" \\ \n', z: "1" });
    assert.equal(a.samples[1]!.timestampMs, 1700000000000);
    assert.equal(families.get("h")!.samples.length, 4);
    assert.ok(Number.isNaN(sampleValue(families, "g")));
    assert.equal(sampleValue(families, "g2"), Number.NEGATIVE_INFINITY);
    assert.equal(sampleValue(families, "a_total", { k: "w" }), 0);
  });

  it("rejects malformed lines", () => {
    rejects("a 1 2 3\n", 1);
    rejects("a{k=v} 1\n", 1);
    rejects('a{k="v} 1\n', 1);
    rejects('a{k="\\x"} 1\n', 1);
    rejects('a{1k="v"} 1\n', 1);
    rejects('a{k="v",k="w"} 1\n', 1);
    rejects("a one\n", 1);
    rejects("a 1", 1);
    rejects("# TYPE a countr\na 1\n", 1);
    rejects("9a 1\n", 1);
  });

  it("rejects what Prometheus rejects in structure", () => {
    rejects("a 1\n# TYPE a gauge\n", 2);
    rejects("# TYPE a gauge\n# TYPE a gauge\na 1\n", 2);
    rejects("a 1\nb 1\na{x=\"1\"} 2\n", 3);
    rejects("a 1\na 2\n", 2);
    rejects("# TYPE c counter\nc -1\n", 2);
    rejects('# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n');
    rejects('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n');
    rejects('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n');
    rejects("# TYPE h histogram\nh_bucket 1\n", 2);
  });
});
