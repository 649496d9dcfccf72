import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, defaultConfig, loadConfig, parseConfigText } from "../../../config/index.js";

async function tempFile(t: { after: (fn: () => Promise<void>) => void }, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "domo-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "broker.yaml");
  await writeFile(file, text);
  return file;
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

void describe("loadConfig", () => {
  void it("runs on the built-in defaults with no file, env or overrides", async () => {
    const { config, sources } = await loadConfig({ env: {} });
    assert.deepEqual(config, defaultConfig());
    assert.deepEqual(sources, ["defaults"]);
  });

  void it("layers defaults < file < env < CLI overrides", async (t) => {
    const file = await tempFile(
      t,
      "heartbeat:\n  intervalMs: 1000\n  liveness: 4\nlog:\n  level: warn\n  format: json\nservices:\n  echo:\n    maxAttempts: 1\n",
    );
    const { config, sources } = await loadConfig({
      file,
      env: { DOMO_HEARTBEAT_INTERVAL_MS: "500", DOMO_LOG_LEVEL: "debug" },
      overrides: { log: { level: "error" }, services: { echo: { idempotent: false } } },
    });
    assert.equal(config.heartbeat.intervalMs, 500); // env over file
    assert.equal(config.heartbeat.liveness, 4); // file over defaults
    assert.equal(config.log.level, "error"); // CLI over env
    assert.equal(config.log.format, "json"); // file, untouched by the layers above
    assert.deepEqual(config.services, { echo: { maxAttempts: 1, idempotent: false } }); // mappings merge
    assert.equal(config.requests.queueTimeoutMs, defaultConfig().requests.queueTimeoutMs);
    assert.deepEqual(sources, [
      "defaults",
      `file:${file}`,
      "env:DOMO_HEARTBEAT_INTERVAL_MS",
      "env:DOMO_LOG_LEVEL",
      "cli:log.level",
      "cli:services.echo.idempotent",
    ]);
  });

  void it("lets an env list replace the file's list", async (t) => {
    const file = await tempFile(t, "bind:\n  - tcp://127.0.0.1:7001\n  - tcp://127.0.0.1:7002\n");
    const { config } = await loadConfig({ file, env: { DOMO_BIND: "inproc://one" } });
    assert.deepEqual(config.bind, ["inproc://one"]);
  });

  void it("skips undefined overrides, as unset CLI flags give", async () => {
    const { config, sources } = await loadConfig({ env: {}, overrides: { log: { level: undefined }, heartbeat: {} } });
    assert.deepEqual(config, defaultConfig());
    assert.deepEqual(sources, ["defaults"]);
  });

  void it("returns a deep-frozen config without freezing later defaults", async () => {
    const { config } = await loadConfig({ env: {}, overrides: { services: { echo: {} } } });
    assert.ok(isDeepFrozen(config));
    assert.throws(() => {
      (config.heartbeat as { intervalMs: number }).intervalMs = 1;
    }, TypeError);
    assert.throws(() => (config.bind as string[]).push("inproc://x"), TypeError);
    assert.equal(Object.isFrozen(defaultConfig().bind), false);
    assert.ok(isDeepFrozen(parseConfigText("log:\n  level: warn\n")));
  });

  void it("names the path of a missing file", async () => {
    const missing = join(tmpdir(), `domo-no-such-${process.pid}.yaml`);
    await assert.rejects(loadConfig({ file: missing, env: {} }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, "CONFIG_ERR_INVALID");
      assert.equal(err.issues[0]?.source, missing);
      assert.ok(err.message.includes(missing));
      return true;
    });
  });

  void it("reports problems of every layer in one error", async (t) => {
    const file = await tempFile(t, "heartbeat:\n  intervalMs: x\n");
    await assert.rejects(
      loadConfig({ file, env: { DOMO_LOG_LEVEL: "loud" }, overrides: { heartbeat: { liveness: 0 } } }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(
          err.issues.map((i) => [i.source, i.path, i.line]),
          [
            [file, "heartbeat.intervalMs", 2],
            ["env DOMO_LOG_LEVEL", "log.level", undefined],
            ["cli", "heartbeat.liveness", undefined],
          ],
        );
        return true;
      },
    );
  });
});
