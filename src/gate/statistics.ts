// Statistics for the CI regression gate. A gate compares a handful of runs of the baseline (a)
// with a handful of runs of the candidate (b). Run-to-run noise in latency and throughput is
// skewed and heavy-tailed (a noisy neighbour, a GC pause), and samples are small (5–20 runs), so
// everything here is rank-based and distribution-free: Mann–Whitney U for significance,
// Hodges–Lehmann for the size of the shift and its confidence interval (on logs, for ratios).
// The verdict follows Chromium's Pinpoint: a change is reported only when it is both
// statistically significant and larger than the declared tolerance.

import { normalCdf, normalQuantile } from '../analysis/normal.js';
import { median } from '../analysis/percentiles.js';
import { DEFAULT_CONFIDENCE, EXACT_MAX_CELLS, hodgesLehmann, isExactSize, mannWhitneyExactCdf, mannWhitneyU, requireSample } from '../analysis/rank-statistics.js';
import { formatNumber, formatPercent, formatPercentChange } from '../format.js';

// The rank statistics themselves live in src/analysis/rank-statistics.ts (shared with the proxy-cost
// comparison); re-exported here so that the gate's callers and tests keep one import.
export { DEFAULT_CONFIDENCE, EXACT_MAX_CELLS, EXACT_TIES_MAX_COST, hodgesLehmann, isExactSize, mannWhitneyExactCdf, mannWhitneyU } from '../analysis/rank-statistics.js';
export type { HodgesLehmannResult, MannWhitneyResult } from '../analysis/rank-statistics.js';

/**
 * Default significance level. With α = 0.05 a CI that gates 20 metrics on every commit would
 * raise a false alarm on most commits (1 − 0.95^20 = 64%); at 0.01 it is 18% before the tolerance
 * check, and the tolerance requirement cuts it much further, because a false "significant"
 * difference between identical builds is almost always small. The price: with the exact test,
 * α = 0.01 needs at least 5 runs per side (2/C(10,5) = 0.0079; with 4 runs the smallest possible
 * p is 2/C(8,4) = 0.029).
 */
export const DEFAULT_ALPHA = 0.01;
/** Power assumed when estimating runs_needed. */
export const DEFAULT_POWER = 0.8;
/** Asymptotic relative efficiency of Mann–Whitney against the t-test for normal data, 3/π. */
export const MWU_EFFICIENCY = 3 / Math.PI;
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
  /**
   * Runs per side at which the verdict rule resolves this metric 80% of the time at the noise seen:
   * a change of twice the budget called a regression, an unchanged metric called no change
   * (runs_needed_detail says what it delivers). Null when the noise cannot be estimated.
   */
  runs_needed: number | null;
  runs_needed_detail: RunsNeeded | null;
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
 * The change runs_needed is sized to catch, in units of the budget: twice the budget (for a
 * relative budget, on the log scale: a 10% budget → a ratio of 1.1² = +21%; for throughput
 * 0.9² = −19%). A change exactly AT the budget cannot be caught reliably by any number of runs: the
 * verdict also needs the estimate beyond the budget, which is a coin toss when the truth sits on it.
 */
export const DETECT_FACTOR = 2;
/** runs_needed is not searched beyond this (noise this large against the budget: "over 1000"). */
export const MAX_RUNS_NEEDED = 1000;

/** What runs_needed delivers, by the power model below, at the noise seen. */
export interface RunsNeeded {
  /** Runs per side. */
  runs: number;
  /** The change sized for: a ratio b/a (relative budgets) or a shift b − a (absolute ones), in the bad direction. */
  change: number;
  change_kind: 'ratio' | 'shift';
  /** Share of gates that call that change a regression, at `runs` runs per side. */
  regression_power: number;
  /** Share of gates that call an unchanged metric "no change" (the interval excludes the budget). */
  no_change_power: number;
  /** The noise it was computed from: SD per run of log values (relative) or of values (absolute). */
  noise: number;
}

/**
 * P(Z₁ ≤ h, Z₂ ≤ h) for standard normals with correlation ½ (the orthant of two differences that
 * share one observation): ∫_{−∞}^{h} φ(z)·Φ((h − z/2)/√¾) dz by Simpson's rule (error < 1e-7).
 */
function bivariateHalfCorrelatedCdf(h: number): number {
  const lo = -9;
  if (h <= lo) return 0;
  const steps = 400;
  const width = (h - lo) / steps;
  const root = Math.sqrt(0.75);
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const z = lo + i * width;
    const f = (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * normalCdf((h - 0.5 * z) / root);
    sum += (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * f;
  }
  return (sum * width) / 3;
}

/**
 * P(#{(i, j): b_j − a_i > t} ≥ c) for n runs a side, a ~ N(0, σ²), b ~ N(δ, σ²): the count is a
 * U statistic, normal with Lehmann's mean mn·p₁ and variance
 * mn·[p₁(1 − p₁) + (m − 1 + n − 1)(p₂ − p₁²)] (p₁ = P(b − a > t), p₂ = P(two differences sharing
 * one run both exceed t)), with a continuity correction of ½.
 */
function probabilityCountAtLeast(n: number, delta: number, t: number, sigma: number, c: number): number {
  const cells = n * n;
  if (c <= 0) return 1;
  if (c > cells) return 0;
  const h = (delta - t) / (sigma * Math.SQRT2);
  const p1 = normalCdf(h);
  const p2 = bivariateHalfCorrelatedCdf(h);
  const variance = cells * (p1 * (1 - p1) + 2 * (n - 1) * (p2 - p1 * p1));
  const mean = cells * p1;
  if (!(variance > 1e-12)) return mean >= c ? 1 : 0;
  return 1 - normalCdf((c - 0.5 - mean) / Math.sqrt(variance));
}

/** The counts the verdict rule turns on at n runs a side (exact while n·n fits EXACT_MAX_CELLS). */
function criticalCounts(n: number, alpha: number, confidence: number): { significantAbove: number | null; ciK: number | null } {
  const cells = n * n;
  const tail = (1 - confidence) / 2;
  if (isExactSize(n, n)) {
    const cdf = mannWhitneyExactCdf(n, n);
    // p < α needs U of B (pairs b > a) ≥ mn − u with 2·P(U ≤ u) < α.
    let u = -1;
    while (u + 1 < cdf.length && 2 * cdf[u + 1] < alpha) u++;
    // Hodges–Lehmann's k, as hodgesLehmann computes it: the interval needs 1 − 2·P(U ≤ k − 1) ≥ confidence.
    let k = 1;
    while (k < cdf.length && cdf[k] <= tail) k++;
    const achieved = 1 - 2 * cdf[k - 1];
    return { significantAbove: u >= 0 ? cells - u : null, ciK: achieved >= confidence - 1e-9 ? k : null };
  }
  const sd = Math.sqrt((cells * (2 * n + 1)) / 12);
  return {
    significantAbove: Math.ceil(cells / 2 + normalQuantile(1 - alpha / 2) * sd + 0.5),
    ciK: Math.max(1, Math.floor(cells / 2 - normalQuantile(1 - tail) * sd)),
  };
}

/**
 * The verdict rule's power at n runs per side, for a true change `effect` against a budget
 * `threshold` (both in the "worse" direction, on the log scale for relative budgets), with `noise`
 * the per-run SD on that scale (normal noise). Small samples matter here (a gate has 5–20 runs),
 * so the rule's own counts are used, from the exact U distribution:
 * - regression needs p < α — B's count of pairs b > a at least the exact critical value — and the
 *   Hodges–Lehmann estimate (the median of the n² differences) beyond the budget — more than half
 *   of the differences above it. Both counts are U statistics (normal with Lehmann's variance); the
 *   two events nearly coincide, so their joint probability is taken as the smaller of the two;
 * - no change at a true change of 0 needs the interval's upper end (the k-th largest difference)
 *   within the budget: at most k − 1 differences above it.
 * Seeded Monte Carlo of compareMetric itself checks the result (test/gate/runs-needed.test.ts;
 * the table in docs/analysis.md).
 */
export function predictGatePower(n: number, noise: number, threshold: number, effect: number, alpha: number, confidence = DEFAULT_CONFIDENCE): { regression: number; no_change: number } {
  const { significantAbove, ciK } = criticalCounts(n, alpha, confidence);
  if (!(noise > 0)) {
    return { regression: significantAbove !== null && effect > threshold ? 1 : 0, no_change: ciK !== null && threshold > 0 ? 1 : 0 };
  }
  const half = Math.floor((n * n) / 2) + 1;
  const significant = significantAbove === null ? 0 : probabilityCountAtLeast(n, effect, 0, noise, significantAbove);
  const beyond = probabilityCountAtLeast(n, effect, threshold, noise, half);
  const cleared = ciK === null ? 0 : 1 - probabilityCountAtLeast(n, 0, threshold, noise, ciK);
  return { regression: Math.min(significant, beyond), no_change: cleared };
}

export interface RunsNeededSpec {
  tolerance: number;
  kind: 'relative' | 'absolute';
  direction: Direction;
  alpha: number;
  confidence?: number;
  power?: number;
}

/**
 * The fewest runs per side at which, at the noise seen in a and b, the gate's actual verdict rule
 * (p < α AND the estimate beyond the budget) calls a change of DETECT_FACTOR × the budget a
 * regression with probability `power` (80%), AND calls an unchanged metric "no change" with the
 * same probability — so an inconclusive verdict is resolved either way. Never fewer than the exact
 * test needs to reach p < α at all, nor than an interval at `confidence` needs. Null when the noise
 * cannot be estimated (fewer than 2 runs a side, a non-positive value with a relative budget).
 */
export function estimateRunsNeeded(a: readonly number[], b: readonly number[], spec: RunsNeededSpec): RunsNeeded | null {
  const { tolerance, kind, alpha } = spec;
  const confidence = spec.confidence ?? DEFAULT_CONFIDENCE;
  const power = spec.power ?? DEFAULT_POWER;
  if (a.length < 2 || b.length < 2 || !(tolerance > 0)) return null;
  let noise: number;
  let threshold: number;
  let change: number;
  if (kind === 'relative') {
    // Ratios live on the log scale, where the estimate (HL of logs) is a shift.
    if (!a.every((v) => v > 0) || !b.every((v) => v > 0)) return null;
    if (spec.direction === 'higher_is_better' && tolerance >= 1) return null;
    noise = Math.sqrt((sampleSd(a.map(Math.log)) ** 2 + sampleSd(b.map(Math.log)) ** 2) / 2);
    threshold = spec.direction === 'lower_is_better' ? Math.log(1 + tolerance) : -Math.log(1 - tolerance);
    change = Math.exp((spec.direction === 'lower_is_better' ? 1 : -1) * DETECT_FACTOR * threshold);
  } else {
    noise = Math.sqrt((sampleSd(a) ** 2 + sampleSd(b) ** 2) / 2);
    threshold = tolerance;
    change = spec.direction === 'lower_is_better' ? DETECT_FACTOR * tolerance : -DETECT_FACTOR * tolerance;
  }
  if (!Number.isFinite(noise)) return null;
  const effect = DETECT_FACTOR * threshold;
  const least = Math.max(minRunsForAlpha(alpha), minRunsForAlpha(1 - confidence));
  const meets = (n: number) => {
    const p = predictGatePower(n, noise, threshold, effect, alpha, confidence);
    return p.regression >= power && p.no_change >= power;
  };
  // Both powers grow with n: binary search for the first n that meets both.
  let lo = least;
  let hi = MAX_RUNS_NEEDED;
  if (!meets(hi)) lo = hi;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid + 1;
  }
  const at = predictGatePower(lo, noise, threshold, effect, alpha, confidence);
  return {
    runs: lo,
    change,
    change_kind: kind === 'relative' ? 'ratio' : 'shift',
    regression_power: at.regression,
    no_change_power: at.no_change,
    noise,
  };
}

/**
 * What runs_needed delivers, in one sentence: "at 12 runs per side a change of +21% is called a
 * regression 80% of the time, and an unchanged metric passes as no change 85% of the time".
 */
export function describeRunsNeeded(r: RunsNeeded, format: (change: number) => string): string {
  const runs = r.runs >= MAX_RUNS_NEEDED ? `even ${MAX_RUNS_NEEDED} runs per side fall short: there` : `at ${r.runs} runs per side`;
  return `${runs} a change of ${format(r.change)} is called a regression ${formatPercent(r.regression_power)} of the time, and an unchanged metric passes as no change ${formatPercent(r.no_change_power)} of the time (at the noise seen)`;
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
  const runsNeeded = estimateRunsNeeded(a, b, { tolerance, kind, direction: spec.direction, alpha, confidence });
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
    const runs = runsNeeded !== null ? `; ${describeRunsNeeded(runsNeeded, (c) => (kind === 'relative' ? formatPercentChange(c) : `${c >= 0 ? '+' : ''}${num(c)}`))}` : '';
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
    runs_needed: runsNeeded?.runs ?? null,
    runs_needed_detail: runsNeeded,
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
