import { test } from 'node:test';
import assert from 'node:assert/strict';
import jstat from 'jstat';
import { compareCapacities } from '../../src/analysis/capacity-comparison.js';

test('Student t quantiles from jStat match the printed table', () => {
  // One-sided 95% points, from any table of Student's t (e.g. NIST/SEMATECH e-Handbook of
  // Statistical Methods, 1.3.6.7.2, "Critical values of the Student's t distribution").
  const table: Record<number, number> = { 1: 6.314, 2: 2.92, 4: 2.132, 6: 1.943, 10: 1.812, 30: 1.697 };
  for (const [df, t] of Object.entries(table)) assert.ok(Math.abs(jstat.jStat.studentt.inv(0.95, Number(df)) - t) < 0.001, `df ${df}`);
});

test('without repeats: within 5% of the best', () => {
  const c = compareCapacities([
    { value: 8, capacities_rps: [600] },
    { value: 16, capacities_rps: [940] },
    { value: 24, capacities_rps: [990] },
    { value: 32, capacities_rps: [1000] },
  ])!;
  assert.equal(c.best, 32);
  assert.equal(c.noise, null);
  assert.deepEqual(c.values.map((v) => v.within_noise), [false, false, true, true]);
  assert.match(c.test, /no value was measured twice/);
});

test('with repeats: the noise widens "as good as the best", and the margin is t·s·√(1/n_b + 1/n_v)', () => {
  // 16 is 8% below 24 on average; the runs vary by about 6%: the data cannot separate them.
  const noisy = compareCapacities([
    { value: 8, capacities_rps: [500, 520, 480] },
    { value: 16, capacities_rps: [900, 820, 870] },
    { value: 24, capacities_rps: [950, 880, 1010] },
  ])!;
  assert.equal(noisy.best, 24);
  assert.ok(noisy.noise && noisy.noise.df === 6, JSON.stringify(noisy.noise));
  const v16 = noisy.values.find((v) => v.value === 16)!;
  assert.equal(v16.within_noise, true);
  const logs = (xs: number[]) => xs.map(Math.log);
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const groups = [[500, 520, 480], [900, 820, 870], [950, 880, 1010]].map(logs);
  const ss = groups.reduce((a, g) => a + g.reduce((b, x) => b + (x - mean(g)) ** 2, 0), 0);
  const s = Math.sqrt(ss / 6);
  assert.ok(Math.abs(noisy.noise!.relative_sd - s) < 1e-12);
  assert.ok(Math.abs(v16.margin! - 1.943180274 * s * Math.sqrt(2 / 3)) < 1e-6);
  assert.equal(noisy.values[0].within_noise, false, '8 serves half: distinguishable whatever the noise');
  // The same means with quiet repeats (1%): 16 is now shown to be more than 5% worse.
  const quiet = compareCapacities([
    { value: 16, capacities_rps: [865, 860, 870] },
    { value: 24, capacities_rps: [945, 940, 950] },
  ])!;
  assert.equal(quiet.values.find((v) => v.value === 16)!.within_noise, false);
  assert.match(quiet.test, /one-sided t-test on log capacities/);
});
