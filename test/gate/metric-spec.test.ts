import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { DEFAULT_METRIC_SPECS, parseMetricMap, parseMetricSpec, resolveMetricSpecs } from '../../src/gate/metric-spec.js';

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CpdiagError, `expected a CpdiagError, got ${String(e)}`);
    assert.equal(e.exitCode, EXIT.USAGE);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('metric spec: relative budgets for latency and throughput', () => {
  const p95 = parseMetricSpec('p95 +10%');
  assert.deepEqual(
    { metric: p95.metric, direction: p95.direction, kind: p95.kind, tolerance: p95.tolerance, text: p95.text, label: p95.label },
    { metric: 'p95', direction: 'lower_is_better', kind: 'relative', tolerance: 0.1, text: 'p95 +10%', label: 'p95' },
  );
  const tp = parseMetricSpec('throughput -5%');
  assert.equal(tp.direction, 'higher_is_better');
  assert.equal(tp.kind, 'relative');
  assert.ok(Math.abs(tp.tolerance - 0.05) < 1e-12);
  // No sign: the worse direction is implied.
  assert.equal(parseMetricSpec('p99 20%').tolerance, 0.2);
  assert.equal(parseMetricSpec('  P50   +7.5% ').tolerance, 0.075);
  assert.equal(parseMetricSpec('p95: +10%').metric, 'p95');
});

test('metric spec: absolute budgets, percentage points, slopes', () => {
  const err = parseMetricSpec('error_rate +0.5pp');
  assert.equal(err.kind, 'absolute');
  assert.ok(Math.abs(err.tolerance - 0.005) < 1e-12);
  assert.equal(err.text, 'error_rate +0.5pp');
  assert.equal(parseMetricSpec('error_rate +0.01').tolerance, 0.01);
  const ms = parseMetricSpec('p99 +5ms');
  assert.deepEqual([ms.kind, ms.tolerance, ms.text], ['absolute', 5, 'p99 +5ms']);
  assert.equal(parseMetricSpec('p99 +0.5s').tolerance, 500);
  const fd = parseMetricSpec('fd_slope 0');
  assert.deepEqual([fd.kind, fd.tolerance, fd.text], ['slope', 0, 'fd_slope 0']);
  const rss = parseMetricSpec('rss_slope 1MiB/s');
  assert.deepEqual([rss.kind, rss.tolerance, rss.text], ['slope', 1024 * 1024, 'rss_slope 1MiB/s']);
  assert.equal(parseMetricSpec('thread_slope 0.5/s').tolerance, 0.5);
  assert.equal(parseMetricSpec('throughput -20rps').tolerance, 20);
  // A bare name takes its default budget.
  assert.equal(parseMetricSpec('p50').text, 'p50 +10%');
  assert.equal(parseMetricSpec('fd_slope').text, 'fd_slope 0');
  assert.equal(parseMetricSpec('capacity').text, 'capacity -10%');
  // Aliases.
  assert.equal(parseMetricSpec('rps -5%').metric, 'throughput');
});

test('metric spec: refusals say what is wrong, exit 2', () => {
  refused(() => parseMetricSpec('p95 -10%'), /lower-is-better.*write p95 \+10%/);
  refused(() => parseMetricSpec('throughput +5%'), /higher-is-better.*write throughput -5%/);
  refused(() => parseMetricSpec('latency +10%'), /unknown metric "latency"/);
  refused(() => parseMetricSpec('p95 +ten%'), /cannot read the budget/);
  refused(() => parseMetricSpec('p95 +10'), /give the budget a unit/);
  refused(() => parseMetricSpec('p95 +10furlongs'), /unknown unit/);
  refused(() => parseMetricSpec('error_rate +5%'), /percentage points/);
  refused(() => parseMetricSpec('p95 +1pp'), /only apply to error_rate/);
  refused(() => parseMetricSpec('throughput -5ms'), /not a latency/);
  refused(() => parseMetricSpec('fd_slope 3%'), /growth rate/);
  refused(() => parseMetricSpec('fd_slope 1MiB/s'), /byte units only apply to rss_slope/);
  refused(() => parseMetricSpec('throughput -100%'), /tolerate anything/);
  refused(() => parseMetricSpec('error_rate 3'), /share/);
  refused(() => parseMetricSpec(''), /expected a metric name/);
});

test('metric map from a scenario: metric keys or labelled specs', () => {
  const specs = parseMetricMap({ p95: '+10%', 'checkout latency': 'p99 +20%', throughput: 'throughput -5%' });
  assert.deepEqual(specs.map((s) => [s.label, s.metric, s.text]), [
    ['p95', 'p95', 'p95 +10%'],
    ['checkout latency', 'p99', 'p99 +20%'],
    ['throughput', 'throughput', 'throughput -5%'],
  ]);
  refused(() => parseMetricMap({ speed: '+10%' }), /"speed" is not a metric/);
});

test('resolved budgets: flags over scenario over defaults; duplicates refused', () => {
  assert.deepEqual(resolveMetricSpecs(undefined, undefined).map((s) => s.text), [...DEFAULT_METRIC_SPECS]);
  assert.deepEqual(resolveMetricSpecs([], { p95: '+5%' }).map((s) => s.text), ['p95 +5%']);
  assert.deepEqual(resolveMetricSpecs(['p50 +3%'], { p95: '+5%' }).map((s) => s.text), ['p50 +3%']);
  refused(() => resolveMetricSpecs(['p50 +3%', 'p50 +5%'], undefined), /declared twice/);
});
