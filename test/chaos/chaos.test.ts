/**
 * Chaos, CI size (issue 6): 4 echo-worker processes, 2,000 idempotent requests from one SDK client,
 * workers SIGKILLed and restarted or SIGSTOPped and continued at seeded random moments. Every request
 * ends with its own reply or a typed broker error; none is lost and none is answered twice. The counts
 * are printed. `npm run chaos` runs the same scenario with larger numbers (test/chaos/main.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CI_CHAOS, formatReport, runChaos } from "./scenario.js";

describe("chaos", () => {
  it(`${CI_CHAOS.requests} requests through ${CI_CHAOS.workers} workers killed and frozen at random (seed 0x${CI_CHAOS.seed.toString(16)})`, async (t) => {
    const report = await runChaos({ ...CI_CHAOS, log: (line) => t.diagnostic(line) });
    const text = formatReport(report);
    for (const line of text.split("\n")) t.diagnostic(line);
    console.log(`chaos (CI):\n${text}`);

    assert.equal(report.lost, 0, `lost requests\n${text}`);
    assert.equal(report.answeredTwice, 0, `answered twice\n${text}`);
    assert.equal(report.settledTwice, 0, text);
    assert.equal(report.mismatched, 0, `replies with another request's body\n${text}`);
    assert.equal(report.untyped, 0, `failures without a broker code\n${text}`);
    const typed = Object.values(report.typedErrors).reduce((a, b) => a + b, 0);
    assert.equal(report.replied + typed, report.requests, text);
    // The run really was chaotic, and the broker really recovered work from dead workers.
    assert.ok(report.faults.kills >= 1 && report.faults.freezes >= 1, text);
    assert.ok(report.redispatched >= 1, `no request was re-dispatched\n${text}`);
    // A replied request ran at least once; executions never come from nowhere.
    assert.ok(report.executions >= report.replied, text);
  });
});
