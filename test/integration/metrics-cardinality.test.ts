/**
 * Bounded label sets: 10,000 requests to random unknown service names must not add a single metric
 * series (they all land under service="_other"), and the status report stays one row for them.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { OTHER_SERVICE_LABEL } from "../../broker/index.js";
import { RawClient, RawWorker, get, metricValue, scrape, scrapeUntil, startObservedBroker, type Families } from "../helpers/observed-broker.js";
import { allSamples } from "../helpers/prom-text.js";
import { waitFor } from "../helpers/wait.js";

/** Identity of every domo_* series: name plus sorted labels. */
function domoSeries(families: Families): Set<string> {
  return new Set(
    allSamples(families)
      .filter((s) => s.name.startsWith("domo_"))
      .map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`),
  );
}

function serviceLabelValues(families: Families): Set<string> {
  return new Set(allSamples(families).flatMap((s) => (s.labels.service === undefined ? [] : [s.labels.service])));
}

describe("metric cardinality", () => {
  it("stays bounded when 10,000 requests go to random unknown service names", async (t) => {
    const { broker, observability, endpoint } = await startObservedBroker(t, {
      heartbeat: { intervalMs: 100, liveness: 20 },
      requests: { queueTimeoutMs: 200 },
    });
    const url = observability.url;
    await RawWorker.start(t, endpoint, "echo", 50);
    await scrapeUntil(url, (m) => metricValue(m, "domo_workers", { service: "echo", state: "idle" }) === 1, "echo registered");
    const client = RawClient.start(t, endpoint);
    const ended = (): number => {
      const c = broker.stats().counters;
      return c.requestsExpired + c.requestsRejected;
    };

    // A first handful, so every series unknown names can create exists before the flood.
    for (let i = 0; i < 10; i++) await client.send(`warmup-${randomUUID()}`, "x");
    await waitFor(() => ended() === 10, { timeoutMs: 10_000, what: "warm-up requests expired" });
    const before = await scrape(url);
    const seriesBefore = domoSeries(before);
    assert.equal(metricValue(before, "domo_requests_total", { service: OTHER_SERVICE_LABEL, outcome: "expired" }), 10);

    const FLOOD = 10_000;
    // Sends are serialised by the peer; waiting on the last one waits for them all.
    let sent: Promise<void> = Promise.resolve();
    for (let i = 0; i < FLOOD; i++) sent = client.send(`svc-${randomUUID()}`, "x");
    await sent;
    await waitFor(() => ended() === 10 + FLOOD, { timeoutMs: 60_000, pollMs: 50, what: "flood requests ended" });

    const after = await scrape(url);
    const seriesAfter = domoSeries(after);
    const added = [...seriesAfter].filter((s) => !seriesBefore.has(s));
    assert.deepEqual(added, [], "no new domo_* series");
    assert.equal(seriesAfter.size, seriesBefore.size);
    assert.deepEqual([...serviceLabelValues(after)].sort(), [OTHER_SERVICE_LABEL, "echo"]);
    const c = broker.stats().counters;
    assert.equal(
      metricValue(after, "domo_requests_total", { service: OTHER_SERVICE_LABEL, outcome: "expired" }) +
        metricValue(after, "domo_requests_total", { service: OTHER_SERVICE_LABEL, outcome: "rejected" }),
      c.requestsExpired + c.requestsRejected,
      "every flood request is counted, under _other",
    );
    assert.ok(allSamples(after).length < 1000, `total series ${allSamples(after).length}`);

    const status = JSON.parse((await get(`${url}/status.json`)).body) as { services: { name: string }[] };
    assert.deepEqual(status.services.map((s) => s.name).sort(), [OTHER_SERVICE_LABEL, "echo"]);
  });

  it("caps services with their own label at maxServiceLabels; later ones share _other", async (t) => {
    const { observability, endpoint } = await startObservedBroker(t, { heartbeat: { intervalMs: 100, liveness: 20 } }, { maxServiceLabels: 2 });
    const url = observability.url;
    for (const service of ["alpha", "beta", "gamma", "delta"]) await RawWorker.start(t, endpoint, service, 50);
    const f = await scrapeUntil(url, (m) => metricValue(m, "domo_workers", { service: OTHER_SERVICE_LABEL, state: "idle" }) === 2, "two workers under _other");
    assert.equal(serviceLabelValues(f).size, 3);
    assert.equal(metricValue(f, "domo_service_labels"), 2);
    assert.equal(metricValue(f, "domo_service_labels_max"), 2);
    const own = [...serviceLabelValues(f)].filter((s) => s !== OTHER_SERVICE_LABEL);
    for (const service of own) assert.equal(metricValue(f, "domo_workers", { service, state: "idle" }), 1);
  });
});
