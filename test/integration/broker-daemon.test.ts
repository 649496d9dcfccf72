/**
 * `domo broker` as users run it: a real process, real sockets, real signals.
 */
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Router } from "zeromq";
import { CliProcess } from "../helpers/cli-process.js";
import { RawPeer, frames, show } from "../helpers/raw-peer.js";

const bound = (line: Record<string, unknown>): boolean => line.msg === "broker bound";

async function startDaemon(extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ proc: CliProcess; endpoint: string }> {
  const proc = new CliProcess(["broker", "--bind", "tcp://127.0.0.1:*", "--log-format", "json", ...extra], { env });
  const line = await proc.waitForJson(bound);
  const endpoint = (line.endpoints as string[])[0]!;
  return { proc, endpoint };
}

describe("domo broker", () => {
  it("serves on a tcp port, then drains on SIGTERM: DISCONNECT to workers, exit 0", async (t) => {
    const { proc, endpoint } = await startDaemon();
    t.after(() => proc.kill());
    const worker = RawPeer.dealer(endpoint);
    const client = RawPeer.req(endpoint);
    t.after(async () => {
      await worker.close();
      await client.close();
    });
    await worker.send(frames("", "MDPW01", [1], "echo"));
    await client.send(frames("MDPC01", "mmi.service", "echo"));
    // The READY may land after the first probe; ask until the answer reflects it.
    let reply = show(await client.next(5000));
    const deadline = Date.now() + 5000;
    while (reply[2] !== "200" && Date.now() < deadline) {
      await client.send(frames("MDPC01", "mmi.service", "echo"));
      reply = show(await client.next(5000));
    }
    assert.deepEqual(reply, ["MDPC01", "mmi.service", "200"]);

    proc.child.kill("SIGTERM");
    const disconnect = await worker.nextMatching((m) => m[2]?.[0] === 0x05, 5000);
    assert.deepEqual(show(disconnect), ["", "MDPW01", "\\x05"]);
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 0, proc.output());
    assert.ok(proc.jsonLines().some((l) => l.msg === "broker closed"));
  });

  it("exits 4 with one line naming the fix when the address is taken", async (t) => {
    const squatter = new Router({ linger: 0 });
    await squatter.bind("tcp://127.0.0.1:*");
    t.after(() => squatter.close());
    const proc = new CliProcess(["broker", "--bind", squatter.lastEndpoint!, "--log-format", "json"]);
    t.after(() => proc.kill());
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 4, proc.output());
    const line = proc.stderrLines.find((l) => l.includes("EADDRINUSE"));
    assert.ok(line?.includes("--bind"), proc.output());
  });

  it("exits 3 and names the key and line of a bad config file", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "domo-cfg-"));
    const file = join(dir, "broker.yaml");
    writeFileSync(file, "heartbeat:\n  intervalMs: fast\n");
    const proc = new CliProcess(["broker", "--config", file]);
    t.after(() => proc.kill());
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 3, proc.output());
    const text = proc.stderrLines.join("\n");
    assert.match(text, /heartbeat\.intervalMs/);
    assert.match(text, /broker\.yaml:2/);
  });

  it("takes DOMO_* environment overrides, and CLI flags win over them", async (t) => {
    const { proc } = await startDaemon([], { DOMO_HEARTBEAT_INTERVAL_MS: "1234", DOMO_BIND: "tcp://127.0.0.1:1" });
    t.after(() => proc.kill());
    const line = await proc.waitForJson(bound);
    assert.deepEqual(line.heartbeat, { intervalMs: 1234, liveness: 3 });
    assert.match((line.endpoints as string[])[0]!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual((line.endpoints as string[])[0], "tcp://127.0.0.1:1");
  });

  it("prints help and exits 0", async () => {
    const proc = new CliProcess(["broker", "--help"]);
    const exit = await proc.waitForExit();
    assert.equal(exit.code, 0);
    assert.match(proc.stdoutLines.join("\n"), /--config/);
  });
});
