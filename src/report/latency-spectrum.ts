// The latency percentile spectrum of a run, read from its HDR histogram (the way HdrHistogram's
// own percentile plots show it): latency at percentiles spaced evenly in "nines", i.e. in
// log10(1 / (1 − q)), ten points per nine, plus the percentiles people quote (p50, p75, p95,
// p99.5, p99.95), up to the last percentile the request count resolves.
import { decodeHistogram } from '../load/histogram.js';
import { roundTo } from '../numbers.js';

export interface SpectrumPoint {
  /** 1 / (1 − q): 1 at the minimum, 2 at p50, 10 at p90, 100 at p99, 1000 at p99.9. */
  x: number;
  /** The percentile, 0–100. */
  percentile: number;
  latencyMs: number;
}

const POINTS_PER_NINE = 10;
/** 1 / (1 − q) of p50, p75, p95, p99.5, p99.95 and beyond: between the grid's points, and read off charts by name. */
const QUOTED_X = [2, 4, 20, 200, 2000, 20000, 200000, 2000000];

/** The spectrum of a compressed base64 HDR histogram of µs, or null when it cannot be decoded or is empty. */
export function latencySpectrum(histogramBase64: string | undefined): SpectrumPoint[] | null {
  if (!histogramBase64) return null;
  let h;
  try {
    h = decodeHistogram(histogramBase64);
  } catch {
    return null;
  }
  const total = h.totalCount;
  if (!(total > 0)) return null;
  const points: SpectrumPoint[] = [{ x: 1, percentile: 0, latencyMs: roundTo(h.minNonZeroValue / 1000, 3) }];
  // Beyond x = total a percentile names less than one request: stop there, then the maximum.
  const xs: number[] = [];
  for (let k = 1; 10 ** (k / POINTS_PER_NINE) < total; k++) xs.push(10 ** (k / POINTS_PER_NINE));
  xs.push(...QUOTED_X.filter((x) => x < total));
  xs.sort((a, b) => a - b);
  for (const x of xs) {
    const percentile = 100 * (1 - 1 / x);
    // A percentile is the top of its bucket, which can pass the exact max by the 0.1% resolution.
    points.push({ x: roundTo(x, 4), percentile: roundTo(percentile, 5), latencyMs: roundTo(Math.min(h.maxValue, h.getValueAtPercentile(percentile)) / 1000, 3) });
  }
  points.push({ x: total, percentile: 100, latencyMs: roundTo(h.maxValue / 1000, 3) });
  return points;
}
