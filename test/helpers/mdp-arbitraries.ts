/**
 * fast-check generators of MDP/0.1 traffic for fuzzing the broker: valid messages as a DEALER sends
 * them, mutations of them (drop, insert, duplicate, flip, empty, truncate, random command byte, huge
 * frame counts), random frames, and sequences of those; plus the broker invariants a fuzz checks.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { BrokerStats } from "../../broker/stats.js";
import { encodeRequestTag } from "../../protocol/request-tag.js";
import { frames } from "./raw-peer.js";

/** Routing id of the well-behaved client a fuzz keeps serving; fuzz REPLYs forge it as their address. */
export const GOOD_CLIENT = "GOOD-CLIENT";

/** A frame of up to `maxLength` random bytes. */
export const bytes = (maxLength: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
/** A body of 0–4 random frames. */
export const body = fc.array(bytes(24), { minLength: 0, maxLength: 4 });
/** Names a fuzz worker may register: never "echo" (and never 4 bytes long, so byte flips cannot make it). */
const workerService = fc.constantFrom("fz", "fz-slow", "mmi.service", "mmi.x", "zz-other");
/** Names a fuzz client may ask for: "echo" too, so the good worker serves fuzz bodies as well. */
const clientService = fc.constantFrom("echo", "fz", "nobody", "mmi.service", "mmi.services", "mmi.workers", "mmi.health", "mmi.nope", "");
/** REPLY address frames: random, or the good client's id (a forged reply must never reach it). */
const address = fc.oneof(bytes(8), fc.constant(Buffer.from(GOOD_CLIENT)));
/** A domo request tag frame (Extension 1). */
export const requestTag = fc
  .record({
    acceptsErrorReplies: fc.boolean(),
    idempotent: fc.boolean(),
    attempt: fc.integer({ min: 1, max: 255 }),
    // Deadlines shorter than the queue timeout too, so re-queued requests expire at their deadline.
    ttlMs: fc.oneof(fc.constantFrom(0, 100, 250), fc.integer({ min: 0, max: 2000 })),
    // Few distinct ids, so retries of a held request (duplicate folding) happen often.
    requestId: fc.oneof(fc.constantFrom("r1", "r2", "r3"), fc.string({ minLength: 1, maxLength: 8 })).map((id) => Buffer.from(id)),
  })
  .map((t) => encodeRequestTag(t));

/** Valid MDP/0.1 messages as a DEALER sends them (no routing id). */
export const validMessage: fc.Arbitrary<Buffer[]> = fc.oneof(
  fc.tuple(clientService, body).map(([s, b]) => [...frames("", "MDPC01", s), ...b]),
  fc.tuple(requestTag, clientService, body).map(([t, s, b]) => [t, ...frames("", "MDPC01", s), ...b]),
  workerService.map((s) => frames("", "MDPW01", [0x01], s)),
  fc.tuple(address, body).map(([a, b]) => [...frames("", "MDPW01", [0x03], a, ""), ...b]),
  fc.constant(frames("", "MDPW01", [0x04])),
  fc.constant(frames("", "MDPW01", [0x05])),
  fc.tuple(address, body).map(([a, b]) => [...frames("", "MDPW01", [0x02], a, ""), ...b]),
  // MDP/0.2 shapes (not served: dropped, and a 0.2 worker is told DISCONNECT).
  fc.tuple(clientService, body).map(([s, b]) => [...frames("MDPC02", [0x01], s), ...b]),
  workerService.map((s) => frames("MDPW02", [0x01], s)),
);

/** Turns a message into a (probably) malformed one. */
export type Mutation = (m: Buffer[]) => Buffer[];
const at = (m: Buffer[], i: number): number => (m.length === 0 ? 0 : i % m.length);

const dropFrame = fc.nat().map((i): Mutation => (m) => m.filter((_, j) => j !== at(m, i)));
const insertFrame = fc.tuple(fc.nat(), bytes(8)).map(([i, f]): Mutation => (m) => [...m.slice(0, at(m, i)), f, ...m.slice(at(m, i))]);
const duplicateFrame = fc.nat().map((i): Mutation => (m) => [...m.slice(0, at(m, i) + 1), ...m.slice(at(m, i))]);
const flipByte = fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })).map(
  ([i, j, v]): Mutation =>
    (m) =>
      m.map((f, k) => {
        if (k !== at(m, i) || f.length === 0) return f;
        const copy = Buffer.from(f);
        copy[j % copy.length] = v;
        return copy;
      }),
);
/** Frame 2 is the command frame of a worker message (and the service frame of a client request). */
const randomCommandByte = fc.integer({ min: 0, max: 255 }).map((v): Mutation => (m) => m.map((f, k) => (k === 2 ? Buffer.from([v]) : f)));
const emptyFrame = fc.nat().map((i): Mutation => (m) => m.map((f, k) => (k === at(m, i) ? Buffer.alloc(0) : f)));
const truncate = fc.nat().map((n): Mutation => (m) => m.slice(0, 1 + (n % Math.max(1, m.length))));
/** Hundreds of extra frames; rare, because it is the expensive one. */
const hugeFrameCount = fc.tuple(fc.integer({ min: 200, max: 1500 }), fc.boolean()).map(
  ([n, empty]): Mutation =>
    (m) => [...m, ...Array.from({ length: n }, (_, k) => (empty ? Buffer.alloc(0) : Buffer.from([k & 0xff])))],
);
/** One mutation of a valid message: drop, insert, duplicate, flip a byte, random command byte, empty a frame, truncate, or (rarely) hundreds of extra frames. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  ...[dropFrame, insertFrame, duplicateFrame, flipByte, randomCommandByte, emptyFrame, truncate].map((arbitrary) => ({ arbitrary, weight: 4 })),
  { arbitrary: hugeFrameCount, weight: 1 },
);

/** A valid message with one to three mutations. */
export const mutatedMessage = fc
  .tuple(validMessage, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([m, ms]) => ms.reduce((acc, f) => f(acc), m));
/** One to eight frames of random bytes. */
export const randomMessage = fc.array(bytes(12), { minLength: 1, maxLength: 8 });
/** A frame sequence: messages, never zero frames (a socket cannot send an empty message). */
export const fuzzSequence = fc
  .array(fc.oneof({ arbitrary: mutatedMessage, weight: 5 }, { arbitrary: validMessage, weight: 4 }, { arbitrary: randomMessage, weight: 1 }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((ms) => ms.map((m) => (m.length === 0 ? [Buffer.alloc(0)] : m)));

/**
 * Check what must hold between the broker's counts at any instant: every held request is queued or in
 * flight on one busy worker, and the per-service figures add up to the totals (none negative).
 */
export function assertInvariants(stats: BrokerStats, where: string): void {
  const services = Object.values(stats.perService);
  const sum = (pick: (s: (typeof services)[number]) => number): number => services.reduce((n, s) => n + pick(s), 0);
  const broken = [
    stats.status !== "running" && "status is not running",
    stats.held !== stats.queued + stats.busyWorkers && "held != queued + busy workers",
    stats.workers !== stats.idleWorkers + stats.busyWorkers && "workers != idle + busy",
    sum((s) => s.workers) !== stats.workers && "per-service workers do not add up",
    sum((s) => s.queued) !== stats.queued && "per-service queued do not add up",
    sum((s) => s.queuedBytes) !== stats.queuedBytes && "per-service queued bytes do not add up",
    services.length !== stats.services && "services != per-service entries",
    (stats.queued < 0 || stats.held < 0 || stats.queuedBytes < 0) && "a count is negative",
  ].filter((x): x is string => typeof x === "string");
  // The context is built only on failure: the socket-free fuzz checks this after every message.
  if (broken.length > 0) assert.fail(`${where}: ${broken.join("; ")}\n${JSON.stringify({ ...stats, counters: undefined })}`);
}
