/**
 * A Worker SDK instance connected to a scripted {@link FakeBroker}, both cleaned up after the test:
 * the set-up the worker-sdk frame and stop suites share.
 */
import type { TestContext } from "node:test";
import { Worker, type WorkerOptions } from "../../worker-sdk/index.js";
import { FakeBroker } from "./fake-broker.js";

/** Heartbeat interval the worker-sdk suites run with. */
export const FAKE_BROKER_INTERVAL_MS = 50;

/**
 * Start a fake broker and an "echo" Worker pointed at it (interval {@link FAKE_BROKER_INTERVAL_MS},
 * liveness 3, then `options`). `autoHeartbeat`: the broker heartbeats the worker every interval, so the
 * worker never decides the broker is dead.
 */
export async function workerAgainstFakeBroker(
  t: TestContext,
  options: Partial<WorkerOptions> = {},
  { autoHeartbeat = false }: { autoHeartbeat?: boolean } = {},
): Promise<{ broker: FakeBroker; worker: Worker }> {
  const broker = await FakeBroker.start();
  if (autoHeartbeat) broker.autoHeartbeat(FAKE_BROKER_INTERVAL_MS);
  const worker = new Worker({
    service: "echo",
    broker: broker.endpoint,
    heartbeatIntervalMs: FAKE_BROKER_INTERVAL_MS,
    heartbeatLiveness: 3,
    ...options,
  });
  t.after(async () => {
    await worker.stop({ drainTimeoutMs: 0 });
    await broker.close();
  });
  return { broker, worker };
}
