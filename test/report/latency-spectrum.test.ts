import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs } from '../../src/load/histogram.js';
import type { RunRecord } from '../../src/run/run-record.js';
import { latencySpectrum } from '../../src/report/latency-spectrum.js';

test('spectrum of 1..10,000 µs: ten points per nine and the quoted percentiles up to the count, then the max', () => {
  const h = createLatencyHistogram();
  for (let us = 1; us <= 10_000; us++) recordLatencyUs(h, us);
  const s = latencySpectrum(encodeHistogram(h))!;
  assert.ok(s);
  assert.deepEqual(s[0], { x: 1, percentile: 0, latencyMs: 0.001 });
  const at = (p: number) => s.find((x) => Math.abs(x.percentile - p) < 1e-6)!.latencyMs;
  assert.ok(Math.abs(at(90) - 9) < 0.01, `p90 ${at(90)} ms`);
  assert.ok(Math.abs(at(99) - 9.9) < 0.01, `p99 ${at(99)} ms`);
  assert.ok(Math.abs(at(99.9) - 9.99) < 0.01, `p99.9 ${at(99.9)} ms`);
  assert.ok(Math.abs(at(50) - 5) < 0.01 && Math.abs(at(95) - 9.5) < 0.01, 'p50 and p95 among the points');
  // 10,000 requests resolve 1 / (1 − q) < 10,000: the grid up to 10^3.9 and p50, p75, p95, p99.5,
  // p99.95, then the max at x = count (the top of its bucket: within HDR's 0.1%).
  assert.equal(s.length, 1 + 39 + 5 + 1);
  const max = s.at(-1)!;
  assert.equal(max.x, 10_000);
  assert.equal(max.percentile, 100);
  assert.ok(Math.abs(max.latencyMs - 10) <= 0.01, `max ${max.latencyMs}`);
  for (let i = 1; i < s.length; i++) {
    assert.ok(s[i].x > s[i - 1].x && s[i].latencyMs >= s[i - 1].latencyMs, `monotonic at ${i}`);
  }
});

test('spectrum of a real run agrees with its summary; nothing for an empty or corrupt histogram', () => {
  const run = JSON.parse(readFileSync(new URL('../../../reports/examples/run/run.json', import.meta.url), 'utf8')) as RunRecord;
  const s = latencySpectrum(run.histograms!.latency_us)!;
  const near = (p: number) => s.reduce((a, b) => (Math.abs(b.percentile - p) < Math.abs(a.percentile - p) ? b : a));
  // The summary's p50 and p99 come from the same histogram: the same values (to the µs).
  assert.equal(near(50).percentile, 50);
  assert.equal(near(50).latencyMs, run.summary!.latency_ms.p50);
  assert.equal(near(99).latencyMs, run.summary!.latency_ms.p99);
  // The max was exact when recorded; decoded, only its bucket is known (HDR's 0.1%).
  assert.ok(Math.abs(s.at(-1)!.latencyMs / run.summary!.latency_ms.max - 1) <= 0.001, `max ${s.at(-1)!.latencyMs} vs ${run.summary!.latency_ms.max}`);
  assert.equal(latencySpectrum(encodeHistogram(createLatencyHistogram())), null);
  assert.equal(latencySpectrum('not a histogram'), null);
  assert.equal(latencySpectrum(undefined), null);
});
