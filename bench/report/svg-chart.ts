/**
 * A small self-contained SVG line chart (no libraries, no scripts): axes with ticks, optional log
 * scales, one polyline per series, a legend.
 * @packageDocumentation
 */

/** One line of a chart. */
export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Tick positions on x with their labels; default: 5 evenly spaced. */
  xTicks?: readonly (readonly [number, string])[];
  yLog?: boolean;
  width?: number;
  height?: number;
}

/** Colours of the series, in order (domo first). */
const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

/** Series with more points than this are drawn without point markers. */
const MAX_MARKED_POINTS = 40;

/** Escape text for HTML/SVG. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function niceTicks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
    return ticks;
  }
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const best = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / best) * best; v <= max + 1e-9; v += best) ticks.push(Number(v.toPrecision(6)));
  return ticks;
}

function label(n: number): string {
  if (n >= 1000) return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
  return String(Number(n.toPrecision(3)));
}

/** The chart as an `<svg>` element string. */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 320;
  const m = { left: 64, right: 150, top: 28, bottom: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const all = spec.series.flatMap((s) => s.points).filter(([, y]) => !spec.yLog || y > 0);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="40"><text x="4" y="24">${escapeXml(spec.title)}: no data</text></svg>`;
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const xMin = Math.min(...xs, ...(spec.xTicks ?? []).map(([x]) => x));
  const xMax = Math.max(...xs, ...(spec.xTicks ?? []).map(([x]) => x));
  let yMin = spec.yLog ? Math.min(...ys) : Math.min(0, ...ys);
  let yMax = Math.max(...ys);
  if (spec.yLog) {
    yMin = 10 ** Math.floor(Math.log10(yMin));
    yMax = 10 ** Math.ceil(Math.log10(yMax));
  } else if (yMax === yMin) {
    yMax = yMin + 1;
  }
  const fy = (y: number): number =>
    spec.yLog ? m.top + h - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * h : m.top + h - ((y - yMin) / (yMax - yMin)) * h;
  const fx = (x: number): number => m.left + (xMax === xMin ? w / 2 : ((x - xMin) / (xMax - xMin)) * w);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<text x="${m.left}" y="16" font-size="13" font-weight="bold">${escapeXml(spec.title)}</text>`);
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const y of niceTicks(yMin, yMax, spec.yLog === true)) {
    if (y < yMin || y > yMax) continue;
    const py = fy(y).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${py}" y2="${py}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${label(y)}</text>`);
  }
  const xTicks = spec.xTicks ?? niceTicks(xMin, xMax, false).map((x) => [x, label(x)] as const);
  for (const [x, text] of xTicks) {
    const px = fx(x).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${m.top}" y2="${m.top + h}" stroke="#eee"/>`);
    parts.push(`<text x="${px}" y="${m.top + h + 14}" text-anchor="middle">${escapeXml(text)}</text>`);
  }
  parts.push(`<text x="${m.left + w / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${m.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = series.points.filter(([, y]) => !spec.yLog || y > 0).map(([x, y]) => `${fx(x).toFixed(1)},${fy(y).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(" ")}"/>`);
    // Markers only where they help: a long time series is clearer as a plain line.
    if (points.length <= MAX_MARKED_POINTS) {
      for (const p of points) {
        const [cx, cy] = p.split(",");
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`);
      }
    }
    const ly = m.top + 12 + i * 16;
    parts.push(`<line x1="${m.left + w + 12}" x2="${m.left + w + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${m.left + w + 34}" y="${ly}" dominant-baseline="middle">${escapeXml(series.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}
