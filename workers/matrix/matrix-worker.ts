/**
 * The `matrix` service as a ready-made worker: a {@link Worker} whose handler runs small requests inline
 * and large ones in a {@link ThreadPool}, so heartbeats keep flowing while it computes.
 * @packageDocumentation
 */
import { availableParallelism } from "node:os";
import { InvalidArgumentError } from "../../worker-sdk/errors.js";
import type { WorkerRequest } from "../../worker-sdk/request.js";
import { ThreadPool } from "../../worker-sdk/thread-pool.js";
import { Worker, type StopOptions } from "../../worker-sdk/worker.js";
import type { WorkerOptions } from "../../worker-sdk/options.js";
import { DEFAULT_MAX_ELEMENTS, type MatrixLimits } from "./request.js";
import { serveMatrix } from "./service.js";
import type { MatrixTask } from "./thread.js";

/** The service name. */
export const MATRIX_SERVICE = "matrix";
/**
 * Requests up to this many body bytes run on the event loop: for them a thread hop costs more than the
 * work (16 KiB of JSON is about 40 x 40 numbers, well under a millisecond of compute).
 */
export const DEFAULT_INLINE_MAX_BYTES = 16 * 1024;

/** Options of {@link createMatrixHandler}. */
export interface MatrixHandlerOptions {
  /** Largest operand, in elements. Default 1024 x 1024. */
  readonly maxElements?: number;
  /** Run requests of at most this many body bytes inline. Default 16 KiB. */
  readonly inlineMaxBytes?: number;
  /** Pool for larger requests; without one everything runs inline (and large work blocks heartbeats). */
  readonly pool?: ThreadPool<MatrixTask, ArrayBuffer[]>;
}

/** The pool thread script, from sources (.ts under tsx) or compiled (.js). */
export function matrixThreadScript(): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./thread${ext}`, import.meta.url);
}

/** A new thread pool for matrix work. */
export function createMatrixPool(size: number): ThreadPool<MatrixTask, ArrayBuffer[]> {
  return new ThreadPool<MatrixTask, ArrayBuffer[]>(matrixThreadScript(), { size });
}

/** The matrix handler, for `worker.handle()` on a Worker of your own. */
export function createMatrixHandler(options: MatrixHandlerOptions = {}): (request: WorkerRequest) => Promise<Buffer[]> | Buffer[] {
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (!Number.isInteger(maxElements) || maxElements < 1) {
    throw new InvalidArgumentError("maxElements", `must be a whole number >= 1, got ${String(maxElements)}`);
  }
  const inlineMaxBytes = options.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES;
  if (!Number.isInteger(inlineMaxBytes) || inlineMaxBytes < 0) {
    throw new InvalidArgumentError("inlineMaxBytes", `must be a whole number >= 0, got ${String(inlineMaxBytes)}`);
  }
  const limits: MatrixLimits = { maxElements };
  const pool = options.pool;
  const toBuffers = (frames: readonly (Uint8Array | ArrayBuffer)[]): Buffer[] =>
    frames.map((f) => (f instanceof ArrayBuffer ? Buffer.from(f) : Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  return (request) => {
    const bytes = request.body.reduce((sum, frame) => sum + frame.length, 0);
    if (pool === undefined || bytes <= inlineMaxBytes) return toBuffers(serveMatrix(request.body, limits));
    // One copy per frame into a buffer of its own, which is then moved (not cloned) to the thread.
    const frames = request.body.map((frame) => {
      const copy = new ArrayBuffer(frame.length);
      new Uint8Array(copy).set(frame);
      return copy;
    });
    return pool.run({ frames, limits }, { transfer: frames, signal: request.signal }).then(toBuffers);
  };
}

/** Options of {@link startMatrixWorker}: the worker's, without `service`, plus the matrix ones. */
export interface MatrixWorkerOptions extends Omit<WorkerOptions, "service"> {
  /** Largest operand, in elements. Default 1024 x 1024. */
  readonly maxElements?: number;
  /** Compute threads; 0 computes on the event loop (not advised). Default: `capacity`, at most the CPU count. */
  readonly threads?: number;
  /** Requests up to this many bytes run inline. Default 16 KiB. */
  readonly inlineMaxBytes?: number;
  /** Use this pool instead of creating one (several workers in one process can share it). Not closed by `stop()`. */
  readonly pool?: ThreadPool<MatrixTask, ArrayBuffer[]>;
}

/** A running matrix worker. */
export interface MatrixWorker {
  readonly worker: Worker;
  /** The compute pool, if any. */
  readonly pool: ThreadPool<MatrixTask, ArrayBuffer[]> | undefined;
  /** Stop the worker (drain), then close the pool it created. */
  stop(options?: StopOptions): Promise<void>;
}

/**
 * Start serving `matrix`.
 *
 * @example
 * ```ts
 * const matrix = startMatrixWorker({ broker: "tcp://127.0.0.1:5555", capacity: 4 });
 * process.once("SIGTERM", () => void matrix.stop());
 * ```
 */
export function startMatrixWorker(options: MatrixWorkerOptions): MatrixWorker {
  const { maxElements, threads, inlineMaxBytes, pool: sharedPool, ...workerOptions } = options;
  const worker = new Worker({ ...workerOptions, service: MATRIX_SERVICE });
  const threadCount = threads ?? Math.min(worker.capacity, availableParallelism());
  if (!Number.isInteger(threadCount) || threadCount < 0) {
    throw new InvalidArgumentError("threads", `must be a whole number >= 0, got ${String(threads)}`);
  }
  const ownPool = sharedPool === undefined && threadCount > 0 ? createMatrixPool(threadCount) : undefined;
  const pool = sharedPool ?? ownPool;
  worker.handle(
    createMatrixHandler({
      ...(maxElements !== undefined && { maxElements }),
      ...(inlineMaxBytes !== undefined && { inlineMaxBytes }),
      ...(pool !== undefined && { pool }),
    }),
  );
  return {
    worker,
    pool,
    async stop(stopOptions?: StopOptions): Promise<void> {
      await worker.stop(stopOptions);
      await ownPool?.close();
    },
  };
}
