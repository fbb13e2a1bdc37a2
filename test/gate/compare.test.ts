import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT } from '../../src/exit-codes.js';
import { compareSides, decideOutcome } from '../../src/gate/compare-sides.js';
import { parseMetricSpec } from '../../src/gate/metric-spec.js';
import { sampleFromRun } from '../../src/gate/run-sample.js';
import { scheduleRuns } from '../../src/gate/schedule.js';
import { fakeRecord, sample, samples } from './fixtures.js';

const P50 = parseMetricSpec('p50 +10%');
const TP = parseMetricSpec('throughput -10%');
const FD = parseMetricSpec('fd_slope 0');

test('a 20% slower B is a regression on p50 and throughput; exit 1', () => {
  const A = samples('A', 100, 6);
  const B = samples('B', 120, 6);
  const results = compareSides([P50, TP], A, B, 0.01);
  assert.equal(results[0].verdict, 'regression');
  assert.ok(results[0].ratio! > 1.15 && results[0].ratio! < 1.25);
  assert.equal(results[1].verdict, 'regression');
  const outcome = decideOutcome(results, B, false);
  assert.equal(outcome.outcome, 'regression');
  assert.equal(outcome.exitCode, EXIT.REGRESSION);
  assert.match(outcome.summary, /p50, throughput/);
});

test('a significant change within the budget is not a regression', () => {
  const results = compareSides([P50], samples('A', 100, 6), samples('B', 105, 6), 0.01);
  assert.equal(results[0].verdict, 'no_change');
  assert.equal(decideOutcome(results, [], false).exitCode, EXIT.OK);
});

test('identical sides: no change; too few runs: inconclusive, exit 3 only when asked', () => {
  assert.equal(compareSides([P50], samples('A', 100, 6), samples('B', 100, 6), 0.01)[0].verdict, 'no_change');
  const noisyA = [90, 130].map((v, i) => sample('A', i + 1, { p50: v }));
  const noisyB = [95, 125].map((v, i) => sample('B', i + 1, { p50: v }));
  const results = compareSides([P50], noisyA, noisyB, 0.01);
  assert.equal(results[0].verdict, 'inconclusive');
  assert.ok(results[0].runs_needed !== null && results[0].runs_needed > 2);
  assert.equal(decideOutcome(results, noisyB, false).exitCode, EXIT.OK);
  assert.equal(decideOutcome(results, noisyB, true).exitCode, EXIT.INCONCLUSIVE);
});

test('an improvement passes and is named', () => {
  const results = compareSides([P50], samples('A', 120, 6), samples('B', 100, 6), 0.01);
  assert.equal(results[0].verdict, 'improvement');
  const outcome = decideOutcome(results, [], false);
  assert.equal(outcome.outcome, 'pass');
  assert.match(outcome.summary, /improved: p50/);
});

test('slopes: most B runs drifting is a regression; one is not', () => {
  const A = samples('A', 100, 6, () => ({ fd_slope: 0 }));
  const leaking = samples('B', 100, 6, () => ({ fd_slope: 2 })).map((s) => ({ ...s, drifting: { fd_slope: true } }));
  const r = compareSides([FD], A, leaking, 0.01)[0];
  assert.equal(r.verdict, 'regression');
  assert.equal(r.b_drifting, 6);
  assert.equal(r.ratio, null);
  const once = samples('B', 100, 6, (i) => ({ fd_slope: i === 0 ? 2 : 0 })).map((s, i) => ({ ...s, drifting: { fd_slope: i === 0 } }));
  assert.equal(compareSides([FD], A, once, 0.01)[0].verdict, 'no_change');
  const fixed = compareSides([FD], leaking.map((s) => ({ ...s, side: 'A' as const })), A.map((s) => ({ ...s, side: 'B' as const })), 0.01)[0];
  assert.equal(fixed.verdict, 'improvement');
});

test('a crashed B target fails the gate whatever the metrics say', () => {
  const B = samples('B', 100, 6);
  B[2] = { ...B[2], target_died: true };
  const outcome = decideOutcome(compareSides([P50], samples('A', 100, 6), B, 0.01), B, false);
  assert.equal(outcome.exitCode, EXIT.REGRESSION);
  assert.match(outcome.summary, /target exited in 1 run/);
});

test('a side without values is inconclusive, not a crash', () => {
  const A = samples('A', 100, 6);
  const B = [sample('B', 1, {}), sample('B', 2, {})];
  const r = compareSides([P50], A, B, 0.01)[0];
  assert.equal(r.verdict, 'inconclusive');
  assert.match(r.reason, /side B produced no value/);
});

test('run records reduce to samples; warm-up probes are left out of slopes', () => {
  const s = sampleFromRun(fakeRecord(20, { fdGrowthPerS: 4 }), 'B', 3, false);
  assert.equal(s.values.p50, 20);
  assert.equal(s.values.p99, 30);
  assert.equal(s.values.error_rate, 0);
  assert.ok(Math.abs(s.values.fd_slope! - 4) < 1e-9);
  assert.equal(s.drifting.fd_slope, true);
  const flat = sampleFromRun(fakeRecord(20), 'A', 1, false);
  assert.equal(flat.values.fd_slope, 0);
  assert.equal(flat.drifting.fd_slope, false);
});

test('ABBA schedule: each side equally often, balanced positions', () => {
  assert.deepEqual(scheduleRuns(3, 'abba').join(''), 'ABBAAB');
  assert.deepEqual(scheduleRuns(3, 'abab').join(''), 'ABABAB');
  const order = scheduleRuns(6, 'abba');
  const mean = (side: string) => order.reduce((a, s, i) => a + (s === side ? i : 0), 0) / 6;
  assert.equal(mean('A'), mean('B'));
});
