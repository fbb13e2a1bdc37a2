// A sweep level carries the load's overload accounting (issue 11), so that the capacity rule can
// read "completions short of the offered rate" from the document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeLevel } from '../../src/sweep/summarize-level.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { LoadPlan } from '../../src/load/load-plan.js';

test('an overloaded open-loop level keeps its completion ratio and backlog; a closed-loop level has none', () => {
  const plan: LoadPlan = { mode: 'open', url: 'http://127.0.0.1:1', rate_rps: 100, duration_s: 1, warmup_s: 0, mix: [], timeout_ms: 5000, window_ms: 500, seed: 1 };
  const rec = new LoadRecorder({ recordStartMs: 0, durationS: 1, windowMs: 500, mixNames: ['only'], openLoop: true });
  // 100 due, the server completes 50 in the window and the rest during the drain.
  for (let i = 0; i < 100; i++) rec.noteIntendedSend(i * 10);
  for (let i = 0; i < 100; i++) rec.recordResponse(20 * (i + 1) - 1, 200, (20 * (i + 1) - 1 - i * 10) * 1000, 0, 10_000);
  const level = summarizeLevel(rec.finish({ plan, startedAt: 'x', recordedS: 1, interrupted: false }), [], 4, 0);
  assert.equal(level.throughput_rps, 50);
  assert.equal(level.offered_rps, 100);
  assert.deepEqual(level.overload, { sent: 100, completed_in_window: 50, carried_in: 0, failed_in_window: 0, completed_late: 50, outstanding_at_end: 50, backlog: 50, completion_ratio: 0.5 });
  const closed = new LoadRecorder({ recordStartMs: 0, durationS: 1, windowMs: 500, mixNames: ['only'], openLoop: false });
  closed.recordResponse(100, 200, 5000, 0);
  assert.equal(summarizeLevel(closed.finish({ plan: { ...plan, mode: 'closed', connections: 1 }, startedAt: 'x', recordedS: 1, interrupted: false }), [], 4, 0).overload, undefined);
});
