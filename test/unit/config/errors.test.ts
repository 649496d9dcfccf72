import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONFIG_ERR_INVALID, ConfigError, parseConfigText, type ConfigIssue } from "../../../config/index.js";

/** Parse text that must be invalid; return its issues. */
function issuesOf(text: string, fileName = "broker.yaml"): readonly ConfigIssue[] {
  try {
    parseConfigText(text, fileName);
  } catch (err) {
    assert.ok(err instanceof ConfigError, "expected a ConfigError");
    assert.equal(err.code, CONFIG_ERR_INVALID);
    assert.equal(err.name, "ConfigError");
    return err.issues;
  }
  assert.fail("expected the config to be rejected");
}

function only(issues: readonly ConfigIssue[]): ConfigIssue {
  assert.equal(issues.length, 1, JSON.stringify(issues));
  return issues[0] as ConfigIssue;
}

void describe("config errors", () => {
  void it("reports a YAML syntax error with its line and column", () => {
    const issue = only(issuesOf("heartbeat:\n  intervalMs: 100\nbind: [tcp://127.0.0.1:5555\n", "syntax.yaml"));
    assert.equal(issue.source, "syntax.yaml");
    assert.equal(issue.line, 4);
    assert.equal(issue.column, 1);
    assert.match(issue.message, /\[BAD_INDENT\]|\[MISSING_CHAR\]/);
  });

  void it("reports a duplicate key and a tab indent as YAML errors with lines", () => {
    const issues = issuesOf("log:\n  level: info\n  level: warn\nmetrics:\n\tenabled: true\n");
    assert.deepEqual(
      issues.map((i) => [i.line, /\[([A-Z_]+)\]/.exec(i.message)?.[1]]),
      [
        [3, "DUPLICATE_KEY"],
        [5, "TAB_AS_INDENT"],
      ],
    );
  });

  void it("reports a wrong type with the key's line, column and a fix", () => {
    const issue = only(issuesOf("# comment\nheartbeat:\n  liveness: 3\n  intervalMs: fast\n"));
    assert.equal(issue.path, "heartbeat.intervalMs");
    assert.equal(issue.line, 4);
    assert.equal(issue.column, 3);
    assert.match(issue.message, /milliseconds/);
    assert.match(issue.message, /2500/);
  });

  void it("reports a quoted number as a wrong type", () => {
    assert.equal(only(issuesOf('requests:\n  maxQueuedTotal: "500"\n')).path, "requests.maxQueuedTotal");
  });

  void it("rejects an unknown key and suggests the closest valid one", () => {
    const issue = only(issuesOf("heartbeat:\n  interval_ms: 100\n"));
    assert.equal(issue.path, "heartbeat.interval_ms");
    assert.equal(issue.line, 2);
    assert.match(issue.message, /"intervalMs"/);
  });

  void it("points a known key in the wrong section to its section", () => {
    const issue = only(issuesOf("queueTimeoutMs: 100\n"));
    assert.equal(issue.path, "queueTimeoutMs");
    assert.match(issue.message, /requests\.queueTimeoutMs/);
  });

  void it("lists the valid keys when nothing is close", () => {
    const issue = only(issuesOf("log:\n  colour: true\n"));
    assert.equal(issue.path, "log.colour");
    for (const key of ["level", "format", "requests"]) assert.match(issue.message, new RegExp(key));
  });

  void it("checks named services against the service policy", () => {
    const issues = issuesOf('services:\n  "echo.v2":\n    maxAtempts: 1\n    idempotent: "no"\n');
    assert.deepEqual(
      issues.map((i) => [i.path, i.line]),
      [
        ['services["echo.v2"].maxAtempts', 3],
        ['services["echo.v2"].idempotent', 4],
      ],
    );
    assert.match(issues[0]?.message ?? "", /"maxAttempts"/);
  });

  void it("reports out-of-range values once each, with the allowed range", () => {
    const issues = issuesOf("heartbeat:\n  intervalMs: 5\n  liveness: 0\nrequests:\n  softLimitRatio: 1.5\nbind: []\n");
    assert.deepEqual(
      issues.map((i) => [i.path, i.line]),
      [
        ["heartbeat.intervalMs", 2],
        ["heartbeat.liveness", 3],
        ["requests.softLimitRatio", 5],
        ["bind", 6],
      ],
    );
    assert.match(issues[1]?.message ?? "", /1 to 100/);
  });

  void it("reports a bad list item at the item's line", () => {
    const issue = only(issuesOf("bind:\n  - tcp://127.0.0.1:5555\n  - localhost:5556\n"));
    assert.deepEqual([issue.path, issue.line, issue.column], ["bind[1]", 3, 5]);
  });

  void it("reports every problem at once, in file order, one message line each", () => {
    const text = [
      "hearbeat:", //             1: unknown key
      "  intervalMs: 100",
      "log:",
      "  level: verbose", //      4: bad enum
      "metrics:",
      "  enabled: yes", //        6: YAML 1.2: a string, not a boolean
      "  listen: 9555", //        7: not host:port
      "transport: 5", //          8: not a mapping
    ].join("\n");
    let error: unknown;
    try {
      parseConfigText(text, "many.yaml");
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.issues.map((i) => [i.path, i.line]),
      [
        ["hearbeat", 1],
        ["log.level", 4],
        ["metrics.enabled", 6],
        ["metrics.listen", 7],
        ["transport", 8],
      ],
    );
    const lines = error.message.split("\n");
    assert.equal(lines.length, 1 + error.issues.length);
    assert.ok(lines.slice(1).every((line, i) => line.includes(`many.yaml:${error.issues[i]?.line}:`)));
  });

  void it("requires the file to be a mapping", () => {
    const issue = only(issuesOf("- tcp://127.0.0.1:5555\n"));
    assert.deepEqual([issue.path, issue.line], ["", 1]);
  });

  void it("reports an alias to an undefined anchor with its line", () => {
    assert.equal(only(issuesOf("log:\n  level: *lvl\n")).line, 2);
  });
});
