/**
 * An in-process CPU profile of a bench child (node:inspector), started once the program is up and
 * written when it stops: unlike `node --cpu-prof`, it leaves out module loading (large under tsx) and
 * the loader thread, so the profile shows the steady state the runs measure.
 * @packageDocumentation
 */
import { Session } from "node:inspector/promises";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Sampling interval: 200 us (`--cpu-prof` samples every 1 ms, coarse next to sub-millisecond handlers). */
const SAMPLING_INTERVAL_US = 200;

/** A running profile; `stop()` writes it as `<dir>/<name>-<pid>.cpuprofile`. */
export async function startCpuProfile(dir: string, name: string): Promise<{ stop(): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await session.post("Profiler.start");
  return {
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      const path = join(dir, `${name}-${process.pid}.cpuprofile`);
      await writeFile(path, JSON.stringify(profile));
      return path;
    },
  };
}
