import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeSaturation } from '../../src/analysis/saturation.js';

test('known answers', () => {
  // 10 workers; 100 samples: busy 10 in 30 of them, 5 in 70; queue = 0..99.
  const samples = Array.from({ length: 100 }, (_, i) => ({ busy: i < 30 ? 10 : 5, queue: i, listen_queue: i === 50 ? 7 : 0 }));
  const s = summarizeSaturation(samples, 10);
  assert.equal(s.workers, 10);
  assert.equal(s.samples, 100);
  assert.equal(s.all_busy_share, 0.3);
  assert.equal(s.busy_mean, 6.5);
  assert.equal(s.queue_p50, 49.5);
  assert.ok(Math.abs(s.queue_p99 - 98.01) < 1e-9); // type-7 quantile: 0.99 · 99
  assert.equal(s.queue_max, 99);
  assert.equal(s.listen_queue_max, 7);
});

test('busy above the pool size counts as all busy; no listen queue field when never sampled', () => {
  const s = summarizeSaturation([{ busy: 4, queue: 2 }, { busy: 5, queue: 0 }, { busy: 1, queue: 0 }], 4);
  assert.equal(s.all_busy_share, 2 / 3);
  assert.equal(s.queue_p50, 0);
  assert.equal(s.queue_max, 2);
  assert.equal('listen_queue_max' in s, false);
});

test('no samples is a normal answer; a bad pool size is a caller\'s bug (RangeError)', () => {
  assert.equal(summarizeSaturation([], 10).samples, 0);
  assert.throws(() => summarizeSaturation([], 0), RangeError);
});
