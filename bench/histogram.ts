/**
 * Latency histograms: HDR histograms (hdr-histogram-js) in microseconds, 3 significant digits, from
 * 1 us to 1 hour. Clients ship theirs to the runner compressed; the runner merges and summarises.
 * @packageDocumentation
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";

/** Highest latency a histogram tracks: one hour, in microseconds. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

/** Percentiles (p50 ... max) of one histogram, in milliseconds. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** One point of a latency distribution: `ms` is the latency at `percentile`. */
export interface DistributionPoint {
  percentile: number;
  ms: number;
}

/** Where the distribution is sampled for the report (log-spaced toward the tail). */
export const DISTRIBUTION_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100] as const;

/** An empty latency histogram (values in microseconds). */
export function createLatencyHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });
}

/** Record one latency in microseconds (clamped into the trackable range). */
export function recordLatencyUs(histogram: Histogram, us: number): void {
  histogram.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(us))));
}

/** Compressed base64 form, for IPC and the results file. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Read a histogram written by {@link encodeHistogram}. */
export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32);
}

/** One histogram holding every value of the given ones. */
export function mergeHistograms(encoded: readonly string[]): Histogram {
  const merged = createLatencyHistogram();
  for (const one of encoded) merged.add(decodeHistogram(one));
  return merged;
}

const ms = (us: number): number => Math.round(us) / 1000;

/** p50, p90, p99, p99.9 and max in milliseconds. */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  const empty = histogram.totalCount === 0;
  return {
    count: histogram.totalCount,
    meanMs: empty ? 0 : Math.round(histogram.mean) / 1000,
    p50Ms: empty ? 0 : ms(histogram.getValueAtPercentile(50)),
    p90Ms: empty ? 0 : ms(histogram.getValueAtPercentile(90)),
    p99Ms: empty ? 0 : ms(histogram.getValueAtPercentile(99)),
    p999Ms: empty ? 0 : ms(histogram.getValueAtPercentile(99.9)),
    // The value at 100 % (not maxValue), so that max >= every percentile at the histogram's precision.
    maxMs: empty ? 0 : ms(histogram.getValueAtPercentile(100)),
  };
}

/** The latency at each of {@link DISTRIBUTION_PERCENTILES}, for plotting. */
export function latencyDistribution(histogram: Histogram): DistributionPoint[] {
  if (histogram.totalCount === 0) return [];
  return DISTRIBUTION_PERCENTILES.map((percentile) => ({
    percentile,
    ms: ms(histogram.getValueAtPercentile(percentile)),
  }));
}
