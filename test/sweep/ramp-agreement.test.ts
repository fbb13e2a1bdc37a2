// One floor, one capacity, one reason: every step of a sweep document must tell the same story in
// floor_p99_ms, capacity_rps, knee.capacity_at_slo_rps and the knee's reason (issue 10, where the
// shipped example's pool 64 had a floor of 30.5 ms and a reason naming a floor of 79.2 ms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatMs, formatRate } from '../../src/format.js';
import { findCapacityIndex, findFloorP99Ms, rampStopReason, type RampPoint, type SloLimits } from '../../src/analysis/ramp-rules.js';
import { rampPoint, summarizeStep } from '../../src/sweep/summarize-step.js';
import { resolveSweepSpec } from '../../src/sweep/sweep-spec.js';
import { DEFAULT_MAX_ERROR_RATE } from '../../src/analysis/ramp-rules.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { SweepDocument, SweepStep } from '../../src/sweep/sweep-document.js';
import { syntheticSweep } from './synthetic-doc.js';

// The example sweep as shipped before issue 11 (reports/examples/sweep-thread-pool has been
// regenerated since; this copy keeps the document these tests were written against, its probes
// thinned to 9 per step — nothing here reads more of them).
const EXAMPLE = fileURLToPath(new URL('../../../test/fixtures/sweep-example-issue-10.json', import.meta.url));

/** Everything in a step that contradicts the ramp rules or another field of the step. */
function disagreements(step: SweepStep, slo: SloLimits): string[] {
  const out: string[] = [];
  const at = `${step.setting}=${step.value}`;
  const points = step.levels.map(rampPoint);
  const floor = findFloorP99Ms(points, step.service_time_ms);
  if (!Object.is(step.knee.floor_p99_ms, floor)) out.push(`${at}: floor_p99_ms ${step.knee.floor_p99_ms}, the rule says ${floor}`);
  const named = /floor of ([\d.,]+ m?s)\b/.exec(step.knee.reason);
  if (named && named[1] !== formatMs(step.knee.floor_p99_ms)) out.push(`${at}: the reason names a floor of ${named[1]}, floor_p99_ms is ${step.knee.floor_p99_ms}`);
  const capIndex = findCapacityIndex(points, slo);
  const capLevel = capIndex === null ? undefined : step.levels[capIndex];
  const capOffered = capIndex === null ? null : points[capIndex].offered_rps;
  if (step.knee.capacity_at_slo_rps !== capOffered) out.push(`${at}: capacity_at_slo_rps ${step.knee.capacity_at_slo_rps}, the rule says ${capOffered}`);
  const served = capLevel ? Math.round((capLevel.goodput_rps || capLevel.throughput_rps) * 100) / 100 : null;
  if (step.capacity_rps !== served) out.push(`${at}: capacity_rps ${step.capacity_rps}, the capacity level served ${served}`);
  if (capLevel && step.latency_ms.p99 !== capLevel.latency_ms.p99) out.push(`${at}: p99 at capacity ${step.latency_ms.p99}, the capacity level's is ${capLevel.latency_ms.p99}`);
  const kneeAt = /at about ([\d.,]+) rps \(p99 there ([\d.,]+ m?s)\b/.exec(step.knee.reason);
  if (kneeAt) {
    const kneePoint = points.find((p) => p.offered_rps === step.knee.knee_rps);
    if (kneeAt[1] !== formatRate(step.knee.knee_rps)) out.push(`${at}: the reason's knee ${kneeAt[1]} rps, knee_rps ${step.knee.knee_rps}`);
    if (!kneePoint || kneeAt[2] !== formatMs(kneePoint.p99_ms)) out.push(`${at}: the reason's p99 at the knee ${kneeAt[2]} ms, the level's ${kneePoint?.p99_ms}`);
  }
  return out;
}

/** A step's headline numbers recomputed from its levels with today's rules (what the ramp writes). */
function reanalysed(step: SweepStep, doc: Pick<SweepDocument, 'slo'>): SweepStep {
  const { capacityLevelIndex: _index, ...summary } = summarizeStep(step.levels, step.probes, { p99Ms: doc.slo.p99_ms, maxErrorRate: doc.slo.error_rate }, step.service_time_ms);
  return { ...step, ...summary };
}

/** The first stop reason the ramp rules give, replaying the levels in the order measured. */
/** A reason sentence with digit grouping removed (1,330 → 1330). */
function ungrouped(text: string | null): string | null {
  return text === null ? null : text.replace(/(\d),(\d{3})/g, '$1$2');
}

function replayedStop(step: SweepStep, doc: Pick<SweepDocument, 'slo'>): string | null {
  const seen: RampPoint[] = [];
  for (const level of step.levels) {
    seen.push(rampPoint(level));
    const stop = rampStopReason(seen, findFloorP99Ms(seen, step.service_time_ms), { maxErrorRate: doc.slo.error_rate, sloP99Ms: doc.slo.p99_ms });
    if (stop !== null) return stop;
  }
  return null;
}

test('synthetic sweep: every step re-analysed agrees with itself', () => {
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  const slo = { p99Ms: doc.slo.p99_ms, maxErrorRate: doc.slo.error_rate };
  for (const step of doc.steps) {
    const again = reanalysed(step, doc);
    assert.deepEqual(disagreements(again, slo), []);
    assert.match(again.knee.reason, /floor of [\d.]+ ms/, 'the reason names the floor, so the check above bites');
    assert.ok(again.capacity_rps !== null && again.knee.capacity_at_slo_rps !== null);
  }
  // The hand-written synthetic knee (floor 1.9 S) is not what the rules give: the checker sees it.
  assert.ok(disagreements(doc.steps[0], slo).some((d) => /floor_p99_ms/.test(d)));
});

test('the example sweep as shipped before issue 11: pool 64 disagreed; re-analysed, every step agrees', () => {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as SweepDocument;
  const slo = { p99Ms: doc.slo.p99_ms, maxErrorRate: doc.slo.error_rate };
  const ok = doc.steps.filter((s) => s.status === 'ok' && s.levels.length > 0);
  assert.ok(ok.length >= 7, `${ok.length} steps`);
  // As shipped (three floor rules): the contradiction, caught by the checker.
  const shipped64 = disagreements(ok.find((s) => s.value === 64)!, slo);
  assert.ok(shipped64.some((d) => /names a floor of 79\.2 ms, floor_p99_ms is 30\.479/.test(d)), shipped64.join('\n'));

  for (const step of ok) {
    const again = reanalysed(step, doc);
    assert.deepEqual(disagreements(again, slo), [], `${step.value}`);
    // Capacity's rule changed in issue 11 (the highest rate below the first SLO failure, not the
    // highest level within the SLO); no ramp of the example passed above a miss, so re-analysis keeps it.
    assert.equal(again.capacity_rps, step.capacity_rps, `capacity at ${step.value}`);
    assert.equal(again.knee.capacity_at_slo_rps, step.knee.capacity_at_slo_rps, `capacity at the SLO at ${step.value}`);
    // The ramp's stop rule did not change: replayed over the levels it gives the recorded reason.
    // Compared without digit grouping: the example was recorded before numbers were grouped (1330 → 1,330).
    assert.equal(ungrouped(replayedStop(step, doc)), ungrouped(step.ramp_stop_reason ?? null), `stop at ${step.value}`);
  }
  const pool64 = reanalysed(ok.find((s) => s.value === 64)!, doc);
  assert.equal(pool64.knee.floor_p99_ms, 30.479);
  assert.match(pool64.knee.reason, /floor of 30\.5 ms/);
});

// The example shipped today (regenerated with issue 11's sweep): as recorded, with no re-analysis,
// every step's floor, capacity and reason agree.
const SHIPPED = fileURLToPath(new URL('../../../reports/examples/sweep-thread-pool/sweep.json', import.meta.url));

test('the shipped example sweep: every step\'s floor, capacity and reason agree as recorded', () => {
  const doc = JSON.parse(readFileSync(SHIPPED, 'utf8')) as SweepDocument;
  const slo = { p99Ms: doc.slo.p99_ms, maxErrorRate: doc.slo.error_rate };
  const ok = doc.steps.filter((s) => s.status === 'ok' && s.levels.length > 0);
  assert.ok(ok.length >= 6, `${ok.length} steps`);
  for (const step of ok) assert.deepEqual(disagreements(step, slo), [], `${step.setting}=${step.value} (${step.origin})`);
});

test('one default error limit: the sweep\'s SLO takes ramp-rules\' DEFAULT_MAX_ERROR_RATE', () => {
  const spec = resolveSweepSpec({ preset: 'thread-pool', scenario: parseScenario({ name: 'sweep' }), flags: {}, mixGiven: false });
  assert.equal(spec.maxErrorRate, DEFAULT_MAX_ERROR_RATE);
  const strict = resolveSweepSpec({ preset: 'thread-pool', scenario: parseScenario({ name: 'sweep', slo: { error_rate: 0.001 } }), flags: {}, mixGiven: false });
  assert.equal(strict.maxErrorRate, 0.001);
});
