// Which setting values are as good as the best? Capacities measured at one value vary from run to
// run (a 1-s level on a shared machine moves by 5–30%), so "the smallest value within 5% of the
// best" read off one measurement each moves with the noise: two runs of one sweep can recommend
// 16 and 24. Here each value may have been measured several times (the sweep repeats the capacity
// search at its leading candidates), the noise is estimated from those repeats, and a value counts
// as "within noise of the best" unless the data show, with 95% confidence, that the best beats it
// by more than the near-best tolerance.
//
// The test, on log capacities (noise on a capacity is multiplicative: a share, not requests/s):
//   m_v = mean of ln(capacity) over the runs at value v (n_v runs); b = the value with the largest m
//   s   = the pooled standard deviation of ln(capacity) within values, df = Σ (n_v − 1)
//   d_v = m_b − m_v, SE_v = s·√(1/n_b + 1/n_v)
//   v is within noise of the best unless  d_v − t(0.95, df)·SE_v > −ln(1 − tolerance)
// i.e. a one-sided test of "the best is at most `tolerance` better than v" at 5%. Without repeats
// (df = 0) there is no noise estimate and the rule falls back to d_v ≤ −ln(1 − tolerance): within
// 5% of the best. t(0.95, df) is Student's t quantile from jStat (npm "jstat", which has it; the
// standard library and simple-statistics do not).
import jstat from 'jstat';
import { NEAR_BEST_TOLERANCE } from './ramp-rules.js';
import { formatPercent } from '../format.js';

/** The runs at one setting value. */
export interface CapacityRuns {
  value: number;
  /** Capacity of each run, requests/s (> 0). */
  capacities_rps: readonly number[];
}

export interface ComparedValue {
  value: number;
  runs: number;
  capacities_rps: number[];
  /** Geometric mean of the runs. */
  capacity_rps: number;
  /** How much more the best value served: best ÷ this − 1 (geometric means). */
  best_gain: number;
  /** t·SE on the log gain (≈ a share): the one-sided 95% margin; null without a noise estimate. */
  margin: number | null;
  within_noise: boolean;
}

export interface CapacityComparison {
  /** Ascending by value. */
  values: ComparedValue[];
  /** The value with the highest (geometric mean) capacity. */
  best: number;
  /** Pooled relative noise of one run, from the repeats; null without repeats. */
  noise: { relative_sd: number; df: number; t: number } | null;
  /** The test in one sentence, for the report. */
  test: string;
}

/** One-sided: 95% confidence that the best is better by more than the tolerance. */
export const COMPARISON_CONFIDENCE = 0.95;

export function compareCapacities(input: readonly CapacityRuns[], opts: { tolerance?: number } = {}): CapacityComparison | null {
  const tolerance = opts.tolerance ?? NEAR_BEST_TOLERANCE;
  const groups = input
    .map((g) => ({ value: g.value, caps: g.capacities_rps.filter((c) => Number.isFinite(c) && c > 0) }))
    .filter((g) => g.caps.length > 0)
    .sort((a, b) => a.value - b.value);
  if (groups.length === 0) return null;
  const logs = groups.map((g) => g.caps.map(Math.log));
  const means = logs.map((l) => l.reduce((a, x) => a + x, 0) / l.length);
  let ss = 0;
  let df = 0;
  logs.forEach((l, i) => {
    for (const x of l) ss += (x - means[i]) ** 2;
    df += l.length - 1;
  });
  const s = df > 0 ? Math.sqrt(ss / df) : null;
  const t = df > 0 ? jstat.jStat.studentt.inv(COMPARISON_CONFIDENCE, df) : null;
  const bestIndex = means.reduce((best, m, i) => (m > means[best] ? i : best), 0);
  const allowed = -Math.log(1 - tolerance);
  const values = groups.map((g, i): ComparedValue => {
    const d = means[bestIndex] - means[i];
    const margin = s !== null && t !== null ? t * s * Math.sqrt(1 / g.caps.length + 1 / groups[bestIndex].caps.length) : null;
    return {
      value: g.value,
      runs: g.caps.length,
      capacities_rps: [...g.caps],
      capacity_rps: Math.exp(means[i]),
      best_gain: Math.exp(d) - 1,
      margin,
      within_noise: d - (margin ?? 0) <= allowed,
    };
  });
  const pct = Math.round(tolerance * 100);
  const test = s !== null && t !== null
    ? `a value is within noise of the best unless the best's capacity is more than ${pct}% higher with 95% confidence (one-sided t-test on log capacities, noise ${formatPercent(s)} per run pooled from the repeats, ${df} degrees of freedom)`
    : `no value was measured twice, so there is no noise estimate: a value is within noise of the best when its capacity is within ${pct}% of it`;
  return { values, best: groups[bestIndex].value, noise: s !== null && t !== null ? { relative_sd: s, df, t } : null, test };
}
