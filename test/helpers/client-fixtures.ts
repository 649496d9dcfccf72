/**
 * Fixtures shared by the client SDK tests: an in-process broker with short heartbeats, scripted workers
 * cleaned up with the test, and a TCP endpoint that nothing listens on yet.
 */
import { Router } from "zeromq";
import { Broker } from "../../broker/index.js";
import type { BrokerConfigInput } from "../../config/schema.js";
import { ANY_TCP } from "./endpoint.js";
import { ScriptedWorker, type ScriptedWorkerOptions } from "./scripted-worker.js";

/** Where cleanups go: a node:test TestContext, or a suite's own list. */
export interface CleanupScope {
  after(fn: () => unknown): void;
}

/** Heartbeat interval of brokers and workers in these tests. */
export const TEST_HEARTBEAT_MS = 100;
/**
 * Worker liveness at the broker in these tests: 10 × 100 ms. These tests are about the client; a test
 * process starved of CPU for a few hundred ms on a loaded machine must not lose its workers.
 */
export const TEST_WORKER_LIVENESS = 10;

/** Start a broker on `bind` (default a wildcard TCP port) with 100 ms heartbeats; closed after the test. */
export async function startTestBroker(t: CleanupScope, bind = ANY_TCP, config: BrokerConfigInput = {}): Promise<{ broker: Broker; endpoint: string }> {
  const broker = await Broker.start({
    config: { ...config, bind: [bind], heartbeat: { intervalMs: TEST_HEARTBEAT_MS, liveness: TEST_WORKER_LIVENESS } },
  });
  t.after(() => broker.close());
  return { broker, endpoint: broker.endpoints[0]! };
}

/** Start a scripted worker; closed after the test. */
export function startTestWorker(
  t: CleanupScope,
  endpoint: string,
  service: string,
  options: Partial<ScriptedWorkerOptions> = {},
): ScriptedWorker {
  const worker = ScriptedWorker.start(endpoint, service, { heartbeatIntervalMs: TEST_HEARTBEAT_MS, ...options });
  t.after(() => worker.close());
  return worker;
}

/**
 * A TCP endpoint that nothing listens on: bind a wildcard port, read it, unbind. The OS does not hand
 * the port out again at once, so a test can start a broker on it later ("broker down at start").
 */
export async function unusedTcpEndpoint(): Promise<string> {
  const probe = new Router({ linger: 0 });
  try {
    await probe.bind(ANY_TCP);
    return probe.lastEndpoint!;
  } finally {
    probe.close();
  }
}

/** Settle state of a promise without waiting for it: "pending", "resolved" or "rejected". */
export function track<T>(promise: Promise<T>): { readonly state: () => "pending" | "resolved" | "rejected"; readonly promise: Promise<T> } {
  let state: "pending" | "resolved" | "rejected" = "pending";
  void promise.then(
    () => (state = "resolved"),
    () => (state = "rejected"),
  );
  return { state: () => state, promise };
}

/** Await a promise that must reject; return its error (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error("expected the promise to reject, but it resolved");
}
