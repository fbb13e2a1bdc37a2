import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes, formatConfidence, formatCount, formatMs, formatNumber, formatPercent, formatPercentChange,
  formatPercentPoints, formatRate, formatSeconds,
} from '../src/format.js';
import { roundTo } from '../src/numbers.js';
import { detectDrift } from '../src/diagnose/drift-detector.js';
import type { Findings } from '../src/diagnose/findings.js';

test('numbers: 3 significant digits, no trailing zeros, grouped from 1,000, whole numbers there', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(0.12345), '0.123');
  assert.equal(formatNumber(14.04), '14');
  assert.equal(formatNumber(45.66), '45.7');
  assert.equal(formatNumber(999.7), '1,000');
  assert.equal(formatNumber(1234.5), '1,235');
  assert.equal(formatNumber(-1234.6), '-1,235');
  assert.equal(formatNumber(0.000000123), '0.000000123', 'never an exponent');
  assert.equal(formatNumber(1.23456, 4), '1.235');
  for (const missing of [undefined, null, NaN, Infinity]) assert.equal(formatNumber(missing), '–');
  assert.equal(formatRate(12345.6), '12,346');
  assert.equal(formatCount(12345.4), '12,345');
});

test('bytes: binary units, KiB and MiB with one decimal, GiB with two', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(241_800_000), '230.6 MiB');
  assert.equal(formatBytes(-4 * 1024 * 1024), '-4.0 MiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.00 GiB');
  assert.equal(formatBytes(undefined), '–');
});

test('percentages, changes and points', () => {
  assert.equal(formatPercent(0.93), '93%');
  assert.equal(formatPercent(0.1234), '12.3%');
  assert.equal(formatPercent(0.0005), '0.05%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercentChange(1.1234), '+12.3%');
  assert.equal(formatPercentChange(0.9), '-10%');
  assert.equal(formatPercentChange(1), '+0%');
  assert.equal(formatPercentPoints(0.005), '+0.5pp');
  assert.equal(formatPercentPoints(-0.0012), '-0.12pp');
});

test('durations: ms below 10 s, seconds below a minute, then clock units', () => {
  assert.equal(formatMs(0.1234), '0.123 ms');
  assert.equal(formatMs(79.24), '79.2 ms');
  assert.equal(formatMs(1234.5), '1,235 ms');
  assert.equal(formatMs(12_345), '12.3 s');
  assert.equal(formatSeconds(4.5), '4.5 s');
  assert.equal(formatSeconds(192.4), '3m 12s');
  assert.equal(formatSeconds(3725), '1h 2m');
  assert.equal(formatSeconds(2 * 86400 + 3 * 3600 + 5), '2d 3h');
  assert.equal(formatConfidence(0.8333), '0.83');
});

test('stored numbers: rounded to 3 decimals unless asked, no float noise', () => {
  assert.equal(roundTo(0.1 + 0.2), 0.3);
  assert.equal(roundTo(665.12345), 665.123);
  assert.equal(roundTo(12.345678, 1), 12.3);
});

test('one spelling: an RSS in the diagnosis reads as it does in the reports', () => {
  // Before: the leak evidence said "231 MiB" where the run summary and sweep table said "230.6 MiB".
  const growth = 241_800_000;
  const f: Findings = {
    source: 'run',
    duration_s: 600,
    rss_bytes: 2 * growth,
    drift: { rss_bytes: { metric: 'rss_bytes', samples: 60, slope_per_s: growth / 600, ci_low: growth / 700, ci_high: growth / 500, growth, drifting: true } },
  } as Findings;
  const r = detectDrift(f, 'rss_bytes', 'rss-drift');
  assert.equal(r.status, 'issue');
  assert.match(r.evidence[0].text, new RegExp(`RSS grew ${formatBytes(growth).replace('.', '\\.')} over the run`));
  assert.match(r.evidence[0].text, /230\.6 MiB/);
});
