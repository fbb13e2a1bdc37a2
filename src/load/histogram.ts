// HDR histograms of latency in MICROSECONDS, and their summaries in milliseconds.
// One shape for the whole project: the load engine records into these, reports and the gate
// decode them again, so the precision must never differ between writer and reader.
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummaryMs } from './load-result.js';

export type LatencyHistogram = Histogram;

/** 1 µs: loopback responses can be a few tens of µs, so whole milliseconds would hide them. */
export const HISTOGRAM_LOWEST_US = 1;
/**
 * The range allocated up front: one hour, longer than any client timeout cpdiag sets and than
 * almost every phase. It is not a ceiling: the histogram grows (autoResize) when a longer value
 * arrives — a 5-minute response is recorded as 5 minutes, never clamped to the top of the range.
 */
export const HISTOGRAM_INITIAL_HIGHEST_US = 3_600_000_000;
/** 3 significant digits: 0.1% resolution, e.g. 20.000 ms is told apart from 20.016 ms. */
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_INITIAL_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    // Values beyond the range grow it instead of being clamped (issue 11: 5-minute responses read
    // as 120 s). The encoded form carries its own range, so a grown histogram decodes as it was.
    autoResize: true,
    useWebAssembly: false,
  });
}

/**
 * Records one latency. Below 1 µs (or not a number) it records 1 µs: a clock that went backwards
 * by a hair is not a measurement error worth a throw. Any length above is recorded as it is.
 */
export function recordLatencyUs(h: LatencyHistogram, latencyUs: number): void {
  let v = Math.round(latencyUs);
  if (!(v >= HISTOGRAM_LOWEST_US)) v = HISTOGRAM_LOWEST_US; // also catches NaN
  // ±Infinity passed the check above only as +Infinity: there is no length to record, so take the
  // largest integer the histogram's arithmetic keeps exact rather than throw mid-run.
  if (!Number.isFinite(v)) v = Number.MAX_SAFE_INTEGER;
  h.recordValue(v);
}

const EMPTY_SUMMARY: LatencySummaryMs = { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** An all-zero summary: what an empty histogram summarises to. */
export function emptyLatencySummary(): LatencySummaryMs {
  return { ...EMPTY_SUMMARY };
}

/** µs → ms with µs precision kept, and no float noise in the JSON. */
export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

/** The percentiles every summary reports, by key, in the order they appear. */
export const SUMMARY_PERCENTILES = [
  ['p50', 50],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
  ['p999', 99.9],
] as const;

/** Summary in milliseconds; an empty histogram gives all zeros. */
export function summarizeHistogramMs(h: LatencyHistogram): LatencySummaryMs {
  if (h.totalCount === 0) return emptyLatencySummary();
  const min = h.minNonZeroValue;
  const max = h.maxValue;
  // A percentile is reported as the top of its bucket, which can exceed the exact max (or sit
  // below the exact min) by the 0.1% resolution: clamp so that min ≤ p50 ≤ … ≤ max always holds.
  const at = (p: number): number => usToMs(Math.min(max, Math.max(min, h.getValueAtPercentile(p))));
  const out: LatencySummaryMs = { ...EMPTY_SUMMARY, min: usToMs(min), mean: usToMs(h.mean), max: usToMs(max) };
  for (const [key, p] of SUMMARY_PERCENTILES) out[key] = at(p);
  return out;
}

/** Compressed base64 (the HdrHistogram interchange format), as stored in run records. */
export function encodeHistogram(h: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes what encodeHistogram wrote (also any standard HdrHistogram compressed base64). */
export function decodeHistogram(base64: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(base64, 32, false);
}
