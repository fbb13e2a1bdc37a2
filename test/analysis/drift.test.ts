import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateDrift, theilSen, MAX_DRIFT_SAMPLES } from '../../src/analysis/drift.js';
import { mulberry32, normalDraw } from '../../src/random.js';

const MIB = 1024 * 1024;
const times = (n: number, stepS = 1) => Array.from({ length: n }, (_, i) => i * stepS);

function series(n: number, f: (t: number) => number, noise: number, seed: number): { t: number[]; v: number[] } {
  const rng = mulberry32(seed);
  const t = times(n);
  return { t, v: t.map((x) => f(x) + noise * normalDraw(rng)) };
}

test('theilSen: exact line, and robust to a wild point', () => {
  const t = times(20);
  const v = t.map((x) => 3 + 2 * x);
  const exact = theilSen(t, v);
  assert.equal(exact.slope, 2);
  v[5] = 1e9;
  assert.equal(theilSen(t, v).slope, 2);
});

test('flat noisy RSS is not drifting (20 seeds)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { t, v } = series(120, () => 100 * MIB, 0.5 * MIB, seed);
    const d = estimateDrift('rss_bytes', t, v);
    assert.equal(d.drifting, false, `seed ${seed}: ${d.reason}`);
    assert.equal(d.samples, 120);
  }
});

test('steady leak is drifting, with the true slope inside the interval', () => {
  const slope = 0.2 * MIB; // bytes/s: 24 MiB over 2 minutes
  let covered = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const { t, v } = series(120, (x) => 100 * MIB + slope * x, 0.5 * MIB, seed);
    const d = estimateDrift('rss_bytes', t, v, { requests: 12_000 });
    assert.equal(d.drifting, true, `seed ${seed}: ${d.reason}`);
    assert.ok(Math.abs(d.slope_per_s / slope - 1) < 0.05, `seed ${seed}: slope ${d.slope_per_s / MIB} MiB/s`);
    if (d.ci_low <= slope && slope <= d.ci_high) covered++;
    assert.ok(Math.abs(d.growth - slope * 119) < 0.05 * slope * 119);
    assert.ok(Math.abs(d.per_request! - d.growth / 12_000) < 1e-9);
    assert.match(d.reason!, /grows/);
  }
  // A 95% interval on independent noise: expect ~19 of 20.
  assert.ok(covered >= 17, `covered ${covered}/20`);
});

test('a significant but immaterial slope is not a leak', () => {
  // 1 MiB over 2 minutes on a 100 MiB process: clearly rising, but below 5% and 4 MiB.
  const { t, v } = series(120, (x) => 100 * MIB + (MIB / 120) * x, 0.01 * MIB, 2);
  const d = estimateDrift('rss_bytes', t, v);
  assert.ok(d.ci_low > 0);
  assert.equal(d.drifting, false);
  assert.match(d.reason!, /below the material threshold/);
});

test('a one-off step (warm-up) is not called a leak', () => {
  for (const stepAtS of [5, 25, 40]) {
    const { t, v } = series(120, (x) => (x < stepAtS ? 100 * MIB : 150 * MIB), 0.5 * MIB, stepAtS);
    const d = estimateDrift('rss_bytes', t, v);
    assert.equal(d.drifting, false, `step at ${stepAtS}s: ${d.reason}`);
  }
});

test('a GC sawtooth with no net growth is not drifting, the same sawtooth on a leak is', () => {
  const saw = (x: number) => 100 * MIB + 20 * MIB * ((x % 20) / 20);
  for (let seed = 1; seed <= 10; seed++) {
    const { t, v } = series(120, saw, 0.3 * MIB, seed);
    const d = estimateDrift('rss_bytes', t, v);
    assert.equal(d.drifting, false, `seed ${seed}: ${d.reason}`);
  }
  const { t, v } = series(120, (x) => saw(x) + 0.3 * MIB * x, 0.3 * MIB, 1);
  assert.equal(estimateDrift('rss_bytes', t, v).drifting, true);
});

test('file descriptors: integer series with many ties', () => {
  const rng = mulberry32(9);
  const t = times(300);
  const steady = t.map(() => 12 + (rng() < 0.1 ? 1 : 0));
  assert.equal(estimateDrift('fds', t, steady).drifting, false);
  const leaking = t.map((x) => 12 + Math.floor(x / 10) + (rng() < 0.1 ? 1 : 0)); // +1 every 10 s: +30
  const d = estimateDrift('fds', t, leaking, { requests: 3000 });
  assert.equal(d.drifting, true, d.reason);
  assert.ok(Math.abs(d.slope_per_s - 0.1) < 0.01);
  assert.ok(d.per_request! > 0.009 && d.per_request! < 0.011);
});

test('threads: two extra threads are not material, a growing count is', () => {
  const t = times(60);
  assert.equal(estimateDrift('threads', t, t.map((x) => 14 + (x > 30 ? 2 : 0))).drifting, false);
  assert.equal(estimateDrift('threads', t, t.map((x) => 14 + Math.floor(x / 6))).drifting, true);
});

test('long series are thinned to the cap and stay fast', () => {
  const { t, v } = series(20_000, (x) => 100 * MIB + 0.01 * MIB * x, 0.5 * MIB, 4);
  const started = performance.now();
  const d = estimateDrift('rss_bytes', t, v);
  const elapsedMs = performance.now() - started;
  assert.equal(d.samples, MAX_DRIFT_SAMPLES);
  assert.equal(d.drifting, true);
  assert.ok(elapsedMs < 5000, `${elapsedMs} ms`);
});

test('too few samples and bad input', () => {
  const d = estimateDrift('fds', [0, 1, 2], [1, 2, 3]);
  assert.equal(d.drifting, false);
  assert.match(d.reason!, /at least/);
  assert.throws(() => estimateDrift('fds', [0, 1], [1]), RangeError);
  assert.deepEqual(JSON.parse(JSON.stringify(estimateDrift('fds', times(10), times(10)))).metric, 'fds');
});

test('an fd leak that ran into the descriptor limit is still a leak; the same plateau below any limit is a one-off step', () => {
  // 13 samples over 3 s: +6,000 fds/s until the limit of 20,000, then flat (EMFILE: nothing more opens).
  const t = Array.from({ length: 13 }, (_, i) => i * 0.25);
  const v = t.map((s) => Math.min(20_000, 2_000 + 6_000 * s * 1.6));
  const capped = estimateDrift('fds', t, v, { ceiling: 20_000 });
  assert.equal(capped.drifting, true, capped.reason);
  assert.match(capped.reason ?? '', /until it reached its limit of 20,000 descriptors/);
  const noLimit = estimateDrift('fds', t, v);
  assert.equal(noLimit.drifting, false, noLimit.reason);
  assert.match(noLimit.reason ?? '', /did not persist/);
  // A limit far above the plateau changes nothing.
  assert.equal(estimateDrift('fds', t, v, { ceiling: 1_048_576 }).drifting, false);
});
