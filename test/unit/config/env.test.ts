import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, ENV_ALIASES, defaultConfig, envName, loadConfig, type ConfigIssue } from "../../../config/index.js";

async function envIssues(env: NodeJS.ProcessEnv): Promise<readonly ConfigIssue[]> {
  try {
    await loadConfig({ env });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues;
  }
  assert.fail("expected the environment to be rejected");
}

void describe("config from DOMO_* variables", () => {
  void it("applies every alias, parsed by the key's type", async () => {
    const { config, sources } = await loadConfig({
      env: {
        DOMO_BIND: "tcp://127.0.0.1:7001, ipc:///tmp/domo.sock,",
        DOMO_HEARTBEAT_INTERVAL_MS: "100",
        DOMO_HEARTBEAT_LIVENESS: "5",
        DOMO_LOG_LEVEL: "debug",
        DOMO_LOG_FORMAT: "json",
        DOMO_METRICS_LISTEN: "0.0.0.0:0",
        DOMO_METRICS_ENABLED: "false",
        DOMO_QUEUE_TIMEOUT_MS: "1500",
        PATH: "/usr/bin",
      },
    });
    assert.deepEqual(config.bind, ["tcp://127.0.0.1:7001", "ipc:///tmp/domo.sock"]);
    assert.deepEqual(config.heartbeat, { intervalMs: 100, liveness: 5 });
    assert.deepEqual([config.log.level, config.log.format], ["debug", "json"]);
    assert.deepEqual(config.metrics, { enabled: false, listen: "0.0.0.0:0" });
    assert.equal(config.requests.queueTimeoutMs, 1500);
    assert.equal(sources.length, 1 + Object.keys(ENV_ALIASES).length);
    assert.ok(sources.includes("env:DOMO_QUEUE_TIMEOUT_MS"));
  });

  void it("maps the generic DOMO_SECTION__KEY form onto any leaf key", async () => {
    assert.equal(envName(["requests", "maxQueuedTotal"]), "DOMO_REQUESTS__MAX_QUEUED_TOTAL");
    const { config } = await loadConfig({
      env: {
        DOMO_REQUESTS__MAX_QUEUED_TOTAL: "42",
        DOMO_SERVICE_DEFAULTS__IDEMPOTENT: "0",
        DOMO_TRANSPORT__RECEIVE_HIGH_WATER_MARK: "0",
        DOMO_LOG__REQUESTS: "on",
      },
    });
    assert.equal(config.requests.maxQueuedTotal, 42);
    assert.equal(config.serviceDefaults.idempotent, false);
    assert.equal(config.transport.receiveHighWaterMark, 0);
    assert.equal(config.log.requests, true);
  });

  void it("names the variable when its value is bad", async () => {
    const issues = await envIssues({
      DOMO_HEARTBEAT_INTERVAL_MS: "2.5s",
      DOMO_METRICS_ENABLED: "maybe",
      DOMO_HEARTBEAT_LIVENESS: "1000",
      DOMO_LOG_LEVEL: "loud",
      DOMO_BIND: "tcp://127.0.0.1:1,nope",
    });
    assert.deepEqual(
      issues.map((i) => [i.source, i.path]).sort(),
      [
        ["env DOMO_BIND", "bind[1]"],
        ["env DOMO_HEARTBEAT_INTERVAL_MS", "heartbeat.intervalMs"],
        ["env DOMO_HEARTBEAT_LIVENESS", "heartbeat.liveness"],
        ["env DOMO_LOG_LEVEL", "log.level"],
        ["env DOMO_METRICS_ENABLED", "metrics.enabled"],
      ],
    );
    assert.ok(issues.every((i) => i.line === undefined));
  });

  void it("rejects near misses and unknown __ names, and ignores other DOMO_ variables", async () => {
    const issues = await envIssues({ DOMO_LOG_LEVLE: "info", DOMO_REQUESTS__MAX_QUEUED: "1", DOMO_BROKER_URL: "tcp://x:1" });
    assert.deepEqual(issues.map((i) => i.source), ["env DOMO_LOG_LEVLE", "env DOMO_REQUESTS__MAX_QUEUED"]);
    assert.match(issues[0]?.message ?? "", /DOMO_LOG_LEVEL\b/);
  });

  void it("rejects the alias and the generic name of one key set together", async () => {
    const issues = await envIssues({ DOMO_LOG_LEVEL: "info", DOMO_LOG__LEVEL: "warn" });
    assert.deepEqual(issues.map((i) => i.path), ["log.level"]);
  });

  void it("treats empty variables as unset and refuses services", async () => {
    assert.deepEqual((await loadConfig({ env: { DOMO_LOG_LEVEL: "", DOMO_BIND: "  " } })).config, defaultConfig());
    assert.deepEqual((await envIssues({ DOMO_SERVICES: "echo" })).map((i) => i.source), ["env DOMO_SERVICES"]);
  });
});
