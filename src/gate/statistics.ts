// Statistics for the CI regression gate. A gate compares a handful of runs of the baseline (a)
// with a handful of runs of the candidate (b). Run-to-run noise in latency and throughput is
// skewed and heavy-tailed (a noisy neighbour, a GC pause), and samples are small (5–20 runs), so
// everything here is rank-based and distribution-free: Mann–Whitney U for significance,
// Hodges–Lehmann for the size of the shift and its confidence interval (on logs, for ratios).
// The verdict follows Chromium's Pinpoint: a change is reported only when it is both
// statistically significant and larger than the declared tolerance.

import { normalCdf, normalQuantile } from '../analysis/normal.js';
import { median } from '../analysis/percentiles.js';
import { formatNumber, formatPercent, formatPercentChange } from '../format.js';

/** Exact U distribution below this size per side (as R's wilcox.test does); normal approximation above. */
export const EXACT_MAX_PER_SIDE = 50;
/**
 * Default significance level. With α = 0.05 a CI that gates 20 metrics on every commit would
 * raise a false alarm on most commits (1 − 0.95^20 = 64%); at 0.01 it is 18% before the tolerance
 * check, and the tolerance requirement cuts it much further, because a false "significant"
 * difference between identical builds is almost always small. The price: with the exact test,
 * α = 0.01 needs at least 5 runs per side (2/C(10,5) = 0.0079; with 4 runs the smallest possible
 * p is 2/C(8,4) = 0.029).
 */
export const DEFAULT_ALPHA = 0.01;
/** Confidence of the interval used to declare "no change". */
export const DEFAULT_CONFIDENCE = 0.95;
/** Power assumed when estimating runs_needed. */
export const DEFAULT_POWER = 0.8;
/** Asymptotic relative efficiency of Mann–Whitney against the t-test for normal data, 3/π. */
export const MWU_EFFICIENCY = 3 / Math.PI;

function requireSample(name: string, xs: readonly number[], min: number): void {
  if (!Array.isArray(xs) || xs.length < min) {
    throw new RangeError(`${name}: need at least ${min} value${min === 1 ? '' : 's'}, got ${Array.isArray(xs) ? xs.length : 'none'}`);
  }
  for (const v of xs) {
    if (!Number.isFinite(v)) throw new RangeError(`${name}: every value must be a finite number, got ${v}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The exact null distribution of U
// ---------------------------------------------------------------------------------------------

const exactCache = new Map<string, Float64Array>();

/**
 * Cumulative null distribution P(U ≤ u), u = 0..mn, for sample sizes m and n without ties.
 * The number of arrangements with a given U obeys f(i, j) = f(i−1, j)·q^j + f(i, j−1) (the largest
 * of the i+j values is either an a, beating all j b's, or a b), i.e. the Gaussian binomial
 * coefficient. Counts are kept as floats: only ratios are needed, and C(100, 50) ≈ 1e29 fits.
 */
export function mannWhitneyExactCdf(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  // rows[j] = counts for i a's and j b's, built for i = 0..m.
  let rows: Float64Array[] = [];
  for (let j = 0; j <= n; j++) rows.push(Float64Array.of(1)); // i = 0: one arrangement, U = 0
  for (let i = 1; i <= m; i++) {
    const next: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const out = new Float64Array(i * j + 1);
      const fromA = rows[j]; // (i−1, j), shifted by j
      for (let u = 0; u < fromA.length; u++) out[u + j] += fromA[u];
      if (j > 0) {
        const fromB = next[j - 1]; // (i, j−1)
        for (let u = 0; u < fromB.length; u++) out[u] += fromB[u];
      }
      next.push(out);
    }
    rows = next;
  }
  const counts = rows[n];
  let total = 0;
  for (const c of counts) total += c;
  const cdf = new Float64Array(counts.length);
  let running = 0;
  for (let u = 0; u < counts.length; u++) {
    running += counts[u];
    cdf[u] = running / total;
  }
  exactCache.set(key, cdf);
  return cdf;
}

function ranksWithTies(values: readonly number[]): { ranks: number[]; tieTerm: number; hasTies: boolean } {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  let hasTies = false;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].v === order[start].v) end++;
    const t = end - start + 1;
    const averageRank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) ranks[order[k].i] = averageRank;
    if (t > 1) {
      hasTies = true;
      tieTerm += t * t * t - t;
    }
    start = end + 1;
  }
  return { ranks, tieTerm, hasTies };
}

/** With ties, the exact conditional (permutation) distribution is computed up to this many values in all. */
export const EXACT_TIES_MAX_TOTAL = 40;

/**
 * Exact two-sided permutation p-value with ties: the distribution of the rank sum of m values drawn
 * from the pooled midranks, by counting subsets (dynamic programming over size and doubled rank
 * sum, so that half ranks stay integers). Midranks need not be symmetric about their mean, so the
 * two-sided p is P(|W − E W| ≥ |w − E W|) rather than twice a tail.
 */
function exactTiedP(ranks: readonly number[], m: number, rankSumA: number): number {
  const doubled = ranks.map((r) => Math.round(2 * r));
  const maxSum = doubled.reduce((s, r) => s + r, 0);
  // ways[k][s]: subsets of size k with doubled rank sum s (floats: only ratios matter).
  const ways: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(maxSum + 1));
  ways[0][0] = 1;
  for (const r of doubled) {
    for (let k = m; k >= 1; k--) {
      const from = ways[k - 1];
      const to = ways[k];
      for (let s2 = maxSum - r; s2 >= 0; s2--) if (from[s2] !== 0) to[s2 + r] += from[s2];
    }
  }
  const dist = ways[m];
  let total = 0;
  let mean = 0;
  for (let s2 = 0; s2 <= maxSum; s2++) {
    total += dist[s2];
    mean += s2 * dist[s2];
  }
  mean /= total;
  const observed = Math.abs(2 * rankSumA - mean);
  let extreme = 0;
  for (let s2 = 0; s2 <= maxSum; s2++) if (dist[s2] !== 0 && Math.abs(s2 - mean) >= observed - 1e-9) extreme += dist[s2];
  return Math.min(1, extreme / total);
}

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (a_i, b_j) with a_i > b_j, ties counting ½. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** Normal score of U (with continuity and tie corrections); reported for the exact test too. */
  z: number;
  method: 'exact' | 'normal';
}

/**
 * Two-sided Mann–Whitney U test (Wilcoxon rank-sum). Exact p from the null distribution when
 * there are no ties and both samples have fewer than 50 values, or from the exact permutation
 * distribution of the midranks when there are ties and at most 40 values in all; otherwise the
 * normal approximation with tie-corrected variance and a continuity correction of ½.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  requireSample('mann-whitney sample a', a, 1);
  requireSample('mann-whitney sample b', b, 1);
  const m = a.length;
  const n = b.length;
  const { ranks, tieTerm, hasTies } = ranksWithTies([...a, ...b]);
  let rankSumA = 0;
  for (let i = 0; i < m; i++) rankSumA += ranks[i];
  const u = rankSumA - (m * (m + 1)) / 2;
  const mean = (m * n) / 2;
  const total = m + n;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  let z = 0;
  if (variance > 0) {
    const deviation = u - mean;
    const corrected = Math.sign(deviation) * Math.max(Math.abs(deviation) - 0.5, 0);
    z = corrected / Math.sqrt(variance);
  }
  if (hasTies && total <= EXACT_TIES_MAX_TOTAL) {
    return { u, p: exactTiedP(ranks, m, rankSumA), z, method: 'exact' };
  }
  if (!hasTies && m < EXACT_MAX_PER_SIDE && n < EXACT_MAX_PER_SIDE) {
    const cdf = mannWhitneyExactCdf(m, n);
    const lower = cdf[u];
    const upper = 1 - (u > 0 ? cdf[u - 1] : 0);
    return { u, p: Math.min(1, 2 * Math.min(lower, upper)), z, method: 'exact' };
  }
  const p = variance > 0 ? Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) : 1;
  return { u, p, z, method: 'normal' };
}

// ---------------------------------------------------------------------------------------------
// Hodges–Lehmann shift and its interval
// ---------------------------------------------------------------------------------------------

export interface HodgesLehmannResult {
  /** Median of all pairwise differences b_j − a_i: the shift from a to b. */
  estimate: number;
  ci_low: number;
  ci_high: number;
  /** Confidence actually achieved (the exact distribution is discrete). */
  confidence: number;
}

/**
 * Hodges–Lehmann estimate of the shift b − a with its distribution-free interval (Hollander &
 * Wolfe, Nonparametric Statistical Methods, §4.3): with the N = mn differences sorted, the
 * interval is [D_(k), D_(N+1−k)] where k − 1 is the largest lower critical value of U, i.e. the
 * largest k with P(U ≤ k−1) ≤ (1−confidence)/2. Exact for small samples; normal approximation
 * k = ⌊mn/2 − z·√(mn(m+n+1)/12)⌋ otherwise. When the samples are too small for the requested
 * confidence, k = 1 (the full range) and the achieved confidence is reported.
 */
export function hodgesLehmann(a: readonly number[], b: readonly number[], confidence = DEFAULT_CONFIDENCE): HodgesLehmannResult {
  requireSample('hodges-lehmann sample a', a, 1);
  requireSample('hodges-lehmann sample b', b, 1);
  const m = a.length;
  const n = b.length;
  const diffs = new Float64Array(m * n);
  let k = 0;
  for (const bj of b) for (const ai of a) diffs[k++] = bj - ai;
  diffs.sort();
  const count = diffs.length;
  const estimate = count % 2 === 1 ? diffs[(count - 1) / 2] : (diffs[count / 2 - 1] + diffs[count / 2]) / 2;
  const tail = (1 - confidence) / 2;
  let lowerCount: number;
  let achieved: number;
  if (m < EXACT_MAX_PER_SIDE && n < EXACT_MAX_PER_SIDE) {
    const cdf = mannWhitneyExactCdf(m, n);
    lowerCount = 1;
    while (lowerCount < cdf.length && cdf[lowerCount] <= tail) lowerCount++;
    // lowerCount is now the largest k with P(U ≤ k−1) ≤ tail (k ≥ 1).
    achieved = 1 - 2 * cdf[lowerCount - 1];
  } else {
    const z = normalQuantile(1 - tail);
    lowerCount = Math.max(1, Math.floor((m * n) / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12)));
    achieved = confidence;
  }
  lowerCount = Math.min(lowerCount, Math.ceil(count / 2));
  return { estimate, ci_low: diffs[lowerCount - 1], ci_high: diffs[count - lowerCount], confidence: Math.max(0, achieved) };
}

function meanOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

// ---------------------------------------------------------------------------------------------
// The verdict for one metric
// ---------------------------------------------------------------------------------------------

export type Direction = 'lower_is_better' | 'higher_is_better';
export type Verdict = 'regression' | 'improvement' | 'no_change' | 'inconclusive';

export interface MetricSpec {
  name: string;
  direction: Direction;
  /** Allowed change in the bad direction: relative (0.10 = 10%) or, for slopes, absolute. */
  tolerance: number;
  toleranceKind?: 'relative' | 'absolute';
  /** Significance level, default 0.01. */
  alpha?: number;
  /** Confidence of the interval used for no_change, default 0.95. */
  confidence?: number;
}

export interface MetricComparison {
  name: string;
  direction: Direction;
  /** Candidate relative to baseline (b/a); see docs/analysis.md for how it is estimated. */
  ratio: number;
  ratio_ci: [number, number];
  /** Hodges–Lehmann shift b − a, in the metric's unit. */
  diff: number;
  diff_ci: [number, number];
  p_value: number;
  verdict: Verdict;
  reason: string;
  /** Runs per side needed to detect a change of the tolerance's size at the observed noise. */
  runs_needed: number | null;
  n_baseline: number;
  n_candidate: number;
  median_baseline: number;
  median_candidate: number;
  tolerance: number;
  tolerance_kind: 'relative' | 'absolute';
  alpha: number;
  test: 'exact' | 'normal';
}

/** The fewest runs per side for which the exact two-sided test can reach p < alpha at all. */
export function minRunsForAlpha(alpha: number): number {
  // Smallest p with n per side is 2/C(2n, n) (complete separation).
  let n = 1;
  let binom = 2; // C(2, 1)
  while (2 / binom >= alpha && n < 1000) {
    // C(2n+2, n+1) = C(2n, n) · (2n+1)(2n+2) / (n+1)²
    binom = (binom * (2 * n + 1) * (2 * n + 2)) / ((n + 1) * (n + 1));
    n++;
  }
  return n;
}

function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = meanOf(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/**
 * Runs per side to detect a shift of `tolerance` with power 80% at level alpha:
 * n = 2·((z_{1−α/2} + z_{power})·noise/tolerance)² / (3/π), the two-sample normal formula divided
 * by Mann–Whitney's efficiency, where noise is the pooled coefficient of variation (relative) or
 * the pooled standard deviation (absolute). Never fewer than the exact test needs for alpha.
 */
export function estimateRunsNeeded(a: readonly number[], b: readonly number[], tolerance: number, kind: 'relative' | 'absolute', alpha: number, power = DEFAULT_POWER): number | null {
  if (a.length < 2 || b.length < 2 || !(tolerance > 0)) return null;
  const sdA = sampleSd(a);
  const sdB = sampleSd(b);
  let noise: number;
  if (kind === 'relative') {
    const meanA = meanOf(a);
    const meanB = meanOf(b);
    if (!(meanA !== 0 && meanB !== 0)) return null;
    noise = Math.sqrt(((sdA / meanA) ** 2 + (sdB / meanB) ** 2) / 2);
  } else {
    noise = Math.sqrt((sdA ** 2 + sdB ** 2) / 2);
  }
  if (!Number.isFinite(noise)) return null;
  const zSum = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const n = Math.ceil((2 * (zSum * Math.abs(noise) / tolerance) ** 2) / MWU_EFFICIENCY);
  return Math.max(n, minRunsForAlpha(alpha));
}

/** Statistics (estimates, bounds, p-values) carry one digit more than a report's figures. */
function num(v: number): string {
  return Number.isFinite(v) ? formatNumber(v, 4) : String(v);
}

/**
 * Compares baseline runs (a) with candidate runs (b) for one metric:
 * - regression: p < alpha AND the estimated change is beyond the tolerance in the bad direction;
 * - improvement: the same in the good direction;
 * - no_change: the confidence interval excludes a bad change as large as the tolerance (and the
 *   samples are large enough for an interval at the requested confidence at all);
 * - inconclusive: none of these — more runs are needed (see runs_needed).
 * For a relative tolerance on positive data the ratio and its interval come from the
 * Hodges–Lehmann estimate on log values (exp of the shift of logs: a ratio estimate that is
 * distribution-free and keeps its stated coverage with 5 runs, unlike the percentile bootstrap).
 */
export function compareMetric(a: readonly number[], b: readonly number[], spec: MetricSpec): MetricComparison {
  requireSample(`${spec.name}: baseline`, a, 1);
  requireSample(`${spec.name}: candidate`, b, 1);
  const kind = spec.toleranceKind ?? 'relative';
  const alpha = spec.alpha ?? DEFAULT_ALPHA;
  const confidence = spec.confidence ?? DEFAULT_CONFIDENCE;
  const tolerance = spec.tolerance;
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) throw new RangeError(`${spec.name}: tolerance must be a number ≥ 0, got ${tolerance}`);
  if (kind === 'relative' && spec.direction === 'higher_is_better' && tolerance >= 1) {
    throw new RangeError(`${spec.name}: a relative tolerance for a higher-is-better metric must be below 1, got ${tolerance}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`${spec.name}: alpha must be in (0, 1), got ${alpha}`);

  const medianA = median(a);
  const medianB = median(b);
  const mw = mannWhitneyU(a, b);
  const hl = hodgesLehmann(a, b, confidence);
  const positive = a.every((v) => v > 0) && b.every((v) => v > 0);
  let ratio: number;
  let ratioCi: [number, number];
  if (positive) {
    const logHl = hodgesLehmann(a.map(Math.log), b.map(Math.log), confidence);
    ratio = Math.exp(logHl.estimate);
    ratioCi = [Math.exp(logHl.ci_low), Math.exp(logHl.ci_high)];
  } else if (medianA !== 0) {
    ratio = (medianA + hl.estimate) / medianA;
    const r1 = (medianA + hl.ci_low) / medianA;
    const r2 = (medianA + hl.ci_high) / medianA;
    ratioCi = [Math.min(r1, r2), Math.max(r1, r2)];
  } else {
    ratio = NaN;
    ratioCi = [NaN, NaN];
  }
  const runsNeeded = estimateRunsNeeded(a, b, tolerance, kind, alpha);
  const lowerIsBetter = spec.direction === 'lower_is_better';

  // Express the change and its interval as "how much worse" (positive = bad), in tolerance units.
  let worse: number;
  let worseCi: [number, number];
  let describe: string;
  if (kind === 'relative') {
    if (!Number.isFinite(ratio)) {
      throw new RangeError(`${spec.name}: a relative comparison needs a non-zero baseline median; use an absolute tolerance`);
    }
    // For higher-is-better, a drop to 1 − tol is the limit (a 10% tolerance allows −10%).
    worse = lowerIsBetter ? ratio - 1 : 1 - ratio;
    worseCi = lowerIsBetter ? [ratioCi[0] - 1, ratioCi[1] - 1] : [1 - ratioCi[1], 1 - ratioCi[0]];
    describe = `${formatPercentChange(ratio)} (${formatPercent(hl.confidence)} CI ${formatPercentChange(ratioCi[0])} to ${formatPercentChange(ratioCi[1])}), tolerance ${formatPercent(tolerance)}`;
  } else {
    worse = lowerIsBetter ? hl.estimate : -hl.estimate;
    worseCi = lowerIsBetter ? [hl.ci_low, hl.ci_high] : [-hl.ci_high, -hl.ci_low];
    describe = `${hl.estimate >= 0 ? '+' : ''}${num(hl.estimate)} (${formatPercent(hl.confidence)} CI ${num(hl.ci_low)} to ${num(hl.ci_high)}), tolerance ${num(tolerance)}`;
  }
  const significant = mw.p < alpha;
  const pText = `p=${num(mw.p)}${significant ? ' <' : ' ≥'} ${alpha}`;
  let verdict: Verdict;
  let reason: string;
  if (significant && worse > tolerance) {
    verdict = 'regression';
    reason = `${spec.name} got worse by ${describe}; ${pText}`;
  } else if (significant && -worse > tolerance) {
    verdict = 'improvement';
    reason = `${spec.name} improved by ${describe}; ${pText}`;
  } else if (hl.confidence < confidence - 1e-9) {
    // Too few runs for an interval at the requested confidence: nothing can be excluded.
    verdict = 'inconclusive';
    reason = `${spec.name}: ${a.length} and ${b.length} runs cannot give a ${formatPercent(confidence)} interval (at most ${formatPercent(hl.confidence)}); ${describe}; ${pText}`;
  } else if (worseCi[1] <= tolerance) {
    verdict = 'no_change';
    const detail = significant ? 'a significant change within the tolerance' : 'no significant change';
    reason = `${spec.name}: ${detail}, ${describe}; ${pText}; a regression beyond the tolerance is excluded`;
  } else {
    verdict = 'inconclusive';
    const runs = runsNeeded !== null ? `; about ${runsNeeded} runs per side would resolve a change of this tolerance` : '';
    reason = `${spec.name}: cannot tell, ${describe}; ${pText}; the interval still allows a regression beyond the tolerance${runs}`;
  }
  return {
    name: spec.name,
    direction: spec.direction,
    ratio,
    ratio_ci: ratioCi,
    diff: hl.estimate,
    diff_ci: [hl.ci_low, hl.ci_high],
    p_value: mw.p,
    verdict,
    reason,
    runs_needed: runsNeeded,
    n_baseline: a.length,
    n_candidate: b.length,
    median_baseline: medianA,
    median_candidate: medianB,
    tolerance,
    tolerance_kind: kind,
    alpha,
    test: mw.method,
  };
}
