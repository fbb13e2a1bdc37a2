import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUsl, uslPredict, capacityKneeDetail, type UslPoint } from '../../src/analysis/usl.js';
import { findUslPeak } from '../../src/analysis/usl-peak.js';
import { mulberry32, normalDraw } from '../../src/random.js';

const POOLS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64];

function synthetic(lambda: number, sigma: number, kappa: number, noise: number, seed: number, pools = POOLS): UslPoint[] {
  const rng = mulberry32(seed);
  return pools.map((n) => ({ n, x: uslPredict({ lambda, sigma, kappa }, n) * (1 + noise * normalDraw(rng)) }));
}

test('recovers known λ, σ, κ from noisy data', () => {
  const truth = { lambda: 50, sigma: 0.05, kappa: 0.002 };
  const trueNStar = Math.sqrt((1 - truth.sigma) / truth.kappa); // ≈ 21.8
  for (let seed = 1; seed <= 10; seed++) {
    const fit = fitUsl(synthetic(truth.lambda, truth.sigma, truth.kappa, 0.01, seed));
    assert.equal(fit.ok, true, fit.reason);
    assert.ok(Math.abs(fit.lambda / truth.lambda - 1) < 0.05, `seed ${seed}: λ ${fit.lambda}`);
    assert.ok(Math.abs(fit.sigma - truth.sigma) < 0.02, `seed ${seed}: σ ${fit.sigma}`);
    assert.ok(Math.abs(fit.kappa / truth.kappa - 1) < 0.3, `seed ${seed}: κ ${fit.kappa}`);
    assert.ok(fit.n_star !== null && Math.abs(fit.n_star / trueNStar - 1) < 0.15, `seed ${seed}: N* ${fit.n_star}`);
    assert.ok(fit.r2 > 0.98);
  }
});

test('exact data are fitted almost exactly, and the result is plain JSON', () => {
  const fit = fitUsl(synthetic(120, 0.1, 0.0005, 0, 1));
  assert.ok(Math.abs(fit.lambda - 120) < 0.5 && Math.abs(fit.sigma - 0.1) < 0.005 && Math.abs(fit.kappa - 0.0005) < 0.00005, JSON.stringify(fit));
  assert.ok(fit.r2 > 0.9999);
  assert.deepEqual(JSON.parse(JSON.stringify(fit)), fit);
  assert.ok(Math.abs(uslPredict(fit, 16) - uslPredict({ lambda: 120, sigma: 0.1, kappa: 0.0005 }, 16)) < 1);
});

test('linear scaling: κ≈0 and no N*', () => {
  const fit = fitUsl(synthetic(47, 0, 0, 0.01, 5));
  assert.equal(fit.ok, true, fit.reason);
  assert.equal(fit.n_star, null);
  assert.ok(fit.kappa < 1e-5, `κ ${fit.kappa}`);
  assert.ok(fit.sigma < 0.01, `σ ${fit.sigma}`);
  assert.ok(Math.abs(fit.lambda / 47 - 1) < 0.03);
});

test('GIL-flat data (capacity constant from N=1): σ≈1 and the capacity knee is the first value', () => {
  const rng = mulberry32(11);
  const points = [1, 2, 4, 8, 16, 32].map((n) => ({ n, x: 174 * (1 + 0.01 * normalDraw(rng)) }));
  const fit = fitUsl(points);
  assert.equal(fit.ok, true, fit.reason);
  assert.ok(fit.sigma > 0.9, `σ ${fit.sigma}`);
  // X(32) barely above X(1): nothing to gain from more workers.
  assert.ok(uslPredict(fit, 32) / uslPredict(fit, 1) < 1.05);
  assert.deepEqual(pick(capacityKneeDetail(points.map((p) => p.n), points.map((p) => p.x))), { value: 1, still_growing: false });
});

test('refuses to fit fewer than 6 pool sizes or data the USL does not describe', () => {
  // The 20 ms sleep handler measured on this machine: 4 pool sizes only.
  const few = fitUsl([{ n: 1, x: 47 }, { n: 4, x: 188 }, { n: 16, x: 763 }, { n: 64, x: 1407 }]);
  assert.equal(few.ok, false);
  assert.match(few.reason!, /need at least 6 pool sizes/);
  // Repeated n does not count twice.
  assert.equal(fitUsl([1, 1, 2, 2, 4, 4, 8].map((n) => ({ n, x: 10 * n }))).ok, false);
  // Zig-zag noise: no scalability curve fits.
  const zigzag = POOLS.map((n, i) => ({ n, x: i % 2 === 0 ? 100 : 400 }));
  const bad = fitUsl(zigzag);
  assert.equal(bad.ok, false);
  assert.match(bad.reason!, /R²/);
});

test('capacityKneeDetail: where the gain per doubling drops below 5%', () => {
  assert.deepEqual(pick(capacityKneeDetail([1, 2, 4, 8, 16], [100, 190, 300, 310, 312])), { value: 4, still_growing: false });
  // Still growing 8%/doubling at the end: no knee by default, 32 with a 10% bar.
  const values = [1, 2, 4, 8, 16, 32, 64];
  const cap = [47, 94, 188, 376, 763, 1300, 1407];
  assert.equal(capacityKneeDetail(values, cap).still_growing, true);
  assert.deepEqual(pick(capacityKneeDetail(values, cap, { minGain: 0.1 })), { value: 32, still_growing: false });
  // Uneven spacing is normalised per doubling: 10 → 12 with +4% is 15%/doubling, still growing.
  assert.deepEqual(pick(capacityKneeDetail([8, 10, 12, 16], [800, 900, 936, 940])), { value: 12, still_growing: false });
  // Order of input does not matter.
  assert.deepEqual(pick(capacityKneeDetail([16, 1, 8, 4, 2], [312, 100, 310, 300, 190])), { value: 4, still_growing: false });
  assert.deepEqual(pick(capacityKneeDetail([4], [10])), { value: null, still_growing: false });
});

// Issue 11: a fitted N* was printed as a "peak" for flat or Amdahl data in about half of noisy fits.
test('N* is stated only when the peak lies inside the measured range, with a bootstrap interval', () => {
  // A true USL curve (λ 50, σ 0.05, κ 0.002: N* = 21.8) with 3% noise: stated, the interval around it.
  for (const seed of [1, 2]) {
    const points = synthetic(50, 0.05, 0.002, 0.03, seed);
    const peak = findUslPeak(points, fitUsl(points), { rng: mulberry32(7), replicates: 100 });
    assert.ok(peak.n_star !== null && Math.abs(peak.n_star - 21.8) < 3, `seed ${seed}: ${peak.text}`);
    assert.ok(peak.ci && peak.ci[0] <= peak.n_star && peak.n_star <= peak.ci[1] && peak.ci[0] >= 1 && peak.ci[1] <= 64, peak.text);
    assert.match(peak.text, /^N\* ≈ [\d.]+ \(95% bootstrap interval [\d.]+–[\d.]+\)$/);
  }
  // Seeded: the same data give the same interval.
  const again = synthetic(50, 0.05, 0.002, 0.03, 1);
  assert.deepEqual(findUslPeak(again, fitUsl(again), { rng: mulberry32(7), replicates: 100 }), findUslPeak(again, fitUsl(again), { rng: mulberry32(7), replicates: 100 }));
  // Amdahl (κ = 0), linear and GIL-flat data, 3% noise, 10 seeds each: never a peak.
  for (let seed = 1; seed <= 10; seed++) {
    const rng = mulberry32(100 + seed);
    const cases: Record<string, UslPoint[]> = {
      amdahl: synthetic(50, 0.05, 0, 0.03, seed),
      linear: synthetic(47, 0, 0, 0.03, seed),
      flat: [1, 2, 4, 8, 16, 32, 64].map((n) => ({ n, x: 174 * (1 + 0.03 * normalDraw(rng)) })),
    };
    for (const [name, points] of Object.entries(cases)) {
      const peak = findUslPeak(points, fitUsl(points), { rng: mulberry32(7), replicates: 100 });
      assert.equal(peak.n_star, null, `${name} seed ${seed}: ${peak.text}`);
      assert.match(peak.text, /^no peak within 1\.\.64 \(/, `${name} seed ${seed}`);
    }
  }
  // A peak beyond the largest value measured is not one within the range.
  const beyond = synthetic(50, 0.05, 0.0001, 0.01, 3, [1, 2, 4, 8, 16, 32]);
  assert.equal(findUslPeak(beyond, fitUsl(beyond), { rng: mulberry32(7) }).n_star, null);
});

function pick(d: { value: number | null; still_growing: boolean }): { value: number | null; still_growing: boolean } {
  return { value: d.value, still_growing: d.still_growing };
}
