/**
 * The ways a request travels in a scenario, each as separate processes on loopback:
 * - `domo`: client SDK -> broker -> worker SDK (the system under test);
 * - `mdp-raw`: plain MDP DEALER -> broker -> plain MDP DEALER worker (the broker without the SDKs);
 * - `forwarder`: raw DEALER -> zeromq.js ROUTER/DEALER forwarder -> raw DEALER worker (no MDP);
 * - `direct`: raw DEALER -> raw ROUTER worker (no broker at all; a client connects to every worker).
 * Every topology has the same number of worker and client processes doing the same work.
 * @packageDocumentation
 */
import type { BenchChild } from "./child-process.js";
import { ChildProgram } from "./child-script.js";
import type { BrokerChildConfig, BrokerChildStats } from "./children/broker.js";
import type { LoadClientConfig } from "./children/load-client.js";
import type { MdpWorkersConfig } from "./children/mdp-workers.js";
import { REFERENCE_HEARTBEAT_INTERVAL_MS } from "../protocol/constants.js";
import type { PayloadSpec } from "./payload.js";
import type { ProcessSet } from "./process-set.js";
import { waitUntil } from "./wait.js";

/** The topologies. */
export const Variant = { DOMO: "domo", MDP_RAW: "mdp-raw", FORWARDER: "forwarder", DIRECT: "direct" } as const;
/** One of the topologies. */
export type Variant = (typeof Variant)[keyof typeof Variant];

/** What to start. */
export interface TopologySpec {
  variant: Variant;
  payload: PayloadSpec;
  /** Worker processes. */
  workers: number;
  /** Requests each worker process serves at once (MDP connections of a domo worker). */
  capacity: number;
  /** Load client processes. */
  clients: number;
  /** Broker with its metrics listener (as `domo broker` runs by default). */
  brokerMetrics: boolean;
  /** Profile the broker into this folder (docs/benchmarks.md); null: no profile. */
  brokerProfileDir: string | null;
}

/** A started topology. */
export interface Topology {
  readonly spec: TopologySpec;
  /** The broker (domo) or the forwarder; none for direct. */
  readonly hub: BenchChild | undefined;
  readonly workers: readonly BenchChild[];
  readonly clients: readonly BenchChild[];
  /** Where the clients send (the broker's or the forwarder's endpoint; the workers' for direct). */
  readonly endpoints: readonly string[];
}

/** How long starting one group of processes may take (tsx compiles on first start; the box may be busy). */
export const START_TIMEOUT_MS = 60_000;

/** Every process of a topology. */
export function topologyProcesses(topology: Topology): BenchChild[] {
  return [...(topology.hub ? [topology.hub] : []), ...topology.workers, ...topology.clients];
}

/** The broker's stats (domo topologies). */
export async function brokerStats(broker: BenchChild): Promise<BrokerChildStats> {
  return (await broker.stats()) as BrokerChildStats;
}

/** Start the processes of `spec` and wait until every worker is registered or connected. */
export async function startTopology(processes: ProcessSet, spec: TopologySpec, name: string): Promise<Topology> {
  const workload = spec.payload.workload;
  let hub: BenchChild | undefined;
  let workers: BenchChild[];
  let endpoints: string[];
  if (spec.variant === Variant.DOMO || spec.variant === Variant.MDP_RAW) {
    const brokerConfig: BrokerChildConfig = { metrics: spec.brokerMetrics, profileDir: spec.brokerProfileDir, name: name.replace(/[^\w.-]+/g, "_") };
    hub = processes.start(`${name}/broker`, ChildProgram.BROKER, brokerConfig);
    const endpoint = String((await hub.ready(START_TIMEOUT_MS))["endpoint"]);
    workers = range(spec.workers).map((i) => {
      const label = `${name}/worker-${i + 1}`;
      if (spec.variant === Variant.DOMO) return processes.start(label, ChildProgram.DOMO_WORKER, { endpoint, workload, capacity: spec.capacity });
      const config: MdpWorkersConfig = {
        endpoint,
        count: spec.capacity,
        service: workload,
        numbered: false,
        firstIndex: 0,
        workload,
        heartbeatIntervalMs: REFERENCE_HEARTBEAT_INTERVAL_MS,
      };
      return processes.start(label, ChildProgram.MDP_WORKERS, config);
    });
    await Promise.all(workers.map((w) => w.ready(START_TIMEOUT_MS)));
    const broker = hub;
    const expected = spec.workers * spec.capacity;
    await waitUntil(broker.label, `registration of ${expected} worker connections`, async () => (await brokerStats(broker)).workers >= expected, START_TIMEOUT_MS);
    endpoints = [endpoint];
  } else if (spec.variant === Variant.FORWARDER) {
    hub = processes.start(`${name}/forwarder`, ChildProgram.FORWARDER, {});
    const info = await hub.ready(START_TIMEOUT_MS);
    workers = range(spec.workers).map((i) =>
      processes.start(`${name}/worker-${i + 1}`, ChildProgram.BASELINE_WORKER, {
        mode: "connect",
        endpoint: String(info["backend"]),
        workload,
        capacity: spec.capacity,
      }),
    );
    await Promise.all(workers.map((w) => w.ready(START_TIMEOUT_MS)));
    endpoints = [String(info["frontend"])];
  } else {
    workers = range(spec.workers).map((i) =>
      processes.start(`${name}/worker-${i + 1}`, ChildProgram.BASELINE_WORKER, { mode: "bind", workload, capacity: spec.capacity }),
    );
    endpoints = (await Promise.all(workers.map((w) => w.ready(START_TIMEOUT_MS)))).map((info) => String(info["endpoint"]));
  }
  const clients = range(spec.clients).map((i) => {
    const config: LoadClientConfig = {
      transport: spec.variant === Variant.DOMO ? "domo" : spec.variant === Variant.MDP_RAW ? "mdp-raw" : "raw",
      endpoints,
      service: workload,
      payload: spec.payload,
    };
    return processes.start(`${name}/client-${i + 1}`, ChildProgram.LOAD_CLIENT, config);
  });
  await Promise.all(clients.map((c) => c.ready(START_TIMEOUT_MS)));
  return { spec, hub, workers, clients, endpoints };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
