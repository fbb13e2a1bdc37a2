// The inspect figures behind a scrape: workers busy from the recognised pool, and drift that stays
// cheap over a long watch while keeping the slope of the whole window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InspectSample } from '../../src/inspect/inspect-sample.js';
import { DRIFT_SCRAPE_SAMPLES, estimateInspectDrift } from '../../src/report/metrics-from-inspect.js';

/** Just the fields drift reads: RSS grows 1000 bytes per 0.25 s sample, fds wobble, threads stay. */
function sample(i: number): InspectSample {
  return { t_s: i * 0.25, threads: new Array(15).fill({}), process: { fdsReadable: true, fds: 40 + (i % 3), status: { vmRssBytes: 1e8 + i * 1000 } } } as unknown as InspectSample;
}

test('drift at a scrape uses at most DRIFT_SCRAPE_SAMPLES spread over the whole window', () => {
  const samples = Array.from({ length: 2400 }, (_, i) => sample(i));
  const drift = estimateInspectDrift(samples);
  assert.ok(drift.rss_bytes!.samples <= DRIFT_SCRAPE_SAMPLES, `${drift.rss_bytes!.samples} samples`);
  assert.equal(drift.rss_bytes!.slope_per_s, 4000, 'bytes per second over the window');
  assert.equal(drift.threads!.slope_per_s, 0);
  assert.equal(drift.fds!.drifting, false);
  const few = estimateInspectDrift(samples.slice(0, 50));
  assert.equal(few.rss_bytes!.samples, 50, 'a short window is used whole');
});
