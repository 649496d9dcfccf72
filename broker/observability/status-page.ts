/**
 * The status page served at `/`: one self-contained HTML document (inline CSS and script, no external
 * assets, no CDN), so it works on an air-gapped host and behind a proxy. The script fetches
 * `status.json` (relative, so a path prefix works) every two seconds and draws tables and inline SVG
 * charts. Peer-supplied strings (service names) are only ever set with textContent.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";

/** How often the page refreshes, in milliseconds. */
export const STATUS_PAGE_REFRESH_MS = 2000;

const STYLE = `
:root { color-scheme: light dark; --bg:#fff; --fg:#1b1f24; --muted:#5b636e; --line:#d7dbe0; --card:#f5f7f9;
  --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d; --card:#161b22; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 24px; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 12px; margin-bottom: 12px; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 15px; margin: 20px 0 8px; }
.badge { padding: 2px 8px; border-radius: 10px; font-weight: 600; color: #fff; background: var(--muted); }
.badge.running { background: var(--ok); } .badge.draining { background: var(--warn); } .badge.closed, .badge.down { background: var(--bad); }
.muted { color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.tile .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .k { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
tr.nolabel td:first-child { font-style: italic; }
td.alert { color: var(--bad); font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 12px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--muted); font-size: 10px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
.legend span { margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 3px; margin-right: 4px; vertical-align: middle; }
footer { margin-top: 20px; font-size: 12px; }
a { color: inherit; }
`;

const SCRIPT = `
"use strict";
var REFRESH_MS = ${STATUS_PAGE_REFRESH_MS};
var OUTCOMES_BAD = ["expired", "rejected", "failed"];
function $(id) { return document.getElementById(id); }
function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function fmt(n, digits) { if (n === null || n === undefined) return "–"; if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString(); return Number(n.toFixed(digits === undefined ? 1 : digits)).toString(); }
function ms(n) { return n === null || n === undefined ? "–" : n < 1 ? fmt(n, 3) : n < 100 ? fmt(n, 1) : fmt(n, 0); }
function bytes(n) { var u = ["B","KiB","MiB","GiB"], i = 0; while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; } return fmt(n, i ? 1 : 0) + " " + u[i]; }
function duration(msTotal) { var s = Math.floor(msTotal / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + (s % 60) + "s"; }
function errorsOf(rates) { var sum = 0; OUTCOMES_BAD.forEach(function (k) { sum += rates[k] || 0; }); return sum; }

function tile(key, value, sub) { var t = el("div", undefined, "tile"); t.appendChild(el("div", value, "v")); t.appendChild(el("div", key + (sub ? " · " + sub : ""), "k")); return t; }

function renderHeader(r) {
  var status = $("status"); status.textContent = r.broker.status + (r.broker.ready ? "" : " · not ready");
  status.className = "badge " + r.broker.status;
  $("uptime").textContent = "up " + duration(r.broker.uptimeMs);
  $("endpoints").textContent = r.broker.endpoints.join(", ");
  var tiles = $("tiles"); tiles.replaceChildren(
    tile("workers", fmt(r.totals.workers, 0), r.totals.idleWorkers + " idle, " + r.totals.busyWorkers + " busy"),
    tile("services", fmt(r.totals.services, 0)),
    tile("queued", fmt(r.totals.queued, 0), bytes(r.totals.queuedBytes)),
    tile("replied/s", fmt(r.traffic.ratePerSecond.replied), "last " + fmt(r.windowSeconds, 0) + " s"),
    tile("errors/s", fmt(errorsOf(r.traffic.ratePerSecond)), "expired+rejected+failed"),
    tile("service p99 ms", ms(r.traffic.serviceMs.p99), "p50 " + ms(r.traffic.serviceMs.p50)),
    tile("queue wait p99 ms", ms(r.traffic.queueWaitMs.p99), "p50 " + ms(r.traffic.queueWaitMs.p50)));
}

function renderServices(r) {
  $("window").textContent = "rates and percentiles over the last " + fmt(r.windowSeconds, 0) + " s";
  var body = $("services").tBodies[0]; body.replaceChildren();
  r.services.forEach(function (s) {
    var tr = el("tr", undefined, s.ownLabel ? "" : "nolabel"); tr.dataset.service = s.name;
    var rates = s.traffic.ratePerSecond, errs = errorsOf(rates);
    var cells = [
      [s.name], [fmt(s.workers, 0), s.ownLabel && s.workers === 0 && s.queued > 0], [fmt(s.idle, 0)], [fmt(s.busy, 0)],
      [fmt(s.queued, 0)], [bytes(s.queuedBytes)], [fmt(rates.replied)], [fmt(errs), errs > 0], [fmt(rates.redispatched)],
      [ms(s.traffic.queueWaitMs.p50)], [ms(s.traffic.queueWaitMs.p99)], [ms(s.traffic.serviceMs.p50)], [ms(s.traffic.serviceMs.p99)]];
    cells.forEach(function (c) { tr.appendChild(el("td", c[0], c[1] ? "alert" : "")); });
    body.appendChild(tr);
  });
  if (r.services.length === 0) { var tr = el("tr"); var td = el("td", "no services yet", "muted"); td.colSpan = 13; tr.appendChild(td); body.appendChild(tr); }
}

function renderCounters(r) {
  var c = r.counters, rows = [
    ["requests received", c.requestsReceived], ["replied", c.requestsReplied], ["expired", c.requestsExpired],
    ["rejected", c.requestsRejected], ["failed", c.requestsFailed], ["redispatched", c.requestsRedispatched],
    ["duplicates folded", c.requestsDuplicate], ["mmi requests", c.mmiRequests], ["heartbeats sent", c.heartbeatsSent],
    ["workers registered", c.workersRegistered], ["send dropped", c.sendDropped]];
  [["workers removed", c.workersRemoved], ["invalid messages", c.invalidMessages], ["DISCONNECTs sent", c.disconnectsSent], ["undeliverable", c.undeliverable]]
    .forEach(function (g) { Object.keys(g[1]).sort().forEach(function (k) { rows.push([g[0] + ": " + k, g[1][k]]); }); });
  var body = $("counters").tBodies[0]; body.replaceChildren();
  rows.forEach(function (row) { var tr = el("tr"); tr.appendChild(el("td", row[0])); tr.appendChild(el("td", fmt(row[1], 0))); body.appendChild(tr); });
}

var SVGNS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs, text) { var e = document.createElementNS(SVGNS, tag); for (var k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; }
function niceMax(v) { if (!(v > 0)) return 1; var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p; return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p; }

function drawChart(id, h, series, unit) {
  var fig = $(id), svg = fig.querySelector("svg"), W = 600, H = 170, L = 44, R = 8, T = 8, B = 20;
  svg.replaceChildren(); svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  var max = 0; series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v > max) max = v; }); });
  max = niceMax(max);
  // A fixed time axis: the whole history length, ending now; seconds before start are simply empty.
  var start = h.endSecond - h.lengthSeconds;
  function x(second) { return L + (W - L - R) * (second + 0.5 - start) / h.lengthSeconds; }
  function y(v) { return T + (H - T - B) * (1 - v / max); }
  for (var g = 0; g <= 4; g++) {
    var gv = max * g / 4; svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: y(gv), y2: y(gv), "class": "grid" }));
    svg.appendChild(svgEl("text", { x: L - 4, y: y(gv) + 3, "text-anchor": "end" }, fmt(gv, max < 4 ? 2 : 0)));
  }
  for (var k = 0; k <= 5; k++) {
    var ago = Math.round(h.lengthSeconds * (1 - k / 5)), xs = L + (W - L - R) * k / 5;
    var label = ago === 0 ? "now" : ago % 60 === 0 ? "-" + ago / 60 + "m" : "-" + ago + "s";
    svg.appendChild(svgEl("text", { x: xs, y: H - 6, "text-anchor": k === 0 ? "start" : k === 5 ? "end" : "middle" }, label));
  }
  series.forEach(function (s) {
    var d = "", run = 0;
    s.values.forEach(function (v, i) {
      if (v === null) { run = 0; return; }
      var px = x(h.seconds[i]).toFixed(1), py = y(v).toFixed(1);
      d += (run ? "L" : "M") + px + " " + py; run++;
      var next = s.values[i + 1];
      // An isolated point has no line to show it: draw a dot.
      if (run === 1 && (next === null || next === undefined)) svg.appendChild(svgEl("circle", { cx: px, cy: py, r: 2, fill: s.color }));
    });
    if (d) svg.appendChild(svgEl("path", { d: d, fill: "none", stroke: s.color, "stroke-width": 1.5, "stroke-linejoin": "round", "data-series": s.name }));
  });
  var legend = fig.querySelector(".legend"); legend.replaceChildren();
  series.forEach(function (s) { var span = el("span"); var i = el("i"); i.style.background = s.color; span.appendChild(i); span.appendChild(document.createTextNode(s.name)); legend.appendChild(span); });
  svg.appendChild(svgEl("title", {}, unit));
}

function renderCharts(r) {
  var h = r.history, errors = h.seconds.map(function (_, i) { return h.counts.expired[i] + h.counts.rejected[i] + h.counts.failed[i]; });
  drawChart("chart-rate", h, [
    { name: "replied/s", color: "#1f883d", values: h.counts.replied },
    { name: "errors/s", color: "#cf222e", values: errors },
    { name: "redispatched/s", color: "#bf8700", values: h.counts.redispatched }], "requests per second");
  drawChart("chart-latency", h, [
    { name: "service p50 ms", color: "#0969da", values: h.serviceP50Ms },
    { name: "service p99 ms", color: "#8250df", values: h.serviceP99Ms },
    { name: "queue wait p99 ms", color: "#bf3989", values: h.queueWaitP99Ms }], "milliseconds");
  drawChart("chart-load", h, [
    { name: "queued", color: "#bc4c00", values: h.queued },
    { name: "busy workers", color: "#0969da", values: h.busyWorkers },
    { name: "workers", color: "#57606a", values: h.workers }], "count");
}

function refresh() {
  fetch("status.json", { cache: "no-store" })
    .then(function (res) { if (!res.ok) throw new Error("HTTP " + res.status); return res.json(); })
    .then(function (r) {
      renderHeader(r); renderServices(r); renderCharts(r); renderCounters(r);
      $("updated").textContent = "updated " + new Date(r.generatedAtMs).toLocaleTimeString();
      document.body.dataset.loaded = "true"; document.body.dataset.stale = "false";
    })
    .catch(function (err) {
      var s = $("status"); s.textContent = "unreachable"; s.className = "badge down";
      $("updated").textContent = "cannot reach the broker (" + err.message + "); retrying";
      document.body.dataset.stale = "true";
    })
    .finally(function () { setTimeout(refresh, REFRESH_MS); });
}
refresh();
`;

const BODY = `
<header>
  <h1>domo broker</h1><span id="status" class="badge">loading</span>
  <span id="uptime" class="muted"></span><span id="endpoints" class="muted"></span>
  <span id="updated" class="muted"></span>
</header>
<section class="tiles" id="tiles"></section>
<h2>Services <span id="window" class="muted"></span></h2>
<table id="services">
  <thead><tr><th>service</th><th>workers</th><th>idle</th><th>busy</th><th>queued</th><th>queued bytes</th>
  <th>replied/s</th><th>errors/s</th><th>redispatched/s</th><th>queue wait p50 ms</th><th>queue wait p99 ms</th>
  <th>service p50 ms</th><th>service p99 ms</th></tr></thead>
  <tbody></tbody>
</table>
<h2>Last minutes</h2>
<div class="charts">
  <figure id="chart-rate"><figcaption>Requests per second</figcaption><svg role="img" aria-label="requests per second"></svg><div class="legend"></div></figure>
  <figure id="chart-latency"><figcaption>Latency (ms)</figcaption><svg role="img" aria-label="latency in milliseconds"></svg><div class="legend"></div></figure>
  <figure id="chart-load"><figcaption>Queue and workers</figcaption><svg role="img" aria-label="queued requests and workers"></svg><div class="legend"></div></figure>
</div>
<h2>Counters since start</h2>
<table id="counters"><thead><tr><th>counter</th><th>value</th></tr></thead><tbody></tbody></table>
<footer class="muted"><a href="metrics">/metrics</a> · <a href="status.json">/status.json</a> · <a href="healthz">/healthz</a> · <a href="readyz">/readyz</a></footer>
`;

/** The status page, ready to serve as `text/html; charset=utf-8`. */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>domo broker status</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${BODY}
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * Content-Security-Policy for the page: only its own inline script and style (by hash) and fetches to
 * its own origin. A service name that smuggled markup could not run or load anything.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  // The empty data: icon keeps browsers from asking for /favicon.ico.
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
