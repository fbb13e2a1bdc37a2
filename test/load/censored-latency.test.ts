// Right-censored latencies (issue 11): a timed-out request enters the distribution as "took longer
// than its age"; a percentile in the censored share is only a lower bound, reported as "> T".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLatencyHistogram, recordLatencyUs, summarizeHistogramMs } from '../../src/load/histogram.js';
import { formatLatencyMs, isLowerBound, LatencyAccumulator, summarizeCensoredMs } from '../../src/load/censored-latency.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { LoadPlan } from '../../src/load/load-plan.js';

test('95% answered in ~5 ms, 5% timed out at ~1 s: p50–p95 exact, p99 and above only "> 1 s"', () => {
  const acc = new LatencyAccumulator();
  for (let i = 0; i < 950; i++) acc.recordCompleted(5_000 + i); // 5.000 .. 5.949 ms
  for (let i = 0; i < 50; i++) acc.recordCensored(1_000_000 + i * 1000); // 1,000 .. 1,049 ms
  const s = acc.summarize();
  // Ranks of N = 1,000: p95 is the 950th value, the last completed one: exact.
  assert.ok(Math.abs(s.p95 - 5.949) < 0.01, `p95 ${s.p95}`);
  assert.ok(s.p50 < 6 && s.p90 < 6);
  // p99 (rank 990) lies in the censored share: a lower bound, from the ages (the 40th age, 1,039 ms).
  assert.ok(s.p99 >= 1000 && s.p99 <= 1050, `p99 ${s.p99}`);
  assert.deepEqual(s.censored, { count: 50, share: 0.05, at_least_ms: 1000, lower_bounds: ['p99', 'p999', 'max', 'mean'] });
  assert.equal(isLowerBound(s, 'p99'), true);
  assert.equal(isLowerBound(s, 'p95'), false);
  assert.match(formatLatencyMs(s, 'p99'), /^> 1,0\d\d ms$/);
  assert.match(formatLatencyMs(s, 'p95'), /^5\.9\d? ms$/);
  // The mean of completed values and ages together bounds the true mean from below.
  assert.ok(s.mean > 50 && s.mean < 60, `mean ${s.mean}`);
});

test('without censored requests the summary is the plain one, with no censored field', () => {
  const h = createLatencyHistogram();
  for (let i = 1; i <= 100; i++) recordLatencyUs(h, i * 1000);
  assert.deepEqual(summarizeCensoredMs(h, undefined), summarizeHistogramMs(h));
  assert.deepEqual(summarizeCensoredMs(h, createLatencyHistogram()), summarizeHistogramMs(h));
  assert.equal(summarizeCensoredMs(h, undefined).censored, undefined);
});

test('everything timed out: every value is a lower bound, min included', () => {
  const acc = new LatencyAccumulator();
  for (let i = 0; i < 10; i++) acc.recordCensored(2_000_000);
  const s = acc.summarize();
  assert.equal(s.censored!.share, 1);
  assert.deepEqual(s.censored!.lower_bounds, ['min', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean']);
  assert.equal(formatLatencyMs(s, 'p50'), '> 2,000 ms');
});

test('the recorder censors timeouts (with their age) and only timeouts', () => {
  const plan: LoadPlan = { mode: 'open', url: 'http://127.0.0.1:1', rate_rps: 100, duration_s: 1, warmup_s: 0, mix: [], timeout_ms: 500, window_ms: 1000, seed: 1 };
  const rec = new LoadRecorder({ recordStartMs: 0, durationS: 1, windowMs: 1000, mixNames: ['a', 'b'], openLoop: true });
  for (let i = 0; i < 96; i++) rec.recordResponse(i * 10 + 5, 200, 5_000, i % 2, 4_000);
  for (let i = 0; i < 3; i++) rec.recordError(900 + i, 'timeout', 1, 520_000, 510_000);
  rec.recordError(950, 'reset', 0); // failed, not slow: no latency at all
  const r = rec.finish({ plan, startedAt: 'x', recordedS: 1, interrupted: false });
  assert.equal(r.latency_ms.censored!.count, 3);
  assert.equal(r.latency_ms.censored!.at_least_ms, 520);
  assert.ok(r.latency_ms.p99 >= 520, `p99 ${r.latency_ms.p99}: rank 99 of 99 is censored`);
  assert.equal(r.service_latency_ms!.censored!.at_least_ms, 510);
  assert.equal(r.by_request!.b!.latency_ms.censored!.count, 3);
  assert.equal(r.by_request!.a!.latency_ms.censored, undefined);
  assert.equal(r.series[0]!.latency_ms.censored!.count, 3, 'the window the timeouts happened in');
  assert.ok(r.histograms.latency_censored_us, 'censored ages stored beside the histogram');
  assert.equal(r.errors.by_kind.timeout, 3);
  assert.equal(r.errors.by_kind.reset, 1);
});
