import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mannWhitneyU, mannWhitneyExactCdf, hodgesLehmann, compareMetric, minRunsForAlpha, estimateRunsNeeded, predictGatePower,
  type MetricSpec,
} from '../../src/gate/statistics.js';
import { mulberry32, normalDraw, type Rng } from '../../src/random.js';
import { normalQuantile } from '../../src/analysis/normal.js';

/** U of a (pairs a_i > b_j, ties ½) by direct counting. */
function countU(a: number[], b: number[]): number {
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u;
}

/** Two-sided permutation p-value by enumerating every split of the pooled sample. */
function permutationP(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const m = a.length;
  const mean = (a.length * b.length) / 2;
  const observed = Math.abs(countU(a, b) - mean);
  let extreme = 0;
  let total = 0;
  const choose = (start: number, picked: number[]) => {
    if (picked.length === m) {
      const inA = new Set(picked);
      const pa = picked.map((i) => pooled[i]);
      const pb = pooled.filter((_, i) => !inA.has(i));
      total++;
      if (Math.abs(countU(pa, pb) - mean) >= observed - 1e-9) extreme++;
      return;
    }
    for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return extreme / total;
}

const lognormal = (rng: Rng, median: number, cv: number) => median * Math.exp(cv * normalDraw(rng));
const draw = (rng: Rng, n: number, median: number, cv: number) => Array.from({ length: n }, () => lognormal(rng, median, cv));

test('Mann–Whitney: the permeability example of R\'s wilcox.test (Hollander & Wolfe)', () => {
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];
  const r = mannWhitneyU(x, y);
  // Published: W = 35, one-sided p = 0.1272, so two-sided 0.2544.
  assert.equal(r.u, 35);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.p - 0.2544) < 0.0001, `p ${r.p}`);
  assert.ok(Math.abs(r.p - permutationP(x, y)) < 1e-12);
  // R's conf.int for the same data: difference in location 0.305.
  assert.ok(Math.abs(hodgesLehmann(y, x).estimate - 0.305) < 1e-9);
});

test('Mann–Whitney: exact critical values agree with published tables', () => {
  // Two-tailed critical U (reject when U ≤ value): α=0.05: (5,5) 2, (8,8) 13, (10,10) 23; α=0.01: (8,8) 7, (10,10) 16.
  const cases: [number, number, number, number][] = [[5, 5, 0.05, 2], [8, 8, 0.05, 13], [10, 10, 0.05, 23], [8, 8, 0.01, 7], [10, 10, 0.01, 16]];
  for (const [m, n, alpha, critical] of cases) {
    const cdf = mannWhitneyExactCdf(m, n);
    assert.ok(cdf[critical] <= alpha / 2 && cdf[critical + 1] > alpha / 2, `(${m},${n}) α=${alpha}: P(U≤${critical})=${cdf[critical]}`);
  }
});

test('Mann–Whitney: exact p equals brute-force permutation p on random samples', () => {
  const rng = mulberry32(2024);
  for (let trial = 0; trial < 40; trial++) {
    const m = 2 + Math.floor(rng() * 6);
    const n = 2 + Math.floor(rng() * 6);
    const shift = rng() * 2;
    const a = Array.from({ length: m }, () => normalDraw(rng));
    const b = Array.from({ length: n }, () => normalDraw(rng) + shift);
    const r = mannWhitneyU(a, b);
    assert.equal(r.u, countU(a, b));
    assert.ok(Math.abs(r.p - permutationP(a, b)) < 1e-12, `trial ${trial}: ${r.p} vs ${permutationP(a, b)}`);
  }
});

test('Mann–Whitney with ties: exact permutation p for small samples, normal approximation for large', () => {
  const rng = mulberry32(77);
  for (let trial = 0; trial < 10; trial++) {
    const a = Array.from({ length: 8 }, () => Math.round(normalDraw(rng) * 2));
    const b = Array.from({ length: 7 }, () => Math.round(normalDraw(rng) * 2 + 1.5));
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, countU(a, b));
    assert.ok(Math.abs(r.p - permutationP(a, b)) < 1e-12, `trial ${trial}: ${r.p} vs ${permutationP(a, b)}`);
  }
  // Larger tied samples, compared with a seeded Monte-Carlo permutation p: exactly counted while
  // the count is affordable (30 × 30, and the gate's unbalanced 100 × 10), the normal
  // approximation with the tie correction beyond (100 × 100).
  const monteCarloP = (a: number[], b: number[], draws: number): number => {
    const pooled = [...a, ...b];
    const mean = (a.length * b.length) / 2;
    const observed = Math.abs(countU(a, b) - mean);
    let extreme = 0;
    for (let i = 0; i < draws; i++) {
      const shuffled = [...pooled];
      for (let k = shuffled.length - 1; k > 0; k--) {
        const j = Math.floor(rng() * (k + 1));
        [shuffled[k], shuffled[j]] = [shuffled[j], shuffled[k]];
      }
      if (Math.abs(countU(shuffled.slice(0, a.length), shuffled.slice(a.length)) - mean) >= observed - 1e-9) extreme++;
    }
    return extreme / draws;
  };
  for (const [m, n, shift, method, draws] of [[30, 30, 1, 'exact', 4000], [100, 10, 1, 'exact', 4000], [100, 100, 0.4, 'normal', 1000]] as const) {
    const a = Array.from({ length: m }, () => Math.round(normalDraw(rng) * 2));
    const b = Array.from({ length: n }, () => Math.round(normalDraw(rng) * 2 + shift));
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, method, `${m} × ${n} with ties`);
    const mc = monteCarloP(a, b, draws);
    assert.ok(Math.abs(r.p - mc) < 0.025, `${m} × ${n}: ${r.p} vs Monte Carlo ${mc}`);
    // From either side, the same p.
    assert.ok(Math.abs(mannWhitneyU(b, a).p - r.p) < 1e-12, `${m} × ${n} swapped`);
  }
  // All values equal: no evidence at all.
  assert.equal(mannWhitneyU([1, 1, 1], [1, 1]).p, 1);
});

test('Hodges–Lehmann: interval from the U critical value, and its coverage', () => {
  const a = [10, 11, 12, 13, 14, 15, 16, 17];
  const b = a.map((v) => v + 5);
  const hl = hodgesLehmann(a, b);
  assert.equal(hl.estimate, 5);
  // (8,8) at 95%: lower critical U is 13, so the interval is [D(14), D(51)] of the 64 sorted differences.
  const diffs = b.flatMap((y) => a.map((x) => y - x)).sort((x, y) => x - y);
  assert.equal(hl.ci_low, diffs[13]);
  assert.equal(hl.ci_high, diffs[50]);
  assert.ok(hl.confidence >= 0.95 && hl.confidence < 0.96);
  // Coverage over seeded trials of a true shift of 3 with unit normal noise.
  const rng = mulberry32(5);
  let covered = 0;
  const trials = 400;
  for (let t = 0; t < trials; t++) {
    const x = Array.from({ length: 7 }, () => normalDraw(rng));
    const y = Array.from({ length: 9 }, () => normalDraw(rng) + 3);
    const r = hodgesLehmann(x, y);
    if (r.ci_low <= 3 && 3 <= r.ci_high) covered++;
  }
  assert.ok(covered / trials > 0.92, `coverage ${covered / trials}`);
});

const latency: MetricSpec = { name: 'p99_ms', direction: 'lower_is_better', tolerance: 0.1 };
const throughput: MetricSpec = { name: 'throughput_rps', direction: 'higher_is_better', tolerance: 0.1 };

test('A/A: identical distributions are never a regression (1,000 seeded trials, n=5..10)', () => {
  const rng = mulberry32(1);
  const counts = { regression: 0, improvement: 0, no_change: 0, inconclusive: 0 };
  for (let t = 0; t < 1000; t++) {
    const m = 5 + (t % 6);
    const n = 5 + ((t * 7) % 6);
    const verdict = compareMetric(draw(rng, m, 50, 0.08), draw(rng, n, 50, 0.08), latency).verdict;
    counts[verdict]++;
  }
  assert.ok(counts.regression / 1000 <= 0.02, JSON.stringify(counts));
  assert.ok(counts.improvement / 1000 <= 0.02, JSON.stringify(counts));
});

test('power: a 20% slowdown with 5% noise and n=8 is a regression nearly always', () => {
  const rng = mulberry32(2);
  let found = 0;
  const trials = 300;
  for (let t = 0; t < trials; t++) {
    if (compareMetric(draw(rng, 8, 50, 0.05), draw(rng, 8, 60, 0.05), latency).verdict === 'regression') found++;
  }
  assert.ok(found / trials >= 0.95, `power ${found / trials}`);
});

test('tolerance: a significant 3% change within a 10% tolerance is no_change', () => {
  const rng = mulberry32(3);
  const a = draw(rng, 10, 50, 0.005);
  const b = draw(rng, 10, 51.5, 0.005);
  const r = compareMetric(a, b, latency);
  assert.ok(r.p_value < 0.01, `p ${r.p_value}`);
  assert.equal(r.verdict, 'no_change', r.reason);
  assert.ok(Math.abs(r.ratio - 1.03) < 0.01);
  assert.ok(r.ratio_ci[0] <= r.ratio && r.ratio <= r.ratio_ci[1]);
  // The same data under a 2% tolerance is a regression.
  assert.equal(compareMetric(a, b, { ...latency, tolerance: 0.02 }).verdict, 'regression');
});

test('direction: a throughput drop is a regression, a latency drop an improvement', () => {
  const rng = mulberry32(4);
  const before = draw(rng, 8, 1000, 0.03);
  const after = draw(rng, 8, 800, 0.03);
  assert.equal(compareMetric(before, after, throughput).verdict, 'regression');
  assert.equal(compareMetric(after, before, throughput).verdict, 'improvement');
  assert.equal(compareMetric(before, after, latency).verdict, 'improvement');
  assert.equal(compareMetric(after, before, latency).verdict, 'regression');
});

test('noisy and few runs: inconclusive, with the runs a decision would need', () => {
  const rng = mulberry32(6);
  const r = compareMetric(draw(rng, 5, 50, 0.3), draw(rng, 5, 55, 0.3), latency);
  assert.equal(r.verdict, 'inconclusive', r.reason);
  assert.ok(r.runs_needed !== null && r.runs_needed > 10, `runs_needed ${r.runs_needed}`);
  // Three runs a side can never reach p < 0.01, whatever the shift, nor give a 95% interval.
  assert.equal(compareMetric([10, 11, 12], [100, 110, 120], latency).verdict, 'inconclusive');
  assert.equal(compareMetric([10, 10.1, 10.2], [10, 10.1, 10.2], latency).verdict, 'inconclusive');
  assert.equal(compareMetric([10], [10], latency).verdict, 'inconclusive');
  // Identical constant runs: tied-exact test, p = 1, no change.
  assert.equal(compareMetric([10, 10, 10, 10, 10], [10, 10, 10, 10, 10], latency).verdict, 'no_change');
  assert.equal(compareMetric([10, 10, 10, 10, 10], [20, 20, 20, 20, 20], latency).verdict, 'regression');
});

test('absolute tolerance for slopes (bytes/s), including values around zero', () => {
  const rng = mulberry32(7);
  const flat = Array.from({ length: 8 }, () => 100 * normalDraw(rng));
  const leaking = Array.from({ length: 8 }, () => 5000 + 100 * normalDraw(rng));
  const slopeSpec: MetricSpec = { name: 'rss_slope', direction: 'lower_is_better', tolerance: 1000, toleranceKind: 'absolute' };
  const r = compareMetric(flat, leaking, slopeSpec);
  assert.equal(r.verdict, 'regression', r.reason);
  assert.ok(Math.abs(r.diff - 5000) < 200);
  const small = Array.from({ length: 8 }, () => 200 + 100 * normalDraw(rng));
  assert.equal(compareMetric(flat, small, slopeSpec).verdict, 'no_change');
});

test('runs_needed is the fewest runs at which the verdict rule delivers 80% both ways (by its power model)', () => {
  const a = [95, 100, 105, 100, 95, 105];
  const b = [95, 100, 105, 100, 95, 105];
  const logs = a.map(Math.log);
  const meanLog = logs.reduce((x, y) => x + y, 0) / logs.length;
  const noise = Math.sqrt(logs.reduce((x, y) => x + (y - meanLog) ** 2, 0) / (logs.length - 1)); // SD of log values, both sides alike
  const spec = { tolerance: 0.1, kind: 'relative' as const, direction: 'lower_is_better' as const, alpha: 0.01 };
  const r = estimateRunsNeeded(a, b, spec)!;
  assert.ok(Math.abs(r.noise - noise) < 1e-12, `noise ${r.noise}`);
  assert.ok(Math.abs(r.change - 1.21) < 1e-9, 'sized for twice the budget on the log scale: 1.1² = +21%');
  assert.equal(r.change_kind, 'ratio');
  assert.ok(r.regression_power >= 0.8 && r.no_change_power >= 0.8);
  const t = Math.log(1.1);
  if (r.runs > minRunsForAlpha(0.01)) {
    const fewer = predictGatePower(r.runs - 1, r.noise, t, 2 * t, 0.01);
    assert.ok(fewer.regression < 0.8 || fewer.no_change < 0.8, 'one run fewer falls short: the fewest');
  }
  // Higher is better: a 10% budget is sized for 0.9² = −19%.
  assert.ok(Math.abs(estimateRunsNeeded(a, b, { ...spec, direction: 'higher_is_better' })!.change - 0.81) < 1e-9);
  // A tolerance 10× tighter needs many more runs; the powers grow with n.
  const tight = estimateRunsNeeded(a, b, { ...spec, tolerance: 0.01 })!;
  assert.ok(tight.runs > 5 * r.runs, `${tight.runs} vs ${r.runs}`);
  let previous = { regression: 0, no_change: 0 };
  for (const n of [5, 8, 12, 20, 40, 80, 150]) {
    const p = predictGatePower(n, 0.1, t, 2 * t, 0.01);
    assert.ok(p.regression >= previous.regression - 1e-9 && p.no_change >= previous.no_change - 1e-9, `monotone at ${n}`);
    previous = p;
  }
  // Unknowable noise: null.
  assert.equal(estimateRunsNeeded([1], [1, 2], spec), null);
  assert.equal(estimateRunsNeeded([1, -1], [1, 2], spec), null);
  assert.equal(minRunsForAlpha(0.01), 5);
  assert.equal(minRunsForAlpha(0.05), 4);
});

test('bad arguments are a programming error (RangeError, exit 70 at the CLI), not a usage error', () => {
  assert.throws(() => compareMetric([], [1], latency), RangeError);
  assert.throws(() => compareMetric([1, NaN], [1], latency), RangeError);
  assert.throws(() => compareMetric([1], [1], { ...latency, tolerance: -1 }), RangeError);
  assert.throws(() => compareMetric([0, 0], [0, 1], latency), RangeError); // relative with a zero baseline
});
