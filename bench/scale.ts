/**
 * The scale run's extra load on the broker: `count` lightweight raw MDP workers (one service each) in a
 * few processes, started before a round and stopped after it, with the broker's worker count checked
 * both ways so a round never measures a half-registered fleet.
 * @packageDocumentation
 */
import type { BenchChild } from "./child-process.js";
import { ChildProgram } from "./child-script.js";
import type { MdpWorkersConfig } from "./children/mdp-workers.js";
import { REFERENCE_HEARTBEAT_INTERVAL_MS } from "../protocol/constants.js";
import { Workload } from "./payload.js";
import type { ProcessSet } from "./process-set.js";
import { brokerStats, START_TIMEOUT_MS, type Topology } from "./topology.js";
import { waitUntil } from "./wait.js";

/** Raw workers per process (well under libzmq's default of 1023 sockets per context). */
const WORKERS_PER_PROCESS = 250;
/** Service names of the scale workers: scale-0 ... scale-999. */
export const SCALE_SERVICE_PREFIX = "scale-";

/** Start `count` extra workers against the topology's broker; resolves once the broker has them all. */
export async function startScaleWorkers(processes: ProcessSet, topology: Topology, count: number, name: string): Promise<BenchChild[]> {
  const broker = topology.hub!;
  const base = (await brokerStats(broker)).workers;
  const children: BenchChild[] = [];
  for (let first = 0, i = 1; first < count; first += WORKERS_PER_PROCESS, i++) {
    const config: MdpWorkersConfig = {
      endpoint: topology.endpoints[0]!,
      count: Math.min(WORKERS_PER_PROCESS, count - first),
      service: SCALE_SERVICE_PREFIX,
      numbered: true,
      firstIndex: first,
      workload: Workload.ECHO,
      heartbeatIntervalMs: REFERENCE_HEARTBEAT_INTERVAL_MS,
    };
    children.push(processes.start(`${name}/scale-workers-${i}`, ChildProgram.MDP_WORKERS, config));
  }
  await Promise.all(children.map((c) => c.ready(START_TIMEOUT_MS)));
  await waitUntil(broker.label, `registration of ${count} extra workers`, async () => (await brokerStats(broker)).workers >= base + count, START_TIMEOUT_MS);
  return children;
}

/** Stop the extra workers; resolves once the broker has dropped them (they send DISCONNECT). */
export async function stopScaleWorkers(processes: ProcessSet, topology: Topology, children: readonly BenchChild[]): Promise<void> {
  const broker = topology.hub!;
  const expected = topology.spec.workers * topology.spec.capacity;
  await processes.stop(children);
  await waitUntil(broker.label, "removal of the extra workers", async () => (await brokerStats(broker)).workers <= expected, START_TIMEOUT_MS);
}
