import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommendationChanges, recommendationCostLines } from '../../src/report/sweep-cost.js';
import { syntheticSweep } from '../sweep/synthetic-doc.js';

const MIB = 1048576;

test('the recommended value\'s cost: capacity and RSS against the tested values either side', () => {
  // Capacity 0.95·min(N / 21 ms, 700): 8 → 362, 16 → 665, 32 → 665; RSS (60 + 8N) MiB + 59 KiB.
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  assert.equal(doc.recommendation?.value, 16);
  const c = recommendationChanges(doc)!;
  assert.deepEqual(c.below, { from: 8, to: 16, fromCapacityRps: 362, toCapacityRps: 665, fromRssBytes: 124 * MIB + 59 * 1024, toRssBytes: 188 * MIB + 59 * 1024 });
  assert.equal(c.above?.to, 32);
  assert.deepEqual(recommendationCostLines(doc), [
    'Its cost: thread_pool 8 → 16: +83.7% capacity (362 → 665 requests/s) for +64.0 MiB RSS (124.1 MiB → 188.1 MiB).',
    'One value further: thread_pool 16 → 32: +0% capacity (665 → 665 requests/s) for +128.0 MiB RSS (188.1 MiB → 316.1 MiB).',
  ]);
});

test('no cost line without a recommended value, for grids, and none "further" past the last value', () => {
  const doc = syntheticSweep([4, 8, 16], { serviceMs: 21, limitRps: 700 });
  doc.recommendation = { ...doc.recommendation!, value: 16 };
  assert.deepEqual(recommendationCostLines(doc).at(-1), 'No larger value was tested above 16.');
  assert.deepEqual(recommendationCostLines({ ...doc, recommendation: { ...doc.recommendation, value: null } }), []);
  assert.deepEqual(recommendationCostLines({ ...doc, setting2: 'accepted_queue_size' }), []);
  // A failed neighbour is skipped: the nearest measured value is compared.
  doc.steps[1] = { ...doc.steps[1], status: 'failed' };
  assert.equal(recommendationChanges(doc)?.below?.from, 4);
});

test('repeats are folded into their value: the neighbours are other values, at the capacity the recommendation used', () => {
  const doc = syntheticSweep([4, 8, 16, 32], { serviceMs: 21, limitRps: 700 });
  const sixteen = doc.steps.find((s) => s.value === 16)!;
  doc.steps.push({ ...sixteen, origin: 'repeat', capacity_rps: 735 });
  const c = recommendationChanges(doc)!;
  assert.equal(c.above?.from, 16);
  assert.equal(c.above?.to, 32, 'a repeat of 16 is not the value above 16');
  assert.equal(c.below?.to, 16);
  // The geometric mean of 665 and 735.
  assert.ok(Math.abs(c.below!.toCapacityRps - Math.sqrt(665 * 735)) < 0.01, `${c.below?.toCapacityRps}`);
});
