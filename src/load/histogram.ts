// HDR histograms of latency in MICROSECONDS, and their summaries in milliseconds.
// One shape for the whole project: the load engine records into these, reports and the gate
// decode them again, so the range and precision must never differ between writer and reader.
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummaryMs } from './load-result.js';

export type LatencyHistogram = Histogram;

/** 1 µs: loopback responses can be a few tens of µs, so whole milliseconds would hide them. */
export const HISTOGRAM_LOWEST_US = 1;
/** About 120 s: longer than any client timeout cpdiag sets; larger values are clamped. */
export const HISTOGRAM_HIGHEST_US = 120_000_000;
/** 3 significant digits: 0.1% resolution, e.g. 20.000 ms is told apart from 20.016 ms. */
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    // A fixed range: a value beyond it is clamped (see recordLatencyUs) rather than growing the
    // histogram, so that every encoded histogram decodes into the same shape.
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records one latency; clamps into the trackable range instead of throwing. */
export function recordLatencyUs(h: LatencyHistogram, latencyUs: number): void {
  let v = Math.round(latencyUs);
  if (!(v >= HISTOGRAM_LOWEST_US)) v = HISTOGRAM_LOWEST_US; // also catches NaN
  if (v > HISTOGRAM_HIGHEST_US) v = HISTOGRAM_HIGHEST_US;
  h.recordValue(v);
}

const EMPTY_SUMMARY: LatencySummaryMs = { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

function roundMs(us: number): number {
  // µs → ms with µs precision kept, and no float noise in the JSON.
  return Math.round(us) / 1000;
}

/** Summary in milliseconds; an empty histogram gives all zeros. */
export function summarizeHistogramMs(h: LatencyHistogram): LatencySummaryMs {
  if (h.totalCount === 0) return { ...EMPTY_SUMMARY };
  const min = h.minNonZeroValue;
  const max = h.maxValue;
  // A percentile is reported as the top of its bucket, which can exceed the exact max (or sit
  // below the exact min) by the 0.1% resolution: clamp so that min ≤ p50 ≤ … ≤ max always holds.
  const at = (p: number): number => roundMs(Math.min(max, Math.max(min, h.getValueAtPercentile(p))));
  return {
    min: roundMs(min),
    mean: roundMs(h.mean),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: roundMs(max),
  };
}

/** Compressed base64 (the HdrHistogram interchange format), as stored in run records. */
export function encodeHistogram(h: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes what encodeHistogram wrote (also any standard HdrHistogram compressed base64). */
export function decodeHistogram(base64: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(base64, 32, false);
}
