/**
 * The status page in a real browser: Debian's headless Chromium driven by playwright-core. It must
 * render the registered services from status.json, draw its charts, load nothing from anywhere but
 * the broker, and raise no script or CSP errors. The screenshot lands in test-output/ (gitignored).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { RawClient, RawWorker, get, metricValue, scrapeUntil, startObservedBroker } from "../helpers/observed-broker.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const OUTPUT_DIR = fileURLToPath(new URL("../../test-output/", import.meta.url));

describe("status page", () => {
  it("renders the registered services and charts in headless Chromium, self-contained", async (t) => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    const { observability, endpoint } = await startObservedBroker(t, { heartbeat: { intervalMs: 100, liveness: 20 } });
    const url = observability.url;
    const echo = await RawWorker.start(t, endpoint, "echo", 50);
    await RawWorker.start(t, endpoint, "matrix", 50);
    await RawWorker.start(t, endpoint, "matrix", 50);
    await scrapeUntil(url, (m) => metricValue(m, "domo_workers", { service: "matrix", state: "idle" }) === 2 && metricValue(m, "domo_workers", { service: "echo", state: "idle" }) === 1, "workers registered");
    const client = RawClient.start(t, endpoint);
    for (let i = 0; i < 5; i++) {
      const reply = client.call("echo", `ping ${i}`);
      await echo.echoOne();
      assert.equal(await reply, `ping ${i}`);
    }

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on("request", (req) => {
      if (!req.url().startsWith(`${url}/`)) foreign.push(req.url());
    });

    const response = await page.goto(`${url}/`, { waitUntil: "load", timeout: 15_000 });
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()["content-security-policy"] ?? "", /default-src 'none'/);
    await page.waitForSelector("body[data-loaded='true']", { timeout: 15_000 });

    const echoRow = page.locator("#services tbody tr[data-service='echo']");
    const matrixRow = page.locator("#services tbody tr[data-service='matrix']");
    await echoRow.waitFor({ timeout: 15_000 });
    await matrixRow.waitFor({ timeout: 15_000 });
    const cells = async (row: typeof echoRow): Promise<string[]> => row.locator("td").allTextContents();
    const matrixCells = await cells(matrixRow);
    assert.equal(matrixCells[0], "matrix");
    assert.equal(matrixCells[1], "2", "two matrix workers");
    assert.equal((await cells(echoRow))[1], "1", "one echo worker");
    assert.equal(await page.locator("#status").textContent(), "running");
    // The replied series gets its first point once a full second has passed; the page refreshes by itself.
    await page.waitForSelector("#chart-rate path[data-series='replied/s']", { state: "attached", timeout: 15_000 });
    assert.ok((await page.locator("#chart-latency path").count()) >= 1, "latency chart drawn");

    mkdirSync(OUTPUT_DIR, { recursive: true });
    const screenshot = join(OUTPUT_DIR, "status-page.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(statSync(screenshot).size > 10_000, "screenshot written");

    assert.deepEqual(foreign, [], "no requests beyond the broker's own listener");
    assert.deepEqual(problems, [], "no script, console or CSP errors");
    assert.equal((await get(`${url}/status.json`)).status, 200);
  });
});
