/**
 * Property test of the socket-free core: random and mutated MDP traffic from a few peers, with the
 * manual clock jumping between messages (so heartbeats, worker expiry, queue timeouts and request
 * deadlines all fire), keeps the registries consistent after every step, never forwards a forged
 * reply, and drains back to empty once everyone falls silent. Deterministic: fixed seed, and failures
 * shrink to a minimal sequence.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CoreDriver } from "../../helpers/core-driver.js";
import { GOOD_CLIENT, assertInvariants, body, mutatedMessage, randomMessage, requestTag, validMessage } from "../../helpers/mdp-arbitraries.js";
import { frames } from "../../helpers/raw-peer.js";

const SEED = 0x00c0_ffee;

/**
 * Valid traffic on two services only, so the same few peers register, take requests, reply, heartbeat,
 * leave and die holding work: the stateful paths (dispatch, re-run, folding, expiry) happen often.
 */
const service = fc.constantFrom("a", "b");
const focused: fc.Arbitrary<Buffer[]> = fc.oneof(
  { arbitrary: fc.tuple(service, body).map(([s, b]) => [...frames("", "MDPC01", s), ...b]), weight: 3 },
  { arbitrary: fc.tuple(requestTag, service, body).map(([t, s, b]) => [t, ...frames("", "MDPC01", s), ...b]), weight: 3 },
  { arbitrary: service.map((s) => frames("", "MDPW01", [0x01], s)), weight: 2 },
  { arbitrary: body.map((b) => [...frames("", "MDPW01", [0x03], "any", ""), ...b]), weight: 3 },
  { arbitrary: fc.constant(frames("", "MDPW01", [0x04])), weight: 2 },
  { arbitrary: fc.constant(frames("", "MDPW01", [0x05])), weight: 1 },
  { arbitrary: fc.constant(frames("", "MDPW01", [0x07])), weight: 1 },
);

const step = fc.record({
  sender: fc.constantFrom("f0", "f1", "f2", "f3"),
  message: fc.oneof(
    { arbitrary: focused, weight: 12 },
    { arbitrary: validMessage, weight: 2 },
    { arbitrary: mutatedMessage, weight: 3 },
    { arbitrary: randomMessage, weight: 1 },
  ),
  // Mostly small steps, sometimes past a liveness period or a queue timeout.
  advanceMs: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 700 }), weight: 2 }),
});

describe("broker core under random traffic", () => {
  it("keeps its registries consistent and returns to empty", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const d = new CoreDriver({ requests: { queueTimeoutMs: 400 }, serviceDefaults: { maxAttempts: 3 } });
        for (const [i, s] of steps.entries()) {
          d.receive(s.sender, ...s.message);
          d.tick(s.advanceMs);
          assertInvariants(d.stats(), `step ${i}`);
        }
        assert.equal(d.takeFor(GOOD_CLIENT).length, 0, "a forged REPLY reached a client that asked nothing");
        // Everyone falls silent: workers expire, queued requests time out.
        for (let k = 0; k < 20; k++) d.tick(100);
        const end = d.stats();
        assertInvariants(end, "end");
        assert.deepEqual({ workers: end.workers, services: end.services, queued: end.queued, held: end.held }, { workers: 0, services: 0, queued: 0, held: 0 });
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
