/**
 * How to start a bench child process: from TypeScript sources (a checkout, run through tsx) the child is
 * the `.ts` file with tsx's loader; from the compiled package (dist/, npm install) it is the `.js` file
 * and plain node. Decided by the extension of this very module, so both layouts work unchanged.
 * @packageDocumentation
 */
import { fileURLToPath } from "node:url";

/** The bench's child programs (files in bench/children/). */
export const ChildProgram = {
  BROKER: "broker",
  DOMO_WORKER: "domo-worker",
  BASELINE_WORKER: "baseline-worker",
  FORWARDER: "forwarder",
  MDP_WORKERS: "mdp-workers",
  LOAD_CLIENT: "load-client",
} as const;
/** One of the child programs. */
export type ChildProgram = (typeof ChildProgram)[keyof typeof ChildProgram];

/** Node arguments (before the config argument) that run `program`. */
export function childArgs(program: ChildProgram): string[] {
  const fromSource = import.meta.url.endsWith(".ts");
  const script = fileURLToPath(new URL(`./children/${program}${fromSource ? ".ts" : ".js"}`, import.meta.url));
  // An absolute loader URL, so the child finds tsx whatever its working directory is.
  const loader = fromSource ? ["--import", import.meta.resolve("tsx")] : [];
  return [...loader, script];
}
