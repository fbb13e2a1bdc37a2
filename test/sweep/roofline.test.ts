import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitRoofline } from '../../src/sweep/roofline-fit.js';
import { sweepKnee } from '../../src/sweep/analyze-sweep.js';
import { syntheticStep } from './synthetic-doc.js';

const pts = (caps: Record<number, number>) => Object.entries(caps).map(([n, x]) => ({ n: Number(n), x }));

test('roofline: a linear rise to a plateau, robust to one outlying step', () => {
  // Measured on the bundled server (io_ms=20, cpu_ms=1) on a loaded 2-core machine; 24 is a stall.
  const fit = fitRoofline(pts({ 1: 46, 2: 93, 4: 190, 8: 370, 12: 410, 16: 740, 24: 250, 32: 680, 64: 820 }))!;
  assert.equal(fit.per_worker_rps, 46.25);
  assert.equal(fit.plateau_rps, 710);
  assert.ok(Math.abs(fit.knee_n! - 15.35) < 0.01);
});

test('roofline: flat from the start, and still growing', () => {
  const flat = fitRoofline(pts({ 1: 195, 2: 201, 4: 198, 8: 203, 16: 196 }))!;
  assert.ok(flat.knee_n! < 1.5, `flat knee ${flat.knee_n}`);
  const growing = fitRoofline(pts({ 1: 45, 2: 90, 4: 180, 8: 360 }))!;
  assert.equal(growing.knee_n, null);
  assert.equal(growing.plateau_rps, Infinity);
  assert.equal(fitRoofline(pts({ 1: 45, 2: 90 })), null);
});

test('sweep knee: the smallest measured pool at or past the fitted knee; the gain rule kept beside it', () => {
  const steps = [1, 2, 4, 8, 16, 32, 64].map((v) => syntheticStep(v, { serviceMs: 20, limitRps: 500 }));
  // A stall makes 32 look bad: the gain rule is fooled (16 → 32 drops), the roofline is not.
  steps[5] = { ...steps[5], capacity_rps: 150 };
  const knee = sweepKnee(steps, true)!;
  assert.equal(knee.method, 'roofline min(a·N, P)');
  assert.equal(knee.value, 16);
  assert.equal(knee.still_growing, false);
  assert.ok(knee.fitted_n! > 9 && knee.fitted_n! < 11, `fitted ${knee.fitted_n}`);
  assert.equal(knee.gain_rule_value, 16);
  // Not a pool: the gain rule only.
  assert.equal(sweepKnee(steps, false)!.method, 'capacity gain per doubling < 5%');
});
