// Issue 11: a recommendation a user can stake a production setting on — the smallest value within
// noise of the best, a range with its uncertainty, the machine's CPU named when it was the limit,
// nothing recommended from too few steps, and the models' disagreement explained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uslPredict } from '../../src/analysis/usl.js';
import { analyzeSweep, type AnalyzeOptions } from '../../src/sweep/analyze-sweep.js';
import { repeatCandidates } from '../../src/sweep/execute-sweep.js';
import { findMachineLimit } from '../../src/sweep/machine-limit.js';
import type { SweepStep } from '../../src/sweep/sweep-document.js';
import { syntheticStep, stepWith, withMachine } from './synthetic-doc.js';
import { rampPoint } from '../../src/sweep/summarize-step.js';
import { isWithinSlo } from '../../src/analysis/ramp-rules.js';

const OPTS: AnalyzeOptions = { setting: 'thread_pool', sloP99Ms: 250, maxErrorRate: 0.01, mixPaths: ['GET /work?io_ms=20&cpu_ms=1'], levelS: 1, plannedValues: [1, 2, 4, 8, 16, 32, 64] };


test('USL data (λ 50, σ 0.05, κ 0.002): the recommendation is 16 or 24, not 8, and the report says why', () => {
  const truth = { lambda: 50, sigma: 0.05, kappa: 0.002 };
  const values = [1, 2, 4, 8, 12, 16, 24, 32, 64];
  const steps = values.map((n) => stepWith(n, Math.round(uslPredict(truth, n))));
  const a = analyzeSweep(steps, OPTS);
  assert.ok(a.recommendation.value === 16 || a.recommendation.value === 24, `recommended ${a.recommendation.value}: ${a.recommendation.reason}`);
  // The fit is good and its peak is inside the range: N* ≈ 21.8 with an interval.
  assert.ok(a.usl?.ok && a.usl.r2 >= 0.95);
  assert.ok(a.usl.peak?.n_star !== null && Math.abs(a.usl.peak!.n_star! - 21.8) < 1, a.usl.peak?.text);
  // The roofline knee says 8 here (the rule that used to pick it): the report names both.
  assert.equal(a.knee?.value, 8, JSON.stringify(a.knee));
  assert.match(a.recommendation.models ?? '', /the USL fit \(R² [\d.]+\) and the capacity knee disagree: the fit comes within 5% of its best at 16, N\* ≈ [\d.]+ \(95% bootstrap interval [\d.]+–[\d.]+\), the knee \(roofline min\(a·N, P\)\) is at 8\. The recommendation, 16, agrees with the fit: it is the smallest value whose measured capacity is within noise of the best measured \(24\)/);
  assert.match(a.recommendation.range!.text, /^16–32: capacity within noise of the best; 24 gives \+2\.\d+% \(one run each: no noise estimate, so no ±\)$/);
});

test('repeats: the range and "+x% ± y%" come from the runs; more noise widens the range, never moves the answer out of it', () => {
  const caps: Record<number, number[]> = { 4: [180], 8: [360], 12: [520], 16: [700, 650, 690], 24: [730, 760, 700], 32: [740, 700, 760], 64: [720] };
  const steps = Object.entries(caps).flatMap(([v, runs]) => runs.map((c, i) => stepWith(Number(v), c, i === 0 ? 'plan' : 'repeat')));
  const a = analyzeSweep(steps, OPTS);
  const r = a.recommendation;
  assert.equal(r.value, 16);
  assert.match(r.range!.text, /^16–64: capacity within noise of the best; 32 gives \+[\d.]+% ± [\d.]+%$/);
  assert.equal(r.range!.low, 16);
  assert.ok(r.best && r.best.value === 32 && r.best.margin !== null && r.best.margin > 0);
  assert.match(r.test!, /one-sided t-test on log capacities, noise [\d.]+% per run pooled from the repeats, 6 degrees of freedom/);
  assert.deepEqual(r.candidates!.find((c) => c.value === 24)!.runs_rps, [730, 760, 700]);
  assert.match(r.cost!.text, /^each worker above 16 costs about 8\.0 MiB RSS and 1 OS thread; going from 16 to 64 adds about 384\.0 MiB and 48 threads$/);
  // The chart's capacity for a repeated value is the runs' geometric mean.
  assert.equal(r.candidates!.find((c) => c.value === 16)!.capacity_rps, Math.round(Math.cbrt(700 * 650 * 690) * 1000) / 1000);
  // Quiet repeats: 16 (−7%) is separated from the best now, and 24 is recommended.
  const quiet: Record<number, number[]> = { 4: [180], 8: [360], 12: [520], 16: [690, 695, 688], 24: [745, 742, 748], 32: [746, 744, 749], 64: [745] };
  const q = analyzeSweep(Object.entries(quiet).flatMap(([v, runs]) => runs.map((c, i) => stepWith(Number(v), c, i === 0 ? 'plan' : 'repeat'))), OPTS).recommendation;
  assert.equal(q.value, 24);
  assert.match(q.range!.text, /^24–64: capacity within noise of the best/);
});

test('the repeat candidates: the recommendation, the next smaller value and the best', () => {
  const caps: Record<number, number> = { 4: 180, 8: 360, 12: 520, 16: 700, 24: 730, 32: 745, 64: 720 };
  const steps = Object.entries(caps).map(([v, c]) => stepWith(Number(v), c));
  const a = analyzeSweep(steps, OPTS);
  assert.equal(a.recommendation.value, 24);
  assert.deepEqual(repeatCandidates(steps, a.recommendation), [{ value: 16, capacityRps: 700 }, { value: 24, capacityRps: 730 }, { value: 32, capacityRps: 745 }]);
  // Still growing: nothing to sharpen.
  const growing = analyzeSweep([1, 2, 4, 8].map((v) => stepWith(v, v * 45)), OPTS);
  assert.equal(growing.recommendation.range?.high, null);
  assert.match(growing.recommendation.range!.text, /^8 or more: capacity still grows at the largest value measured$/);
  assert.deepEqual(repeatCandidates([], growing.recommendation), []);
});

test('a sweep interrupted after one step recommends nothing and says what is missing', () => {
  const one = analyzeSweep([stepWith(1, 45)], OPTS);
  assert.equal(one.recommendation.value, null);
  assert.equal(one.recommendation.reason, 'no recommendation: only 1 value finished (thread_pool = 1), and at least 3 measured values are needed to see where capacity stops growing; 2, 4, 8, 16, 32, 64 were not measured');
  const two = analyzeSweep([stepWith(1, 45), stepWith(2, 90), { ...stepWith(4, 0), status: 'interrupted', capacity_rps: null }], OPTS);
  assert.equal(two.recommendation.value, null);
  assert.match(two.recommendation.reason, /^no recommendation: only 2 values finished \(thread_pool = 1, 2\)/);
  // Repeats of one value are one value.
  const repeated = analyzeSweep([stepWith(8, 360), stepWith(8, 350, 'repeat'), stepWith(16, 700)], OPTS);
  assert.equal(repeated.recommendation.value, null);
  assert.equal(analyzeSweep([stepWith(4, 180), stepWith(8, 360), stepWith(16, 700)], OPTS).recommendation.value, 16);
});


test('when the plateau coincides with the machine\'s CPU running out, the range is open above and says whose CPU it was', () => {
  // Capacity stops at 570 from pool 12 on; at the boundary the machine was 97% busy, 45% of it other processes.
  const caps: Record<number, number> = { 1: 45, 2: 90, 4: 181, 8: 362, 12: 543, 16: 570, 24: 570, 32: 570 };
  const busy = Object.entries(caps).map(([v, c]) => withMachine(stepWith(Number(v), c), Number(v) >= 12 ? 0.97 : 0.6, 0.45));
  const a = analyzeSweep(busy, OPTS);
  const r = a.recommendation;
  assert.equal(r.value, 12);
  assert.equal(r.range!.high, null);
  // A lower bound, placed where the roofline's line meets the machine's plateau (570 / 45.25 ≈ 12.6).
  assert.equal(r.range!.text, "12 or more: the plateau starts at N ≈ 12.6 on this machine (roofline knee), where this machine's CPU was the limit, 45% of it taken by other processes; re-run on a quiet machine to place the knee");
  assert.equal(r.machine_limit?.other_share, 0.45);
  assert.ok(r.cannot_tell.some((x) => /where the knee is on a machine of the target's own/.test(x)));
  // The same capacities on a machine with CPU to spare: a closed range, no machine limit.
  const quiet = analyzeSweep(Object.entries(caps).map(([v, c]) => withMachine(stepWith(Number(v), c), 0.7, 0.02)), OPTS).recommendation;
  assert.equal(quiet.value, 12);
  assert.equal(quiet.machine_limit, undefined);
  assert.equal(quiet.range!.high, 32);
  // Saturated by the target and cpdiag alone: still this machine's limit, said without blaming others.
  const own = findMachineLimit(Object.entries(caps).map(([v, c]) => withMachine(stepWith(Number(v), c), 0.95, 0.03)), [12, 16, 24, 32], { p99Ms: 250, maxErrorRate: 0.01 })!;
  assert.match(own.text, /^this machine's CPU was the limit \(95% busy at capacity: the target 50%, cpdiag's load generator 42%\)/);
  // Levels without the machine's CPU (an older document): no claim either way.
  assert.equal(findMachineLimit(Object.entries(caps).map(([v, c]) => stepWith(Number(v), c)), [12, 16], { p99Ms: 250, maxErrorRate: 0.01 }), null);
});

test('a level reads the load generator\'s completion ratio when it has one, and fails the SLO by it', () => {
  const level = syntheticStep(8, { serviceMs: 21, limitRps: 700 }).levels[1];
  assert.equal(rampPoint(level).completion_ratio, undefined, 'without overload accounting: throughput ÷ offered');
  const short = { ...level, overload: { completion_ratio: 0.8 } } as typeof level;
  assert.equal(rampPoint(short).completion_ratio, 0.8);
  assert.equal(isWithinSlo(rampPoint(short), { p99Ms: 250, maxErrorRate: 0.01 }), false, 'p99 and errors fine, completions short');
  assert.equal(isWithinSlo(rampPoint(level), { p99Ms: 250, maxErrorRate: 0.01 }), true);
});
