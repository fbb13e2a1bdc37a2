import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MAX_ERROR_RATE,
  FLOOR_PER_SERVICE_TIME,
  findCapacityIndex,
  findFirstFailureIndex,
  findFloorP99Ms,
  implausibleTail,
  isErrorRateWithinSlo,
  isP99WithinSlo,
  isWithinSlo,
  keptUp,
  looksLikeStall,
  rampStopReason,
  servingFailure,
  type RampPoint,
} from '../../src/analysis/ramp-rules.js';
import { syntheticStep } from '../sweep/synthetic-doc.js';
import type { SweepLevel } from '../../src/sweep/sweep-document.js';

/** A sweep level, checked as one (a sweep level is what the ramp hands the stall rules). */
const level = (l: SweepLevel): SweepLevel => l;

const pt = (offered: number, p99: number, extra: Partial<RampPoint> = {}): RampPoint => ({ offered_rps: offered, throughput_rps: offered, p99_ms: p99, ...extra });

test('floor: the lowest p99 of the 3 lightest levels, in any order', () => {
  assert.equal(findFloorP99Ms([pt(300, 40), pt(100, 12), pt(200, 11), pt(50, 13)]), 11);
  // A heavier level's low p99 (beyond the 3 lightest) is not the floor.
  assert.equal(findFloorP99Ms([pt(100, 12), pt(200, 14), pt(300, 13), pt(400, 5)]), 12);
  assert.equal(findFloorP99Ms([pt(100, 12)]), 12);
});

test('floor: a ladder that started past the knee is capped at 2 service times', () => {
  assert.equal(FLOOR_PER_SERVICE_TIME, 2);
  assert.equal(findFloorP99Ms([pt(550, 68.2), pt(830, 67.8), pt(960, 1062)], 21.9), 43.8);
  // The cap does not raise a lower floor.
  assert.equal(findFloorP99Ms([pt(550, 30), pt(830, 67.8)], 21.9), 30);
  assert.equal(findFloorP99Ms([pt(550, 68.2)], 0), 68.2, 'a service time of 0 is no measurement');
});

test('floor: the shipped example\'s pool 64, where the median said 79.2 ms and the summary 30.5 ms', () => {
  // Levels in measured order (bisection added 810 and 900 after 1330 stopped the ramp).
  const levels = [pt(660, 79.231), pt(1000, 283.135), pt(1330, 816.127), pt(810, 30.479), pt(900, 1263.615)];
  assert.equal(findFloorP99Ms(levels), 30.479);
  assert.equal(findFloorP99Ms(levels, 21.907), 30.479);
});

test('floor: levels without a p99 are left out; none at all is NaN', () => {
  assert.equal(findFloorP99Ms([pt(100, NaN), pt(200, 20), pt(300, 30)]), 20);
  assert.ok(Number.isNaN(findFloorP99Ms([])));
  assert.ok(Number.isNaN(findFloorP99Ms([pt(100, NaN)])));
  assert.ok(Number.isNaN(findFloorP99Ms([], 20)), 'no level, no floor, whatever the service time');
});

test('within the SLO: p99, errors and keeping up each count', () => {
  const slo = { p99Ms: 250, maxErrorRate: 0.01 };
  assert.equal(isWithinSlo(pt(100, 250), slo), true, 'the limit itself is within');
  assert.equal(isWithinSlo(pt(100, 250.1), slo), false);
  assert.equal(isWithinSlo(pt(100, 20, { error_rate: 0.01 }), slo), true);
  assert.equal(isWithinSlo(pt(100, 20, { error_rate: 0.011 }), slo), false);
  assert.equal(isWithinSlo(pt(100, 20, { throughput_rps: 95 }), slo), true, '95% of offered kept up');
  assert.equal(isWithinSlo(pt(100, 20, { throughput_rps: 94.9 }), slo), false);
  assert.equal(isWithinSlo(pt(100, NaN), slo), false, 'no p99 (nothing succeeded) is not within');
  assert.equal(isWithinSlo(pt(100, 5000), { maxErrorRate: 0.01 }), true, 'without a p99 limit only errors and keeping up count');
  assert.equal(isWithinSlo(pt(100, 20, { error_rate: 0.011 }), {}), false, 'the default error limit');
  assert.equal(DEFAULT_MAX_ERROR_RATE, 0.01);
  assert.equal(isP99WithinSlo(300, { p99Ms: 250 }), false);
  assert.equal(isErrorRateWithinSlo(undefined, {}), true);
  assert.equal(keptUp(pt(100, 1, { throughput_rps: 96 })), true);
});

test('capacity: the highest offered load within the SLO, as an index into the caller\'s order', () => {
  const slo = { p99Ms: 100, maxErrorRate: 0.01 };
  const levels = [pt(100, 20), pt(300, 400), pt(200, 80), pt(250, 20, { error_rate: 0.05 })];
  assert.equal(findCapacityIndex(levels, slo), 2);
  assert.equal(findCapacityIndex([pt(100, 200)], slo), null);
  assert.equal(findCapacityIndex([], slo), null);
  assert.equal(findCapacityIndex([pt(100, 20), pt(100, 30)], slo), 0, 'the first of equal loads');
});

test('capacity: the highest rate below the FIRST level (in load order) that fails the SLO (issue 11)', () => {
  const slo = { p99Ms: 250, maxErrorRate: 0.01 };
  // The issue's non-monotone ramp: 300 missed the SLO, so 400's pass was luck, not capacity.
  const levels = [pt(100, 5), pt(200, 8), pt(300, 300), pt(400, 9)];
  assert.equal(findFirstFailureIndex(levels, slo), 2);
  assert.equal(levels[findCapacityIndex(levels, slo)!].offered_rps, 200);
  // In any order of measurement (a bisected level comes after the top).
  const measured = [pt(400, 9), pt(100, 5), pt(300, 300), pt(200, 8)];
  assert.equal(measured[findCapacityIndex(measured, slo)!].offered_rps, 200);
  // Errors and the completion ratio fail a level as p99 does.
  assert.equal(levels[findCapacityIndex([pt(100, 5), pt(200, 8, { error_rate: 0.02 }), pt(400, 9)], slo)!].offered_rps, 100);
  assert.equal(findCapacityIndex([pt(100, 5, { completion_ratio: 0.8 }), pt(200, 8)], slo), null, 'the lightest level fell short of its offered rate');
  // The completion ratio, when measured, is what "kept up" reads (not throughput ÷ offered).
  assert.equal(keptUp(pt(100, 5, { completion_ratio: 0.94 })), false);
  assert.equal(keptUp(pt(100, 5, { throughput_rps: 80, completion_ratio: 0.99 })), true);
  assert.equal(findFirstFailureIndex([pt(100, 5), pt(200, 8)], slo), null);
  // Closed loop: load order is the connection count; a collapsed level's low throughput does not
  // put it below the levels it came after.
  const closed = [pt(200, 20, { load_order: 4 }), pt(380, 90, { load_order: 8 }), pt(300, 900, { load_order: 16 })];
  assert.equal(findCapacityIndex(closed, slo), 1);
});

test('serving failure (the knee\'s "broken"): errors over the limit, or under 90% of the rate held', () => {
  assert.equal(servingFailure(pt(100, 20)), null);
  assert.equal(servingFailure(pt(100, 20, { error_rate: 0.3 })), 'errors reached 30%');
  assert.equal(servingFailure(pt(100, 20, { error_rate: 0.3 }), 0.5), null);
  assert.equal(servingFailure(pt(1200, 20, { throughput_rps: 1000 })), 'it achieved only 1,000 rps');
  assert.equal(servingFailure(pt(1100, 20, { throughput_rps: 1000 })), null, '91% held');
});

// Moved from knee.test.ts ('shouldStopRamp: ...') with the stop rules; shouldStopRamp(...) was
// rampStopReason(...) !== null and is gone.
test('stop: past 10× floor, >1% errors, or not keeping up', () => {
  const ok = [{ offered_rps: 100, throughput_rps: 100, p99_ms: 10 }, { offered_rps: 200, throughput_rps: 199, p99_ms: 40 }];
  assert.equal(rampStopReason(ok, 10) !== null, false);
  assert.equal(rampStopReason(ok, 10), null);
  assert.equal(rampStopReason([...ok, { offered_rps: 300, throughput_rps: 300, p99_ms: 101 }], 10) !== null, true);
  assert.match(rampStopReason([...ok, { offered_rps: 300, throughput_rps: 300, p99_ms: 101 }], 10)!, /over 10× the floor/);
  assert.equal(rampStopReason([...ok, { offered_rps: 300, throughput_rps: 300, p99_ms: 20, error_rate: 0.011 }], 10) !== null, true);
  assert.equal(rampStopReason([...ok, { offered_rps: 300, throughput_rps: 260, p99_ms: 20 }], 10) !== null, true);
  assert.equal(rampStopReason([...ok, { offered_rps: 300, throughput_rps: 275, p99_ms: 20 }], 10) !== null, false);
  assert.equal(rampStopReason([], 10) !== null, false);
});

test('stop: the latest level is judged (a bisected level below the top), and p99 over 4× the SLO', () => {
  const top = pt(1330, 816);
  const bisected = pt(810, 30);
  assert.equal(rampStopReason([top, bisected], 43.8), null, 'the latest, not the highest load');
  assert.match(rampStopReason([bisected, top], 43.8)!, /^p99 816 ms is over 10× the floor of 43.8 ms at 1,330 rps$/);
  // A high floor hides the 10× rule; the SLO's still stops the ramp.
  assert.equal(rampStopReason([pt(100, 1100)], 200), null);
  assert.match(rampStopReason([pt(100, 1100)], 200, { sloP99Ms: 250 })!, /^p99 1,100 ms is over 4× the SLO of 250 ms at 100 rps$/);
  assert.match(rampStopReason([pt(100, 20, { error_rate: 0.02 })], 10)!, /^error rate 2% exceeds 1% at 100 rps$/);
  assert.equal(rampStopReason([pt(100, 20, { error_rate: 0.02 })], 10, { maxErrorRate: 0.05 }), null);
  assert.match(rampStopReason([pt(100, 20, { throughput_rps: 80 })], 10)!, /below 90%\): the rate cannot be held$/);
  assert.equal(rampStopReason([pt(100, 1e6)], NaN), null, 'no floor, no floor rule');
});

// Moved from test/sweep/analyze.test.ts with the stall rules (run-step.ts → ramp-rules.ts).
test('a stall outside the server: tail high, pool idle, Little says the time was spent elsewhere', () => {
  const step = syntheticStep(24, { serviceMs: 23, limitRps: 800 });
  const base = step.levels[1];
  const sat = { workers: 24, all_busy_share: 0, busy_mean: 6.7, queue_p50: 0, queue_p99: 0, queue_max: 0, samples: 10 };
  // Measured: 290 rps, p99 1256 ms, mean 63.5 ms, 6.7 of 24 busy (W = 23 ms), no queue.
  const stalled = { ...base, throughput_rps: 290, latency_ms: { ...base.latency_ms, p99: 1256, mean: 70.2 }, service_latency_ms: { ...base.latency_ms, p99: 1229, mean: 63.5 }, saturation: sat };
  assert.equal(looksLikeStall(stalled, 24, 0.01), true);
  // CPU-bound past its limit (64 workers, 820 rps, mean 97 ms, W = 78 ms): the time is inside.
  assert.equal(looksLikeStall(level({ ...stalled, throughput_rps: 820, service_latency_ms: { ...base.latency_ms, mean: 97 }, saturation: { ...sat, workers: 64, busy_mean: 64 } }), 64, 0.01), false);
  assert.equal(looksLikeStall({ ...stalled, saturation: { ...sat, queue_p99: 4 } }, 24, 0.01), false);
  assert.equal(looksLikeStall(level({ ...stalled, errors: { total: 9, rate: 0.03, by_kind: { timeout: 9 } } }), 24, 0.01), false);
  assert.equal(looksLikeStall({ ...stalled, saturation: undefined }, 24, 0.01), false);
});

test('implausible tail: p99 far above what M/M/c allows at moderate load, with the CPU far from its limit', () => {
  const base = syntheticStep(4, { serviceMs: 22, limitRps: 800 }).levels[0];
  // Measured: pool 4, 110 rps offered (ρ = 0.6), p99 1059 ms, 35% CPU.
  const paused = { ...base, offered_rps: 110, throughput_rps: 110, latency_ms: { ...base.latency_ms, p99: 1059 }, cpu_percent_mean: 35 };
  assert.equal(implausibleTail(paused, 4, 22), true);
  assert.equal(implausibleTail({ ...paused, latency_ms: { ...base.latency_ms, p99: 180 } }, 4, 22), false, 'a plausible tail');
  assert.equal(implausibleTail({ ...paused, offered_rps: 170 }, 4, 22), false, 'ρ = 0.94: anything goes');
  assert.equal(implausibleTail({ ...paused, cpu_percent_mean: 95 }, 4, 22), false, 'CPU at its (GIL) limit');
  assert.equal(implausibleTail(paused, 4, undefined), false);
});
