import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalCdf, normalQuantile } from '../../src/analysis/normal.js';
import { mulberry32, normalDraw, exponentialDraw } from '../../src/random.js';
import { quantile, median } from '../../src/analysis/percentiles.js';

test('normalCdf matches published table values', () => {
  // Abramowitz & Stegun table 26.1 values.
  const table: [number, number][] = [[0, 0.5], [1, 0.8413447461], [1.96, 0.9750021049], [2.5758293, 0.995], [3, 0.9986501020], [-2, 0.0227501319]];
  for (const [z, p] of table) assert.ok(Math.abs(normalCdf(z) - p) < 1e-9, `Φ(${z}) = ${normalCdf(z)}, want ${p}`);
  // A deep tail keeps relative precision: P(Z > 6) = 9.8659e-10.
  assert.ok(Math.abs(normalCdf(-6) / 9.865876450377e-10 - 1) < 1e-6);
});

test('normalQuantile inverts normalCdf', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.995) - 2.575829304) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.8) - 0.8416212336) < 1e-8);
  for (const p of [1e-12, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9]) {
    assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-9 * Math.max(1, p * 1e3), `p=${p}`);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
});

test('mulberry32 is deterministic per seed and roughly uniform', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c()));
  const rng = mulberry32(7);
  const n = 100_000;
  let sum = 0;
  let normalSum = 0;
  let normalSq = 0;
  let expSum = 0;
  for (let i = 0; i < n; i++) {
    const u = rng();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    const z = normalDraw(rng);
    normalSum += z;
    normalSq += z * z;
    expSum += exponentialDraw(rng, 0.25);
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(normalSum / n) < 0.02);
  assert.ok(Math.abs(normalSq / n - 1) < 0.02);
  assert.ok(Math.abs(expSum / n - 0.25) < 0.005);
});

test('quantile helpers', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(quantile([5, 1, 4, 2, 3], 1), 5);
  assert.ok(Number.isNaN(median([])));
  const input = [3, 1, 2];
  median(input);
  assert.deepEqual(input, [3, 1, 2], 'does not mutate');
});
