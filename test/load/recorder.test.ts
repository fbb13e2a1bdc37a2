// The recorder alone, with times passed in: windows, warm-up, errors, partial last window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadRecorder } from '../../src/load/recorder.js';
import { decodeHistogram } from '../../src/load/histogram.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import type { SeriesWindow } from '../../src/load/load-result.js';

const plan: LoadPlan = { mode: 'open', url: 'http://127.0.0.1:1', rate_rps: 10, duration_s: 3, warmup_s: 1, mix: [], timeout_ms: 1000, window_ms: 1000, seed: 1 };

test('windows by completion time, errors per window, warm-up excluded, windows streamed in order', () => {
  const seen: SeriesWindow[] = [];
  const rec = new LoadRecorder({ recordStartMs: 1000, durationS: 3, windowMs: 1000, mixNames: ['a', 'b'], openLoop: true, onWindow: (w) => seen.push(w) });
  assert.equal(rec.isRecorded(999), false);
  assert.equal(rec.isRecorded(1000), true);
  for (let i = 0; i < 10; i++) {
    rec.noteIntendedSend(1000 + i * 100);
    rec.noteActualSend();
    rec.recordResponse(1000 + i * 100 + 20, 200, 20_000, i % 2, 19_000);
  }
  rec.recordResponse(2500, 503, 5_000, 1, 5_000);
  rec.recordError(2600, 'timeout', 0);
  rec.noteDelayedSend(2600);
  rec.flush(2999); // window 0 ends at 2000: emitted; window 1 still open
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.requests, 10);
  assert.equal(seen[0]!.offered_rps, 10);
  rec.flush(3000);
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[1]!.errors, { http_503: 1, timeout: 1 });
  assert.equal(seen[1]!.delayed_sends, 1);
  // A late response after the planned end (open-loop drain): its latency lands in the last window
  // and the run's histogram, but no window's count and not the throughput (issue 11).
  rec.recordResponse(4500, 200, 1_500_000, 0, 1_000);
  const r = rec.finish({ plan, startedAt: 'x', recordedS: 3, interrupted: false, sendLagP99Ms: 0.2 });
  assert.equal(seen.length, 3);
  assert.equal(r.series.length, 3);
  assert.equal(r.series[2]!.requests, 0);
  assert.ok(r.series[2]!.latency_ms.max >= 1499, 'the late latency is in the last window');
  assert.equal(r.requests, 11, 'completed inside the window');
  assert.equal(r.throughput_rps, 3.667);
  assert.equal(r.overload!.completed_late, 1);
  assert.equal(r.errors.total, 2);
  assert.equal(r.errors.rate, 2 / 13);
  assert.equal(r.goodput_rps, 3.333); // 10 successes inside the window, rounded to 3 decimals
  assert.equal(r.by_request!.b!.errors, 1);
  assert.equal(r.by_request!.a!.errors, 1);
  assert.equal(r.generator!.achieved_rate_rps, 3.333);
  assert.equal(decodeHistogram(r.histograms.latency_us).totalCount, 12);
  assert.equal(decodeHistogram(r.histograms.service_us!).totalCount, 12);
  assert.ok(r.latency_ms.max >= 1499 && r.service_latency_ms!.max < 100);
});

test('an interrupted recording ends with a partial window', () => {
  const rec = new LoadRecorder({ recordStartMs: 0, durationS: 10, windowMs: 1000, mixNames: ['only'], openLoop: false });
  rec.recordResponse(500, 200, 1000, 0);
  rec.recordResponse(1200, 200, 1000, 0);
  const r = rec.finish({ plan: { ...plan, mode: 'closed' }, startedAt: 'x', recordedS: 1.25, interrupted: true });
  assert.equal(r.interrupted, true);
  assert.equal(r.series.length, 2);
  assert.equal(r.series[1]!.duration_s, 0.25);
  assert.equal(r.series[1]!.throughput_rps, 4);
  assert.equal(r.by_request, undefined, 'a single-entry mix has no by_request');
  assert.equal(r.generator, undefined);
});
