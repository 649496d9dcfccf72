/**
 * The work a baseline worker does, identical to the domo workers' so that only the path differs:
 * echo returns the body; matrix runs the very handler the domo matrix worker uses (inline for small
 * bodies, in a thread pool for large ones), with error replies in the same `domo-error/1` form.
 * @packageDocumentation
 */
import { availableParallelism } from "node:os";
import { encodeErrorReply, HANDLER_ERROR_CODE } from "../protocol/error-reply.js";
import type { WorkerRequest } from "../worker-sdk/request.js";
import { createMatrixHandler, createMatrixPool } from "../workers/matrix/index.js";
import { Workload } from "./payload.js";

/** Body frames in, reply frames out. */
export interface BaselineWork {
  run(body: Buffer[]): Promise<Buffer[]> | Buffer[];
  close(): Promise<void>;
}

const NEVER_ABORTED = new AbortController().signal;

/** The work for `workload`, sized like a domo worker of `capacity` (threads = capacity, at most the CPUs). */
export function createBaselineWork(workload: Workload, capacity: number): BaselineWork {
  if (workload === Workload.ECHO) return { run: (body) => body, close: () => Promise.resolve() };
  const pool = createMatrixPool(Math.min(capacity, availableParallelism()));
  const handler = createMatrixHandler({ pool });
  return {
    async run(body) {
      try {
        // The handler reads only `body` and `signal` of the request.
        return await handler({ body, signal: NEVER_ABORTED } as unknown as WorkerRequest);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return encodeErrorReply({
          code: typeof code === "string" ? code : HANDLER_ERROR_CODE,
          message: err instanceof Error ? err.message : String(err),
        });
      }
    },
    close: () => pool.close(),
  };
}
