/**
 * Robustness fuzz: 10,000 random and mutated frame sequences from several DEALERs against a live broker,
 * while a well-behaved client and worker keep getting correct echo replies. At the end the broker's
 * registries are back to baseline and it still serves.
 *
 * The sequences come from fast-check with a fixed seed, so a failure names the seed and the sequence
 * index and replays identically.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Harness, drain } from "../helpers/broker-harness.js";
import { GOOD_CLIENT, assertInvariants, fuzzSequence } from "../helpers/mdp-arbitraries.js";
import { TRANSPORTS } from "../helpers/endpoint.js";
import { frames, show, type RawPeer } from "../helpers/raw-peer.js";

const SEED = 0x5eed_d0d0;
const SEQUENCES = 10_000;
const FUZZERS = 4;
/** A good round trip (and invariant check) after every this many sequences. */
const CHECK_EVERY = 250;
/** Let timers (heartbeats, the broker's liveness pass) run every this many sends. */
const YIELD_EVERY = 64;

const GOOD_WORKER = "GOOD-WORKER";

async function goodRoundTrip(client: RawPeer, label: string): Promise<void> {
  await client.send(frames("", "MDPC01", "echo", label));
  const reply = await client.next(10_000).catch((err: unknown) => {
    throw new Error(`no echo reply to ${label}: ${(err as Error).message}`);
  });
  assert.deepEqual(show(reply), ["", "MDPC01", "echo", label], `wrong reply to ${label}`);
}

for (const transport of TRANSPORTS) {
  describe(`conformance: robustness fuzz over ${transport}`, () => {
    it(`survives ${SEQUENCES} random and mutated frame sequences (seed 0x${SEED.toString(16)}) while serving echo`, async (t) => {
      const sequences = fc.sample(fuzzSequence, { seed: SEED, numRuns: SEQUENCES });
      const h = await Harness.start(t, transport, {
        heartbeat: { intervalMs: 100, liveness: 10 },
        requests: { queueTimeoutMs: 400 },
        serviceDefaults: { maxAttempts: 10 },
      });
      const worker = await h.worker(GOOD_WORKER, "echo");
      worker.echoForever();
      const client = h.dealer(GOOD_CLIENT);
      await goodRoundTrip(client, "before");
      const fuzzers = Array.from({ length: FUZZERS }, (_, i) => h.dealer(`fuzz-${i}`));

      let sent = 0;
      let frameCount = 0;
      for (let i = 0; i < sequences.length; i++) {
        const fuzzer = fuzzers[i % FUZZERS]!;
        for (const message of sequences[i]!) {
          await fuzzer.send(message);
          frameCount += message.length;
          if (++sent % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if ((i + 1) % CHECK_EVERY === 0) {
          const where = `seed 0x${SEED.toString(16)}, after sequence ${i}`;
          await goodRoundTrip(client, `check-${i}`).catch((err: unknown) => {
            throw new Error(`${where}: ${(err as Error).message}`);
          });
          assertInvariants(h.stats(), where);
          for (const f of fuzzers) await drain(f);
        }
      }

      // Fuzz workers expire, fuzz requests expire or fail: back to the good worker and 'echo' only.
      const baseline = await h.until(
        (s) => s.workers === 1 && s.services === 1 && s.perService.echo?.workers === 1 && s.queued === 0 && s.held === 0,
        "registries back to baseline",
        10_000,
      );
      assertInvariants(baseline, "baseline");
      await goodRoundTrip(client, "after");
      assert.equal(client.pending, 0, "the good client received something it did not ask for");
      const c = h.stats().counters;
      t.diagnostic(
        `${transport}: ${sent} messages, ${frameCount} frames; invalid ${JSON.stringify(c.invalidMessages)}; ` +
          `workers registered ${c.workersRegistered}, removed ${JSON.stringify(c.workersRemoved)}; requests ${c.requestsReceived} ` +
          `(replied ${c.requestsReplied}, expired ${c.requestsExpired}, failed ${c.requestsFailed}, re-run ${c.requestsRedispatched}, dup ${c.requestsDuplicate})`,
      );
      // The fuzz reached the paths it is meant to: many decode issues, and valid workers and requests.
      assert.ok(Object.keys(c.invalidMessages).length >= 8, `decode issues seen: ${Object.keys(c.invalidMessages).join(", ")}`);
      assert.ok(c.workersRegistered > 1 && c.requestsReceived > 1000);
      assert.deepEqual(Object.keys(baseline.perService), ["echo"]);
    });
  });
}
