// A sweep whose plateau was the machine's CPU running out (other processes included) says nothing
// about how the server scales with its pool: the causes read from that shape are left undecided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { findingsFromSweep } from '../../src/sweep/findings-from-sweep.js';
import { syntheticStep } from './synthetic-doc.js';
import { renderDiagnosisText } from '../../src/report/diagnosis-text.js';
import { Chalk } from 'chalk';

test('machine-limited sweep: no pool scaling in the findings, so no cause is read from its shape', () => {
  // Capacity peaks at 8 and falls by a third at 64: the shape of a pool that is too large.
  const steps = [1, 2, 4, 8, 16, 32, 64].map((v) => {
    const s = syntheticStep(v, { serviceMs: 21, limitRps: 400 });
    if (v >= 32) s.capacity_rps = v === 32 ? 330 : 260;
    return s;
  });
  const base = { setting: 'thread_pool', steps, recommendedValue: 8, cores: 2, sloP99Ms: 250 };
  const own = findingsFromSweep(base);
  assert.deepEqual(own.pool_scaling?.values, [1, 2, 4, 8, 16, 32, 64]);
  const limited = findingsFromSweep({ ...base, machineLimited: true });
  assert.equal(limited.pool_scaling, undefined);
  const d = diagnose(limited);
  for (const id of ['pool-too-large']) {
    assert.ok(!d.causes.some((c) => c.id === id), `${id} is not named from a machine-limited shape`);
  }
  // The operating point is still judged (the recommendation's own step).
  assert.equal(limited.recommended?.value, 8);
  assert.ok(limited.latency_ms !== undefined);
});

test('a sweep whose recommendation is the fix: the bent-back curve above it is not presented as the server\'s problem', () => {
  // Capacity peaks at 8 and falls by a third at 64, and the sweep recommends 8: "pool too large"
  // is what 64 would be, and the recommendation already avoids it.
  const steps = [1, 2, 4, 8, 16, 32, 64].map((v) => {
    const s = syntheticStep(v, { serviceMs: 21, limitRps: 400 });
    if (v >= 32) s.capacity_rps = v === 32 ? 330 : 260;
    return s;
  });
  const base = { setting: 'thread_pool', steps, cores: 2, sloP99Ms: 250 };
  const atRecommended = diagnose(findingsFromSweep({ ...base, recommendedValue: 8 }));
  assert.ok(!atRecommended.causes.some((c) => c.id === 'pool-too-large'), atRecommended.causes.map((c) => c.id).join(', '));
  const overhead = atRecommended.detectors.find((d) => d.detector === 'context-switch-overhead');
  assert.equal(overhead?.status, 'none', JSON.stringify(overhead));
  // The same curve judged at 64 (had the sweep settled there) names it: the rule still bites.
  const at64 = findingsFromSweep({ ...base, recommendedValue: 64 });
  const overheadAt64 = diagnose(at64).detectors.find((d) => d.detector === 'context-switch-overhead');
  assert.equal(overheadAt64?.status, 'issue', JSON.stringify(overheadAt64));
});

test('a cause whose fix is the swept setting is answered by the recommendation, judged at the recommended value, not named beside it', () => {
  // Machine-limited, "8 or more": at 8's operating point every worker is busy with requests queued
  // — the evidence for "pool too small" (fix: raise server.thread_pool), which the sweep itself
  // measured: capacity at each pool, and 8 recommended.
  const steps = [2, 4, 8, 16, 32, 64].map((v) => {
    const s = syntheticStep(v, { serviceMs: 21, limitRps: 400 });
    if (v === 8) s.levels = s.levels.map((l) => ({ ...l, saturation: { ...l.saturation!, all_busy_share: 0.9, queue_p50: 3, queue_p99: 8, busy_mean: 7.8 } }));
    return s;
  });
  const findings = findingsFromSweep({ setting: 'thread_pool', steps, recommendedValue: 8, cores: 2, sloP99Ms: 250, machineLimited: true });
  const d = diagnose(findings);
  assert.ok(!d.causes.some((c) => c.id === 'pool-too-small'), d.causes.map((c) => c.id).join(', '));
  const answered = d.answered_by_sweep?.find((a) => a.id === 'pool-too-small');
  assert.ok(answered, JSON.stringify(d.answered_by_sweep));
  assert.match(answered.answer, /^server\.thread_pool = 8 is this sweep's recommendation: .* the evidence was read at 8 \(at [\d.,]+ requests\/s, its operating point\)$/);
  assert.ok(answered.evidence.some((e) => e.signal === 'all_busy_share'));
  const text = renderDiagnosisText(d, new Chalk({ level: 0 }));
  assert.match(text, /No other probable cause found: what the evidence points to is answered by this sweep/);
  assert.match(text, /Answered by this sweep \(the fix would change the setting it measured\):\n\s+✓ server\.thread_pool too small for the load \[pool-too-small, high/);
  assert.doesNotMatch(text, /Raise server\.thread_pool/);
  // Judged at the recommended value: recommended 16 (no queue at its operating point), nothing to answer.
  const at16 = diagnose(findingsFromSweep({ setting: 'thread_pool', steps, recommendedValue: 16, cores: 2, sloP99Ms: 250, machineLimited: true }));
  assert.ok(!at16.causes.some((c) => c.id === 'pool-too-small') && !at16.answered_by_sweep?.some((a) => a.id === 'pool-too-small'), JSON.stringify(at16.answered_by_sweep));
  // The same evidence outside a sweep is a cause with its fix.
  const run = diagnose({ ...findings, source: 'run', recommended: undefined });
  assert.equal(run.causes[0]?.id, 'pool-too-small');
  assert.equal(run.answered_by_sweep, undefined);
});
