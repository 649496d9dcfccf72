/**
 * The domo broker under test, in a process of its own: `Broker.start` on a wildcard loopback port with
 * the built-in defaults (as `domo broker` runs it), plus the metrics listener unless turned off.
 * Answers `stats` with the broker's worker and service counts, so the runner knows when workers are in.
 * @packageDocumentation
 */
import { Broker } from "../../broker/broker.js";
import { startObservability, type Observability } from "../../broker/observability/index.js";
import { childConfig, failChild, serveChild } from "./child-runtime.js";
import { startCpuProfile } from "./cpu-profiler.js";

/** Config of the broker child. */
export interface BrokerChildConfig {
  /** Attach Prometheus metrics (on by default in `domo broker`). */
  metrics: boolean;
  /** Write a CPU profile of the broker's steady state into this folder; null: none. */
  profileDir: string | null;
  /** Name of the profile file (the scenario and topology). */
  name: string;
}

/** What `stats` answers. */
export interface BrokerChildStats {
  workers: number;
  services: number;
  queued: number;
  requestsReceived: number;
}

async function main(): Promise<void> {
  const config = childConfig<BrokerChildConfig>();
  const broker = await Broker.start({ config: { bind: ["tcp://127.0.0.1:*"] } });
  let observability: Observability | undefined;
  if (config.metrics) observability = await startObservability(broker, { listen: "127.0.0.1:0" });
  const profile = config.profileDir === null ? undefined : await startCpuProfile(config.profileDir, config.name);
  const child = serveChild({
    stats: (): BrokerChildStats => {
      const stats = broker.stats();
      return { workers: stats.workers, services: stats.services, queued: stats.queued, requestsReceived: stats.counters.requestsReceived };
    },
    async stop() {
      await profile?.stop();
      await observability?.close();
      await broker.close();
    },
  });
  child.ready({ endpoint: broker.endpoints[0], metricsUrl: observability?.url ?? null });
}

main().catch(failChild);
