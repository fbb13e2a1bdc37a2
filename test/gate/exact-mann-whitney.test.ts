// The exact Mann–Whitney p for unbalanced samples up to 100 × 100, against scipy (issue 11: with 60
// baseline runs and 5 candidate runs the normal approximation gave p = 0.0108 where the exact value
// is 0.0076, flipping the verdict at α = 0.01).
//
// Reference values: SciPy 1.17.1, computed once with
//   from scipy.stats import mannwhitneyu
//   a = [float(i) for i in range(m)]
//   b = [o + 0.5 + 0.001 * j for j, o in enumerate(offsets)]
//   mannwhitneyu(a, b, method='exact').pvalue        # and method='asymptotic' for the comparison
// (no ties: b's values fall strictly between a's integers). The test does not need scipy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyU, compareMetric } from '../../src/gate/statistics.js';
import { normalCdf } from '../../src/analysis/normal.js';

function samples(m: number, offsets: readonly number[]): [number[], number[]] {
  return [Array.from({ length: m }, (_, i) => i), offsets.map((o, j) => o + 0.5 + 0.001 * j)];
}

const CASES: { name: string; m: number; offsets: number[]; u: number; exact: number; asymptotic: number }[] = [
  { name: '60 × 5 (the issue)', m: 60, offsets: [50, 50, 50, 50, 49], u: 46, exact: 0.007597681711906989, asymptotic: 0.01083443769439077 },
  { name: '100 × 10', m: 100, offsets: [30, 45, 52, 60, 71, 77, 83, 88, 94, 99], u: 291, exact: 0.028644987426659895, asymptotic: 0.03016783534009138 },
  { name: '100 × 10, complete separation', m: 100, offsets: Array(10).fill(99), u: 0, exact: 4.264607225382664e-14, asymptotic: 2.0631739856825891e-07 },
  { name: '100 × 10, interleaved', m: 100, offsets: [5, 20, 33, 41, 50, 58, 64, 70, 85, 97], u: 467, exact: 0.7391722505788688, asymptotic: 0.735424297438186 },
  { name: '20 × 7', m: 20, offsets: [2, 5, 9, 12, 16, 18, 19], u: 52, exact: 0.3410943323986802, asymptotic: 0.3329216080655659 },
  { name: '100 × 100, shifted by 7', m: 100, offsets: Array.from({ length: 100 }, (_, j) => Math.min(99, j + 7)), u: 4278, exact: 0.07789231418008032, asymptotic: 0.0779164997764631 },
];

for (const c of CASES) {
  test(`exact Mann–Whitney p equals scipy's: ${c.name}`, () => {
    const [a, b] = samples(c.m, c.offsets);
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, c.u);
    const relative = Math.abs(r.p - c.exact) / c.exact;
    assert.ok(relative < 1e-9, `p ${r.p} vs scipy ${c.exact}`);
    // The other way round: the same two-sided p.
    assert.ok(Math.abs(mannWhitneyU(b, a).p - c.exact) / c.exact < 1e-9);
    // And scipy's asymptotic value is what the normal approximation (our z) would have said.
    const normalP = 2 * normalCdf(-Math.abs(r.z));
    assert.ok(Math.abs(normalP - c.asymptotic) / c.asymptotic < 1e-6, `normal ${normalP} vs scipy asymptotic ${c.asymptotic}`);
  });
}

test('60 × 5: the exact p decides the verdict at α = 0.01 (the normal approximation would not)', () => {
  // Baseline latencies 100..159 ms, candidate 5 runs in the top part: B is slower.
  const [a0, b0] = samples(60, [50, 50, 50, 50, 49]);
  const a = a0.map((x) => 100 + x);
  const b = b0.map((x) => 100 + x);
  const r = compareMetric(a, b, { name: 'p99', direction: 'lower_is_better', tolerance: 0.1, alpha: 0.01 });
  assert.equal(r.test, 'exact');
  assert.ok(r.p_value < 0.01 && r.p_value > 0.007, `p ${r.p_value}`);
  assert.equal(r.verdict, 'regression', r.reason);
});
