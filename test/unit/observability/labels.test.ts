import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DISCONNECT_REASONS, OTHER_LABEL, fixedLabel } from "../../../broker/observability/label-sets.js";
import { OTHER_SERVICE_LABEL, ServiceLabels } from "../../../broker/observability/service-labels.js";

describe("ServiceLabels", () => {
  it("gives registered services their own label up to the cap, and everything else _other", () => {
    const labels = new ServiceLabels(2);
    assert.equal(labels.labelOf("echo"), OTHER_SERVICE_LABEL, "no worker yet");
    assert.equal(labels.register("echo"), "added");
    assert.equal(labels.register("echo"), "known");
    assert.equal(labels.register("matrix"), "added");
    assert.equal(labels.overflowed, false);
    assert.equal(labels.register("late"), "full");
    assert.equal(labels.overflowed, true);
    assert.equal(labels.labelOf("echo"), "echo");
    assert.equal(labels.labelOf("late"), OTHER_SERVICE_LABEL);
    assert.equal(labels.labelOf("random-name"), OTHER_SERVICE_LABEL);
    assert.deepEqual([...labels.known()], ["echo", "matrix"]);
  });

  it("never lets a service named _other shadow the shared label", () => {
    const labels = new ServiceLabels();
    assert.equal(labels.register(OTHER_SERVICE_LABEL), "known");
    assert.equal(labels.size, 0);
  });

  it("rejects a cap that is not a non-negative integer", () => {
    assert.throws(() => new ServiceLabels(-1), RangeError);
    assert.throws(() => new ServiceLabels(2.5), RangeError);
  });
});

describe("fixed label sets", () => {
  it("maps values outside a set to other", () => {
    assert.equal(fixedLabel("malformed", DISCONNECT_REASONS), "malformed");
    assert.equal(fixedLabel("something-new", DISCONNECT_REASONS), OTHER_LABEL);
  });

  it("lists every DISCONNECT reason the broker's sources pass", () => {
    const root = fileURLToPath(new URL("../../../broker/", import.meta.url));
    const used = new Set<string>();
    for (const file of readdirSync(root, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts") || file.startsWith("observability")) continue;
      const text = readFileSync(join(root, file), "utf8");
      // sendDisconnect(ctx, peer, "why") and removeWorker(ctx, worker, reason, "why")
      for (const m of text.matchAll(/(?:sendDisconnect|removeWorker)\([^)]*?,\s*"([a-z-]+)"\s*\)/g)) used.add(m[1]!);
    }
    assert.ok(used.size >= 5, `found ${[...used].join(", ")}`);
    for (const reason of used) assert.ok(DISCONNECT_REASONS.includes(reason), `DISCONNECT_REASONS lacks "${reason}"`);
  });
});
