import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  recordLatencyUs,
  summarizeHistogramMs,
} from '../../src/load/histogram.js';

test('summary is in ms with µs resolution and ordered', () => {
  const h = createLatencyHistogram();
  for (let i = 1; i <= 1000; i++) recordLatencyUs(h, 20_000 + i); // 20.001 .. 21.000 ms
  const s = summarizeHistogramMs(h);
  assert.ok(s.min >= 20 && s.min <= 20.002, `min ${s.min}`);
  assert.ok(Math.abs(s.p50 - 20.5) < 0.03, `p50 ${s.p50}`);
  assert.ok(Math.abs(s.mean - 20.5) < 0.03, `mean ${s.mean}`);
  assert.ok(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max);
});

test('empty histogram summarises to zeros; values below range read 1 µs, values above it are kept, not clamped', () => {
  assert.deepEqual(summarizeHistogramMs(createLatencyHistogram()), { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });
  const h = createLatencyHistogram();
  recordLatencyUs(h, -5);
  recordLatencyUs(h, Number.NaN);
  recordLatencyUs(h, 1e12); // 11.6 days: far beyond the initial range, which grows
  assert.equal(h.totalCount, 3);
  const s = summarizeHistogramMs(h);
  assert.equal(s.min, 0.001);
  assert.ok(Math.abs(s.max - 1e9) <= 1e9 * 0.001, `max ${s.max} ms, expected 1e9 ms within 0.1%`);
});

test('encode/decode round trip keeps counts and percentiles', () => {
  const a = createLatencyHistogram();
  const b = createLatencyHistogram();
  for (let i = 0; i < 500; i++) recordLatencyUs(a, 1000 + i);
  for (let i = 0; i < 500; i++) recordLatencyUs(b, 5000 + i);
  const decoded = decodeHistogram(encodeHistogram(a));
  assert.equal(decoded.totalCount, 500);
  assert.deepEqual(summarizeHistogramMs(decoded), summarizeHistogramMs(a));
  const decodedB = decodeHistogram(encodeHistogram(b));
  assert.equal(decodedB.totalCount, 500);
  assert.deepEqual(summarizeHistogramMs(decodedB), summarizeHistogramMs(b));
});
