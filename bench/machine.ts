/**
 * The machine and software a run was measured on, for the results file: figures from different
 * machines are not comparable, and a loaded machine (load average) explains a noisy run.
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { version as libzmqVersion } from "zeromq";
import type { MachineInfo, Versions } from "./results.js";

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** domo's own version: the nearest package.json named "domo" above this file (sources or dist/). */
function domoVersion(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "domo" && pkg.version) return pkg.version;
    } catch {
      // not there; try one level up
    }
  }
  return "unknown";
}

const loadAverage = (): number[] => os.loadavg().map((n) => Math.round(n * 100) / 100);

/** Machine facts now (`loadAverageEnd` is filled in at the end of the run). */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cpus: os.availableParallelism(),
    cpuSpeedMHz: cpus[0]?.speed ?? 0,
    totalMemoryBytes: os.totalmem(),
    loadAverageStart: loadAverage(),
    loadAverageEnd: [],
  };
}

/** The load average now. */
export function currentLoadAverage(): number[] {
  return loadAverage();
}

/** Versions of what was measured. */
export function versions(): Versions {
  return {
    domo: domoVersion(),
    node: process.version,
    v8: process.versions.v8,
    zeromqJs: packageVersion("zeromq"),
    libzmq: libzmqVersion,
    hdrHistogramJs: packageVersion("hdr-histogram-js"),
  };
}
