import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLatencyKnee, type RampPoint } from '../../src/analysis/knee.js';
import { mulberry32, normalDraw } from '../../src/random.js';

function ramp(loads: number[], p99: (x: number) => number, throughput: (x: number) => number = (x) => x): RampPoint[] {
  return loads.map((x) => ({ offered_rps: x, throughput_rps: throughput(x), p99_ms: p99(x) }));
}
const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

test('M/M/1-like curve: the knee sits where queueing takes over, below capacity', () => {
  const capacity = 1000; // μ, rps
  const serviceMs = 2;
  const points = ramp(range(50, 950, 50), (x) => serviceMs / (1 - x / capacity));
  const knee = findLatencyKnee(points);
  assert.equal(knee.method, 'kneedle');
  assert.ok(knee.knee_rps !== null);
  // For 1/(1−ρ) sampled to ρ=0.95 the bend lies between ρ≈0.6 and ρ≈0.9.
  assert.ok(knee.knee_rps >= 600 && knee.knee_rps <= 900, `knee at ${knee.knee_rps}`);
  // The floor is ramp-rules' findFloorP99Ms: the lowest p99 of the 3 lightest loads (it was their
  // median, p99 at 100 rps, before the one floor rule of issue 10).
  assert.ok(Math.abs(knee.floor_p99_ms - serviceMs / (1 - 50 / capacity)) < 1e-9, 'floor = lowest p99 of the 3 lowest loads');
  assert.match(knee.reason, new RegExp(`leaves its floor of ${Math.round(knee.floor_p99_ms * 100) / 100} ms`));
  assert.equal(points[knee.knee_index!].offered_rps, knee.knee_rps);
});

test('hockey stick: the knee is the corner', () => {
  const points = ramp(range(100, 1500, 100), (x) => (x <= 800 ? 10 : 10 + (x - 800) * 0.5));
  const knee = findLatencyKnee(points);
  assert.equal(knee.knee_rps, 800);
  assert.equal(knee.floor_p99_ms, 10);
  assert.match(knee.reason, /800 rps/);
});

test('noisy hockey stick: the knee is within one step of the corner in every seeded trial', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const rng = mulberry32(seed);
    const points = ramp(range(100, 1500, 100), (x) => (x <= 800 ? 10 : 10 + (x - 800) * 0.5) * (1 + 0.05 * normalDraw(rng)));
    const knee = findLatencyKnee(points);
    assert.ok(knee.knee_rps !== null && Math.abs(knee.knee_rps - 800) <= 100, `seed ${seed}: knee at ${knee.knee_rps}`);
  }
});

test('flat curve: no knee, with the load it held', () => {
  const rng = mulberry32(3);
  const points = ramp(range(100, 1500, 100), () => 10 * (1 + 0.05 * normalDraw(rng)));
  const knee = findLatencyKnee(points);
  assert.equal(knee.knee_index, null);
  assert.equal(knee.knee_rps, null);
  assert.equal(knee.method, 'flat');
  assert.match(knee.reason, /latency stayed at its floor up to 1,500 rps/);
});

test('a straight line rising from the start has no knee', () => {
  const points = ramp(range(100, 1000, 100), (x) => x / 10);
  const knee = findLatencyKnee(points);
  assert.equal(knee.knee_rps, null);
  assert.match(knee.reason, /without a distinct bend/);
});

test('too few points', () => {
  const knee = findLatencyKnee(ramp([100, 200], (x) => x));
  assert.equal(knee.knee_index, null);
  assert.match(knee.reason, /at least 3 load levels/);
  assert.equal(findLatencyKnee([]).knee_rps, null);
});

test('unsorted input: knee_index refers to the caller array', () => {
  const points = ramp(range(100, 1500, 100), (x) => (x <= 800 ? 10 : 10 + (x - 800) * 0.5)).reverse();
  const knee = findLatencyKnee(points);
  assert.equal(knee.knee_rps, 800);
  assert.equal(points[knee.knee_index!].offered_rps, 800);
});

test('sensitivity: a high S refuses a mild bend that S=1 accepts', () => {
  const points = ramp(range(100, 1000, 100), (x) => 10 + ((x / 1000) ** 2) * 10);
  assert.notEqual(findLatencyKnee(points, { sensitivity: 1 }).knee_rps, null);
  assert.equal(findLatencyKnee(points, { sensitivity: 5 }).knee_rps, null);
});

test('capacity at the SLO: latency, errors and keeping up all count', () => {
  // p99 crosses 20 ms just above 800 rps; the server tops out at 1200 rps.
  const points = ramp(range(100, 1500, 100), (x) => (x <= 800 ? 10 : 10 + (x - 800) * 0.5), (x) => Math.min(x, 1200));
  assert.equal(findLatencyKnee(points, { sloP99Ms: 20 }).capacity_at_slo_rps, 800);
  // Without an SLO only errors and keeping up apply: 1200 kept up, 1300 did not (1200/1300 < 0.95).
  assert.equal(findLatencyKnee(points).capacity_at_slo_rps, 1200);
  const withErrors = points.map((p) => ({ ...p, error_rate: p.offered_rps >= 700 ? 0.02 : 0 }));
  assert.equal(findLatencyKnee(withErrors, { sloP99Ms: 20 }).capacity_at_slo_rps, 600);
  assert.equal(findLatencyKnee(withErrors, { sloP99Ms: 20, maxErrorRate: 0.05 }).capacity_at_slo_rps, 800);
  assert.equal(findLatencyKnee(points, { sloP99Ms: 5 }).capacity_at_slo_rps, null);
});

test('a ramp that breaks before latency bends: the knee is the last load served', () => {
  // Load shedding with fast 503s from 900 rps on: p99 never rises, errors do.
  const shedding = ramp(range(100, 1500, 100), () => 10).map((p) => ({ ...p, error_rate: p.offered_rps >= 900 ? 0.3 : 0 }));
  const k1 = findLatencyKnee(shedding);
  assert.equal(k1.knee_rps, 800);
  assert.equal(k1.method, 'first-failure');
  assert.match(k1.reason, /errors reached 30%/);
  // The server cannot hold the rate above 1,000 rps while latency creeps up gently.
  const capped = ramp(range(100, 1500, 100), (x) => 10 + x / 1000, (x) => Math.min(x, 1000));
  const k2 = findLatencyKnee(capped);
  assert.equal(k2.knee_rps, 1100, k2.reason); // 1000/1100 = 0.91 still held; 1000/1200 < 0.9 broke
  assert.match(k2.reason, /achieved only 1,000 rps/);
  // Broken from the start: no knee.
  const dead = ramp(range(100, 500, 100), () => 10).map((p) => ({ ...p, error_rate: 1 }));
  assert.equal(findLatencyKnee(dead).knee_rps, null);
  // Latency that bends before the ramp breaks keeps its Kneedle knee.
  const bends = ramp(range(100, 1500, 100), (x) => (x <= 800 ? 10 : 10 + (x - 800) * 0.5)).map((p) => ({ ...p, error_rate: p.offered_rps >= 1200 ? 0.05 : 0 }));
  const k3 = findLatencyKnee(bends);
  assert.equal(k3.knee_rps, 800);
  assert.equal(k3.method, 'kneedle');
});
