/**
 * Where a CPU profile (`node --cpu-prof`, written by the broker with --profile-broker) spends its time:
 * self time per function and per source area (broker/, protocol/, zeromq, node internals, GC), from the
 * profile's samples and time deltas.
 * @packageDocumentation
 */
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Frames listed. */
const TOP_FRAMES = 15;

/** A source area for a script URL. */
function areaOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const match = /\/(broker|protocol|client-sdk|worker-sdk|config|bench)\//.exec(url);
  if (match && !url.includes("node_modules")) return `${match[1]}/`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return pkg ? pkg[1]! : "other";
}

function shortUrl(url: string): string {
  const match = /\/((?:broker|protocol|client-sdk|worker-sdk|config|bench|node_modules)\/.*)$/.exec(url);
  return match ? match[1]! : url.replace(/^file:\/\//, "");
}

/** Text lines: top self-time frames and time per area, in % of the sampled time (idle excluded). */
export async function summarizeProfile(path: string): Promise<string[]> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByFrame = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += dt;
      return;
    }
    total += dt;
    const frame = `${functionName || "(anonymous)"} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`.trim();
    selfByFrame.set(frame, (selfByFrame.get(frame) ?? 0) + dt);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + dt);
  });
  const pct = (us: number): string => `${((us / Math.max(1, total)) * 100).toFixed(1)}%`.padStart(6);
  const lines = [`busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s; self time by area:`];
  for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us)}  ${area}`);
  lines.push(`top ${TOP_FRAMES} functions by self time:`);
  for (const [frame, us] of [...selfByFrame].sort((a, b) => b[1] - a[1]).slice(0, TOP_FRAMES)) lines.push(`  ${pct(us)}  ${frame}`);
  return lines;
}
