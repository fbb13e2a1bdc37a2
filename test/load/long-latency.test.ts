// Histograms never clamp (issue 11: 11 responses of 5 minutes among 1,000 read p99 = max = 120 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs, summarizeHistogramMs } from '../../src/load/histogram.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { LoadPlan } from '../../src/load/load-plan.js';

const FIVE_MINUTES_US = 300_000_000;
/** The histogram's resolution: 3 significant digits. */
const RESOLUTION = 0.001;

test('a 5-minute latency is recorded as 5 minutes, and survives encoding', () => {
  const h = createLatencyHistogram();
  recordLatencyUs(h, 20_000);
  recordLatencyUs(h, FIVE_MINUTES_US);
  const s = summarizeHistogramMs(h);
  assert.ok(s.max >= 300_000, `max ${s.max} ms must be at least 5 minutes`);
  assert.ok(s.max <= 300_000 * (1 + RESOLUTION), `max ${s.max} ms within the resolution`);
  // Decoded, the max is the top of its bucket (the encoding keeps counts per bucket, not the exact max).
  const back = summarizeHistogramMs(decodeHistogram(encodeHistogram(h)));
  assert.ok(back.max >= 300_000 && back.max <= 300_000 * (1 + RESOLUTION), `decoded max ${back.max}`);
  // Far beyond the initial range (one hour): the histogram grows.
  recordLatencyUs(h, 2 * 86_400_000_000);
  assert.ok(summarizeHistogramMs(h).max >= 2 * 86_400_000);
});

test('through the recorder: 11 responses of 5 minutes among 1,000 give p99 = max ≥ 5 minutes', () => {
  const plan: LoadPlan = { mode: 'closed', url: 'http://127.0.0.1:1', connections: 20, duration_s: 600, warmup_s: 0, mix: [], timeout_ms: 600_000, window_ms: 60_000, seed: 1 };
  const rec = new LoadRecorder({ recordStartMs: 0, durationS: 600, windowMs: 60_000, mixNames: ['only'], openLoop: false });
  for (let i = 0; i < 989; i++) rec.recordResponse(1000 + i * 100, 200, 20_000, 0);
  for (let i = 0; i < 11; i++) rec.recordResponse(310_000 + i * 1000, 200, FIVE_MINUTES_US, 0);
  const r = rec.finish({ plan, startedAt: 'x', recordedS: 600, interrupted: false });
  assert.ok(r.latency_ms.p99 >= 300_000, `p99 ${r.latency_ms.p99}`);
  assert.ok(r.latency_ms.max >= 300_000 && r.latency_ms.max <= 300_000 * (1 + RESOLUTION), `max ${r.latency_ms.max}`);
  assert.ok(decodeHistogram(r.histograms.latency_us).maxValue >= FIVE_MINUTES_US);
  assert.ok(r.series.some((w) => w.latency_ms.max >= 300_000), 'the window it completed in too');
});
