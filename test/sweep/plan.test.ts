import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSetting } from '../../src/config/settings.js';
import { CpdiagError } from '../../src/exit-codes.js';
import { parseRange, parseValueList, parseValuesOrRange, sweepableSetting } from '../../src/sweep/parse-values.js';
import { powersOfTwo, refineValues } from '../../src/sweep/plan-values.js';
import { BISECT_RATIO, closedLadder, nextLevelRps, predictCapacity, type LadderPoint } from '../../src/sweep/plan-ladder.js';

const pool = findSetting('thread_pool')!;
const timeout = findSetting('socket_timeout')!;

test('value lists are sorted, de-duplicated and checked against the setting', () => {
  assert.deepEqual(parseValueList('8, 1,2,4,2', pool), [1, 2, 4, 8]);
  assert.deepEqual(parseValueList('0.5,1,2.5', timeout), [0.5, 1, 2.5]);
  assert.throws(() => parseValueList('1,two', pool), (e: unknown) => e instanceof CpdiagError && /"two" is not a number/.test(e.message));
  assert.throws(() => parseValueList('0,1', pool), (e: unknown) => e instanceof CpdiagError && /at least 1/.test(e.message));
  assert.throws(() => parseValueList('1.5', pool), (e: unknown) => e instanceof CpdiagError && /whole number/.test(e.message));
  assert.throws(() => parseValueList('', pool), CpdiagError);
});

test('ranges: geometric x2 and arithmetic +step include the end when they land on it', () => {
  assert.deepEqual(parseRange('1:64:x2', pool), [1, 2, 4, 8, 16, 32, 64]);
  assert.deepEqual(parseRange('10:50:+10', pool), [10, 20, 30, 40, 50]);
  assert.deepEqual(parseRange('10:45:10', pool), [10, 20, 30, 40]);
  assert.deepEqual(parseRange('1:10:x1.5', pool), [1, 2, 3, 5, 8]);
  assert.deepEqual(parseRange('0.5:2:+0.5', timeout), [0.5, 1, 1.5, 2]);
  assert.deepEqual(parseValuesOrRange('2:8:x2', pool, '--values'), [2, 4, 8]);
  for (const bad of ['1:64', '64:1:x2', '1:64:x1', '0:64:x2', '1:64:+0', 'a:b:c']) {
    assert.throws(() => parseRange(bad, pool), CpdiagError, bad);
  }
  assert.throws(() => parseRange('1:100000:+1', pool), /more than the 64/);
});

test('only numeric, non-port settings can be swept', () => {
  assert.equal(sweepableSetting('thread-pool').name, 'thread_pool');
  assert.equal(sweepableSetting('server.socket_queue_size').name, 'socket_queue_size');
  assert.throws(() => sweepableSetting('gil'), /not numeric/);
  assert.throws(() => sweepableSetting('socket_port'), /chosen by cpdiag/);
  assert.throws(() => sweepableSetting('nope'), /unknown setting/);
});

test('refinement adds the midpoints on both sides of the knee, never a measured value', () => {
  const measured = [1, 2, 4, 8, 16, 32, 64].map((value) => ({ value, capacity_rps: Math.min(value * 45, 700) }));
  assert.deepEqual(refineValues(measured, 16, pool), [12, 24]);
  assert.deepEqual(refineValues(measured, 1, pool), []); // 1.5 rounds to 2, already measured
  assert.deepEqual(refineValues(measured, 64, pool), [48]);
  assert.deepEqual(refineValues(measured, null, pool), []);
  assert.deepEqual(refineValues([{ value: 1, capacity_rps: 1 }, { value: 2, capacity_rps: 2 }], 2, timeout), [1.5]);
  // The default sweep on a quiet machine: 16 is 17% below the plateau, so nothing up to 16 can be
  // within noise of the best and 12 is not worth a step; 24 is where the answer can land.
  const quiet = [2, 4, 8, 16, 32, 64].map((value) => ({ value, capacity_rps: ({ 2: 100, 4: 200, 8: 400, 16: 690, 32: 830, 64: 810 } as Record<number, number>)[value] }));
  assert.deepEqual(refineValues(quiet, 16, pool), [24]);
  // Within REFINE_REACH (15%) of the best, 16 could still be the answer's neighbour: both sides.
  assert.deepEqual(refineValues(quiet.map((m) => (m.value === 16 ? { ...m, capacity_rps: 720 } : m)), 16, pool), [12, 24]);
  // A failed neighbour (no capacity) is no reason to refine next to it.
  assert.deepEqual(refineValues([...quiet.filter((m) => m.value !== 64), { value: 64, capacity_rps: null }], 32, pool), [24]);
  assert.deepEqual(powersOfTwo(1, 64), [1, 2, 4, 8, 16, 32, 64]);
});

test('capacity prediction: N/S, capped by linear scaling from the nearest measured pool', () => {
  assert.equal(Math.round(predictCapacity({ value: 1, workers: 1, serviceTimeMs: 20, previous: [] })!), 50);
  const previous = [{ value: 8, workers: 8, capacity_rps: 300, max_throughput_rps: 420 }];
  // 16/0.02 = 800 vs 300·2 = 600: the neighbour bounds it.
  assert.equal(Math.round(predictCapacity({ value: 16, workers: 16, serviceTimeMs: 20, previous })!), 600);
  // A smaller pool than the neighbour: at most N/S.
  assert.equal(Math.round(predictCapacity({ value: 4, workers: 4, serviceTimeMs: 20, previous })!), 200);
  assert.equal(predictCapacity({ value: 4, workers: 4, previous: [] }), undefined);
});

function walk(predicted: number, capacity: number, firstFraction?: number): number[] {
  // A server that meets the SLO up to `capacity` and breaks the stop rule beyond 1.1×.
  const history: LadderPoint[] = [];
  for (let i = 0; i < 20; i++) {
    const rate = nextLevelRps(predicted, history, { maxLevels: 12, maxRps: 1e5, firstFraction });
    if (rate === null) break;
    history.push({ offered_rps: rate, ok: rate < capacity * 1.1, withinSlo: rate <= capacity });
  }
  return history.map((h) => h.offered_rps);
}

test('ladder: climbs by fractions of the prediction, stops past the knee, bisects the SLO gap', () => {
  const rates = walk(500, 500);
  assert.deepEqual(rates.slice(0, 5), [150, 300, 400, 480, 550]);
  // 550 > 1.1·500 breaks; the SLO gap 480..550 (15%) is bisected until under 5% (issue 11: the
  // ladder resolves capacity as finely as the recommendation's "near best" compares it):
  // 510 misses, 490 holds, 490..510 is 4%: stop.
  assert.deepEqual(rates, [150, 300, 400, 480, 550, 510, 490]);
  const coarse = walk(500, 200);
  // 150 ok, 300 breaks; bisect 150..300 → 210 (misses the SLO), then 150..210 → 180, 180..210 → 190,
  // 190..210 → 200 (holds); 200..210 is under 5%: stop.
  assert.deepEqual(coarse, [150, 300, 210, 180, 190, 200]);
  for (const [lo, hi] of [[490, 510], [200, 210]]) assert.ok(hi / lo <= BISECT_RATIO, `${lo}..${hi} within the tolerance`);
  assert.ok(coarse.every((r, i) => coarse.indexOf(r) === i), 'no rate is offered twice');
});

test('ladder: a first level that fails steps down, and a low prediction keeps climbing', () => {
  const rates = walk(3000, 200);
  assert.equal(rates[0], 900);
  assert.equal(rates[1], 300);
  assert.equal(rates[2], 100);
  assert.ok(rates.length <= 12);
  const low = walk(100, 1000);
  assert.equal(low.length, 12);
  assert.ok(Math.max(...low) >= 400, `climbed to ${Math.max(...low)}`);
  assert.equal(walk(1000, 1000, 0.5)[0], 500);
});

test('closed ladder: connection counts as multiples of the pool', () => {
  assert.deepEqual(closedLadder(8, 8), [4, 8, 12, 16, 24, 32, 48, 64]);
  assert.deepEqual(closedLadder(1, 3), [1, 2, 3]);
});

test('ladder: past the knee with nothing within the SLO, it steps down below the lowest rate', () => {
  const history: LadderPoint[] = [
    { offered_rps: 230, ok: true, withinSlo: false },
    { offered_rps: 280, ok: false, withinSlo: false },
  ];
  assert.equal(nextLevelRps(460, history, { maxLevels: 8, maxRps: 1e5 }), 77);
  history.push({ offered_rps: 77, ok: true, withinSlo: true });
  // Now bisect 77..230.
  assert.equal(nextLevelRps(460, history, { maxLevels: 8, maxRps: 1e5 }), 130);
  assert.equal(nextLevelRps(460, history, { maxLevels: 3, maxRps: 1e5 }), null);
});

test('ladder: past the knee by the floor rule but still within the SLO, it climbs on (twice at most)', () => {
  const history: LadderPoint[] = [
    { offered_rps: 50, ok: true, withinSlo: true },
    { offered_rps: 110, ok: true, withinSlo: true },
    { offered_rps: 140, ok: false, withinSlo: true },
  ];
  assert.equal(nextLevelRps(190, history, { maxLevels: 8, maxRps: 1e5 }), 160);
  history.push({ offered_rps: 160, ok: false, withinSlo: false });
  // Now the SLO is crossed between 140 and 160 (14%): bisected to within 5% (issue 11; under the
  // old 1.2× rule this was done). 150 holds; 150..160 needs the fine rounding: 155.
  assert.equal(nextLevelRps(190, history, { maxLevels: 8, maxRps: 1e5 }), 150);
  history.push({ offered_rps: 150, ok: false, withinSlo: true });
  assert.equal(nextLevelRps(190, history, { maxLevels: 8, maxRps: 1e5 }), 155);
  history.push({ offered_rps: 155, ok: false, withinSlo: false });
  assert.equal(nextLevelRps(190, history, { maxLevels: 8, maxRps: 1e5 }), null, '150..155 is within 5%: done');
});
