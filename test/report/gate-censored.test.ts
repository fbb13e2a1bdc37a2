// A censored latency (requests timed out, so the percentile is only known from below) reads
// "> value" in the gate's reports: sampled from the run record, carried per run into the
// comparison, shown in the text table's medians, JUnit's run lists and the baseline listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { sampleFromRun } from '../../src/gate/run-sample.js';
import { compareSides } from '../../src/gate/compare-sides.js';
import { parseMetricSpec } from '../../src/gate/metric-spec.js';
import { formatMedian, formatRunValues, isMedianLowerBound } from '../../src/report/gate-format.js';
import { renderBaselineText } from '../../src/report/gate-baseline-text.js';
import { fakeRecord } from '../gate/fixtures.js';
import type { BaselineDocument } from '../../src/gate/gate-document.js';

function censoredRecord(p50: number) {
  const rec = fakeRecord(p50);
  const lat = rec.summary!.latency_ms;
  rec.summary!.latency_ms = { ...lat, p99: 1000, p999: 1010, max: 1020, censored: { count: 20, share: 0.02, at_least_ms: 1000, lower_bounds: ['p99', 'p999', 'max', 'mean'] } };
  return rec;
}

test('run samples mark censored values; the comparison carries them; reports show "> value"', () => {
  const A = [1, 2, 3, 4, 5].map((i) => sampleFromRun(fakeRecord(20), 'A', i, false));
  const B = [1, 2, 3, 4, 5].map((i) => sampleFromRun(i <= 3 ? censoredRecord(20) : fakeRecord(20), 'B', i, false));
  assert.deepEqual(B[0]!.lower_bounds, { p99: true, p999: true, mean: true });
  assert.equal(A[0]!.lower_bounds, undefined);
  const [p99, p50] = compareSides([parseMetricSpec('p99 +20%'), parseMetricSpec('p50 +10%')], A, B, 0.01);
  assert.deepEqual(p99!.b_lower_bounds, [true, true, true, false, false]);
  assert.equal(p99!.a_lower_bounds, undefined);
  assert.equal(p50!.b_lower_bounds, undefined);
  // B's median p99 is one of the censored values: only "> 1,000 ms" is known.
  assert.equal(formatMedian(p99!, 'b'), '> 1,000 ms');
  assert.doesNotMatch(formatMedian(p99!, 'a'), />/);
  assert.match(formatRunValues(p99!, 'b'), /^> 1,000 ms, > 1,000 ms, > 1,000 ms, 30 ms, 30 ms$/);
  // The median is exact when every lower bound lies above it.
  assert.equal(isMedianLowerBound([1, 2, 3, 10], [false, false, false, true], 2.5), false);
  assert.equal(isMedianLowerBound([1, 2, 3, 10], [false, true, false, false], 2.5), true);
  const baseline = { schema: 'cpdiag.baseline/1', scenario: 's', target: 't', fingerprint: 'sha256:x', runs: B } as unknown as BaselineDocument;
  assert.match(renderBaselineText(baseline, new Chalk({ level: 0 })), /p99\s+> 1,000 ms\s+30 ms – > 1,000 ms/);
});
