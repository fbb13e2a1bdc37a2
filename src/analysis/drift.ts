// Is a resource (RSS, open fds, threads) growing steadily — a leak — or just noisy? We estimate the
// slope with Theil–Sen (median of all pairwise slopes; Theil 1950, Sen 1968), which ignores up to
// ~29% of wild points (a GC pause, a burst of connections) where least squares would be dragged
// by them, and needs no normality. Its confidence interval is Sen's distribution-free one, from the
// null variance of Kendall's S with the tie correction (Gilbert, Statistical Methods for
// Environmental Pollution Monitoring, 1987, §16.5). Resource series are autocorrelated, which
// makes that interval too narrow; the materiality and persistence checks below exist because of it.

import { normalQuantile } from './normal.js';
import { median } from './percentiles.js';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '../format.js';

/** A slope with its confidence interval, per second. */
export interface DriftEstimate {
  metric: 'rss_bytes' | 'fds' | 'threads';
  slope_per_s: number;
  ci_low: number;
  ci_high: number;
  /** Change over the observed window according to the slope. */
  growth: number;
  /** Growth per completed request, where requests are known. */
  per_request?: number;
  samples: number;
  /** True only when the interval excludes zero and the growth is material. */
  drifting: boolean;
  /** How the slope was estimated (e.g. 'theil-sen'). */
  method?: string;
  /** One sentence saying why it is or is not called drifting. */
  reason?: string;
}

export type DriftMetric = DriftEstimate['metric'];

export interface DriftOptions {
  /** Completed requests during the window, for growth per request. */
  requests?: number;
  /** Confidence of the slope interval, default 0.95. */
  confidence?: number;
  /** Override of the absolute materiality threshold, in the metric's unit. */
  materialGrowth?: number;
  /**
   * A hard limit the metric cannot pass (the process's descriptor limit for fds). Growth that
   * reached it stopped because it could go no further: its flat end is the leak's end state (the
   * EMFILE failures), not a one-off step, so the persistence check does not apply there.
   */
  ceiling?: number;
}

/** The last quarter's level at or above this share of the ceiling counts as having reached it. */
const CEILING_REACHED_SHARE = 0.98;

const MIB = 1024 * 1024;

/**
 * Materiality. A slope can be "significant" and still not matter (a few KiB of allocator
 * fragmentation over a minute), so growth over the window must also clear these floors.
 * - RSS: 5% of the starting RSS and 4 MiB. Below 5%, allocator and page-cache noise of a Python
 *   process is enough to explain it; 4 MiB keeps small processes (a 30 MiB cheroot) from flagging
 *   a 1.5 MiB wobble.
 * - fds: 5 descriptors and 5%. A handful of descriptors come and go with keep-alive connections
 *   and log rotation; a leak of sockets (CLOSE_WAIT) grows by tens to thousands.
 * - threads: 3. cheroot's pool never grows, so any lasting growth is a leak (e.g. flup's
 *   multiplexing threads); 3 leaves room for a short-lived helper thread or two.
 */
export const RSS_MATERIAL_FRACTION = 0.05;
export const RSS_MATERIAL_BYTES = 4 * MIB;
export const FDS_MATERIAL_COUNT = 5;
export const FDS_MATERIAL_FRACTION = 0.05;
export const THREADS_MATERIAL_COUNT = 3;

/** Theil–Sen is O(n²) in pairs; beyond this many samples we thin the series evenly. */
export const MAX_DRIFT_SAMPLES = 2000;
/** Fewer samples than this give no usable interval. */
export const MIN_DRIFT_SAMPLES = 6;
/**
 * Persistence: a leak keeps growing, so the later half of the window must rise at least at this
 * fraction of the whole-window slope. A one-off step early in the window (cache warm-up, a lazily
 * created pool) has a flat later half and is rejected.
 */
export const PERSISTENCE_FRACTION = 1 / 3;

interface SenSlope {
  slope: number;
  ciLow: number;
  ciHigh: number;
}

function tieCorrection(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const t of counts.values()) if (t > 1) sum += t * (t - 1) * (2 * t + 5);
  return sum;
}

function at(sorted: Float64Array, position: number): number {
  // Linear interpolation at a fractional 0-based position, clamped to the ends.
  const p = Math.min(Math.max(position, 0), sorted.length - 1);
  const lo = Math.floor(p);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (p - lo);
}

/** Theil–Sen slope with Sen's confidence interval. times must be ascending. */
export function theilSen(times: readonly number[], values: readonly number[], confidence = 0.95): SenSlope {
  const n = times.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = times[j] - times[i];
      if (dt > 0) slopes[count++] = (values[j] - values[i]) / dt;
    }
  }
  const sorted = slopes.subarray(0, count).sort();
  if (count === 0) return { slope: NaN, ciLow: NaN, ciHigh: NaN };
  const slope = count % 2 === 1 ? sorted[(count - 1) / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
  const varS = (n * (n - 1) * (2 * n + 5) - tieCorrection(values)) / 18;
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(Math.max(varS, 0));
  // Lower limit: the M1-th smallest slope, upper: the (M2+1)-th, M1 = (N−C)/2, M2 = (N+C)/2.
  const m1 = (count - c) / 2;
  const m2 = (count + c) / 2;
  return { slope, ciLow: at(sorted, m1 - 1), ciHigh: at(sorted, m2) };
}

function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(items[Math.round(k * step)]);
  return out;
}

function materialThreshold(metric: DriftMetric, start: number, override?: number): { threshold: number; text: string } {
  switch (metric) {
    case 'rss_bytes': {
      const abs = override ?? RSS_MATERIAL_BYTES;
      const threshold = Math.max(abs, RSS_MATERIAL_FRACTION * start);
      return { threshold, text: `${formatBytes(threshold)} (max of ${formatBytes(abs)} and 5% of the start)` };
    }
    case 'fds': {
      const abs = override ?? FDS_MATERIAL_COUNT;
      const threshold = Math.max(abs, FDS_MATERIAL_FRACTION * start);
      return { threshold, text: `${formatNumber(threshold)} descriptors` };
    }
    case 'threads': {
      const threshold = override ?? THREADS_MATERIAL_COUNT;
      return { threshold, text: `${threshold} threads` };
    }
  }
}

function formatAmount(metric: DriftMetric, v: number): string {
  return metric === 'rss_bytes' ? formatBytes(v) : `${formatNumber(v)} ${metric === 'fds' ? 'descriptors' : 'threads'}`;
}

/**
 * Estimates the drift of one resource metric over a window and decides whether it is a leak:
 * drifting requires (1) Sen's interval above zero, (2) growth over the window (slope × span)
 * at least the material threshold, (3) the observed rise between the medians of the first and
 * last quarters of the window to be material too — this rejects a sawtooth (GC cycles) whose
 * pairwise slopes lean positive although its level does not move — and (4) persistence: the later
 * half still rising (rejects a one-off step early on, such as a cache warm-up) — unless the level
 * reached opts.ceiling, the limit it cannot pass.
 */
export function estimateDrift(metric: DriftMetric, timesS: readonly number[], values: readonly number[], opts: DriftOptions = {}): DriftEstimate {
  if (timesS.length !== values.length) {
    throw new RangeError(`drift: ${timesS.length} times but ${values.length} values`);
  }
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`drift: confidence must be in (0, 1), got ${confidence}`);
  const all = timesS
    .map((t, i) => ({ t, v: values[i] }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v))
    .sort((a, b) => a.t - b.t);
  const samples = thin(all, MAX_DRIFT_SAMPLES);
  const method = 'theil-sen';
  const span = samples.length > 0 ? samples[samples.length - 1].t - samples[0].t : 0;
  if (samples.length < MIN_DRIFT_SAMPLES || !(span > 0)) {
    return {
      metric, slope_per_s: 0, ci_low: NaN, ci_high: NaN, growth: 0, samples: samples.length, drifting: false, method,
      reason: `need at least ${MIN_DRIFT_SAMPLES} samples over a non-zero time span, got ${samples.length}`,
    };
  }
  const ts = samples.map((p) => p.t);
  const vs = samples.map((p) => p.v);
  const sen = theilSen(ts, vs, confidence);
  const growth = sen.slope * span;
  const intercept = median(vs.map((v, i) => v - sen.slope * ts[i]));
  const start = intercept + sen.slope * ts[0];
  const { threshold, text: thresholdText } = materialThreshold(metric, start, opts.materialGrowth);
  const estimate: DriftEstimate = {
    metric,
    slope_per_s: sen.slope,
    ci_low: sen.ciLow,
    ci_high: sen.ciHigh,
    growth,
    samples: samples.length,
    drifting: false,
    method,
  };
  if (opts.requests !== undefined && opts.requests > 0) estimate.per_request = growth / opts.requests;

  const level = formatPercent(confidence);
  if (!(sen.ciLow > 0)) {
    estimate.reason = sen.slope > 0 && sen.ciLow <= 0
      ? `no steady growth: the ${level} interval of the slope includes zero`
      : `no growth: slope ${formatAmount(metric, sen.slope)}/s`;
    return estimate;
  }
  if (growth < threshold) {
    estimate.reason = `growth of ${formatAmount(metric, growth)} over ${formatSeconds(span)} is below the material threshold of ${thresholdText}`;
    return estimate;
  }
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const observedRise = median(vs.slice(-quarter)) - median(vs.slice(0, quarter));
  // For a steady trend the quarter medians are 3/4 of the span apart.
  if (observedRise / 0.75 < threshold) {
    estimate.reason = `the level barely moved (last quarter ${formatAmount(metric, observedRise)} above the first), so the positive slope comes from cycles, not growth`;
    return estimate;
  }
  const half = Math.floor(samples.length / 2);
  const later = theilSen(ts.slice(half), vs.slice(half), confidence);
  const lastLevel = median(vs.slice(-quarter));
  if (opts.ceiling !== undefined && opts.ceiling > 0 && lastLevel >= CEILING_REACHED_SHARE * opts.ceiling) {
    estimate.drifting = true;
    estimate.reason = `grew ${formatAmount(metric, observedRise)} until it reached its limit of ${formatAmount(metric, opts.ceiling)}, where it can grow no further`;
    return estimate;
  }
  if (!(later.slope >= PERSISTENCE_FRACTION * sen.slope)) {
    estimate.reason = `growth did not persist: the later half rises at ${formatAmount(metric, later.slope)}/s against ${formatAmount(metric, sen.slope)}/s overall (a one-off step, e.g. warm-up)`;
    return estimate;
  }
  estimate.drifting = true;
  estimate.reason = `grows ${formatAmount(metric, sen.slope)}/s (${level} interval ${formatAmount(metric, sen.ciLow)} to ${formatAmount(metric, sen.ciHigh)}), ${formatAmount(metric, growth)} over ${formatSeconds(span)}`;
  return estimate;
}
