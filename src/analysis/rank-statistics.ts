// Rank-based, distribution-free two-sample statistics: Mann–Whitney U (exact, with ties, or
// normal) and the Hodges–Lehmann shift with its interval. Pure maths over numbers passed in; the
// CI regression gate (src/gate/statistics.ts) and the proxy-cost comparison (src/analysis/proxy-cost.ts)
// both use them. Run-to-run noise in latency and throughput is skewed and heavy-tailed and samples
// are small (5–20 runs), which is why nothing here assumes a distribution.

import { normalCdf, normalQuantile } from './normal.js';

/**
 * Without ties the exact U distribution is used while m·n is at most this: 100 × 100, or any
 * unbalanced pair within it (a baseline of 60–100 runs against 5–10 candidate runs is the gate's
 * common case, where the normal approximation is least accurate: 60 × 5 at U = 46 gives 0.0108
 * against the exact 0.0076, across α = 0.01). Building the distribution costs about (mn)²/4
 * additions (25 M at 100 × 100, ~50 ms, once per size: cached).
 */
export const EXACT_MAX_CELLS = 10_000;
/**
 * With ties, the exact permutation distribution of the midranks is counted while
 * min(m,n) · N · N(N+1) stays below this (N = m + n): 100 × 10 costs 13 M, 30 × 30 7 M.
 */
export const EXACT_TIES_MAX_COST = 20_000_000;
/** Confidence of the interval used to declare "no change". */
export const DEFAULT_CONFIDENCE = 0.95;

export function requireSample(name: string, xs: readonly number[], min: number): void {
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

/** Whether the exact U distribution (no ties) is used for samples of m and n values. */
export function isExactSize(m: number, n: number): boolean {
  return m * n <= EXACT_MAX_CELLS;
}

/**
 * Cumulative null distribution P(U ≤ u), u = 0..mn, for sample sizes m and n without ties.
 * The number of arrangements with a given U obeys f(i, j) = f(i−1, j)·q^j + f(i, j−1) (the largest
 * of the i+j values is either an a, beating all j b's, or a b), i.e. the Gaussian binomial
 * coefficient (dynamic programming over i, j and U). Counts are kept as floats: only ratios are
 * needed, and C(200, 100) ≈ 9e58 fits. The distribution is symmetric, P(U ≤ u) = P(U ≥ mn − u),
 * so upper tails are read as lower ones (no 1 − x cancellation for tiny p).
 */
export function mannWhitneyExactCdf(m: number, n: number): Float64Array {
  // The distribution of U for (m, n) is that of (n, m): build the cheaper way round, cache once.
  if (m < n) [m, n] = [n, m];
  const key = `${m},${n}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  // rows[j][u] = arrangements of i a's and j b's with U = u, updated in place for i = 1..m (the
  // buffers are sized for i = m once: additions only, no allocation in the loop, so 100 × 100
  // takes tens of ms).
  const rows: Float64Array[] = [];
  for (let j = 0; j <= n; j++) {
    const row = new Float64Array(m * j + 1);
    row[0] = 1; // i = 0: one arrangement, U = 0
    rows.push(row);
  }
  for (let i = 1; i <= m; i++) {
    // j = 0 stays [1]. For j ≥ 1: f(i, j)[u] = f(i−1, j)[u − j] + f(i, j−1)[u]; the first term
    // shifts this row up by j (descending, in place), the second adds the row just finished.
    for (let j = 1; j <= n; j++) {
      const row = rows[j];
      const prev = rows[j - 1];
      const top = i * j;
      for (let u = top; u >= j; u--) row[u] = row[u - j];
      for (let u = 0; u < j; u++) row[u] = 0;
      const prevTop = i * (j - 1);
      for (let u = 0; u <= prevTop; u++) row[u] += prev[u];
    }
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

/** The cost of exactTiedP for samples of m and n values (see EXACT_TIES_MAX_COST). */
function tiedExactCost(m: number, n: number): number {
  const total = m + n;
  return Math.min(m, n) * total * total * (total + 1);
}

/**
 * Exact two-sided permutation p-value with ties: the distribution of the rank sum of m values drawn
 * from the pooled midranks, by counting subsets (dynamic programming over size and doubled rank
 * sum, so that half ranks stay integers). Midranks need not be symmetric about their mean, so the
 * two-sided p is P(|W − E W| ≥ |w − E W|) rather than twice a tail. The caller passes the smaller
 * side (the test is the same from either side; the count is cheaper).
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
 * Two-sided Mann–Whitney U test (Wilcoxon rank-sum).
 * - No ties and m·n ≤ 10,000 (up to 100 × 100, and any unbalanced pair within it such as 100 × 10
 *   or 60 × 5): the exact p from the null distribution of U, p = 2·min(P(U ≤ u), P(U ≥ u)), which
 *   is what scipy.stats.mannwhitneyu(a, b, method='exact') returns.
 * - Ties, and the permutation count affordable (EXACT_TIES_MAX_COST: up to 100 × 10, 30 × 30):
 *   the exact conditional p — every way of splitting the pooled midranks into the two sides
 *   counted, P(|W − E W| ≥ |w − E W|). (The untied distribution of U would be wrong here: ties
 *   shrink the variance of U.)
 * - Otherwise: the normal approximation with the tie-corrected variance and a continuity
 *   correction of ½ (scipy's method='asymptotic').
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
  if (hasTies && tiedExactCost(m, n) <= EXACT_TIES_MAX_COST) {
    // Count subsets of the smaller side: its rank sum is the pooled total minus the other's.
    if (m <= n) return { u, p: exactTiedP(ranks, m, rankSumA), z, method: 'exact' };
    const rankSumB = (total * (total + 1)) / 2 - rankSumA;
    return { u, p: exactTiedP([...ranks.slice(m), ...ranks.slice(0, m)], n, rankSumB), z, method: 'exact' };
  }
  if (!hasTies && isExactSize(m, n)) {
    const cdf = mannWhitneyExactCdf(m, n);
    // U is an integer without ties; P(U ≥ u) = P(U ≤ mn − u) by symmetry.
    const lower = cdf[u];
    const upper = cdf[m * n - u];
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
  if (isExactSize(m, n)) {
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

