/** Worker options: defaults and the errors for bad values (code and the option named). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveWorkerOptions, type WorkerOptions } from "../../../worker-sdk/options.js";

const base: WorkerOptions = { service: "echo", broker: "tcp://127.0.0.1:5555" };

describe("worker options", () => {
  it("fills in the MDP reference defaults", () => {
    assert.deepEqual(resolveWorkerOptions(base), {
      service: "echo",
      broker: "tcp://127.0.0.1:5555",
      capacity: 1,
      heartbeatIntervalMs: 2500,
      heartbeatLiveness: 3,
      reconnectInitialDelayMs: 1000,
      reconnectMaxDelayMs: 32_000,
      reconnectJitterRatio: 0.5,
      drainTimeoutMs: 10_000,
      stopLingerMs: 1000,
    });
  });

  const bad: [string, Partial<Record<keyof WorkerOptions, unknown>>][] = [
    ["service", { service: "" }],
    ["service", { service: "mmi.service" }],
    ["service", { service: "tab\there" }],
    ["service", { service: 5 }],
    ["broker", { broker: "127.0.0.1:5555" }],
    ["broker", { broker: undefined }],
    ["capacity", { capacity: 0 }],
    ["capacity", { capacity: 1.5 }],
    ["capacity", { capacity: 5000 }],
    ["heartbeatIntervalMs", { heartbeatIntervalMs: 0 }],
    ["heartbeatLiveness", { heartbeatLiveness: 0 }],
    ["reconnectInitialDelayMs", { reconnectInitialDelayMs: -1 }],
    ["reconnectMaxDelayMs", { reconnectInitialDelayMs: 5000, reconnectMaxDelayMs: 1000 }],
    ["reconnectJitterRatio", { reconnectJitterRatio: 1.5 }],
    ["reconnectJitterRatio", { reconnectJitterRatio: Number.NaN }],
    ["drainTimeoutMs", { drainTimeoutMs: -5 }],
    ["stopLingerMs", { stopLingerMs: Number.POSITIVE_INFINITY }],
  ];
  for (const [property, override] of bad) {
    it(`rejects ${property} = ${String(Object.values(override).at(-1))}`, () => {
      assert.throws(() => resolveWorkerOptions({ ...base, ...override } as WorkerOptions), {
        code: "DOMO_WORKER_INVALID_ARGUMENT",
        property,
      });
    });
  }
});
