import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { delay, startBundledServer, startLoad } from './targets.js';

test('the inspect document carries a timeline: one entry per sample, threads by activity adding up, workers and the server\'s view', async () => {
  const server = await startBundledServer(4);
  const load = startLoad(server.url, '/work?io_ms=300', { concurrency: 8, maxMs: 10000 });
  try {
    await delay(400);
    const { report } = await inspectProcess({ pid: server.pid, durationS: 1.5, intervalMs: 100, statsUrl: `${server.url}/_cpdiag/stats`, diagnose: false });
    const tl = report.timeline!;
    assert.equal(tl.length, report.window.samples);
    assert.equal(tl[0].cpu_percent, null, 'no CPU figure before a second sample');
    for (const [i, p] of tl.entries()) {
      assert.equal(Object.values(p.by_activity).reduce((a, n) => a + n, 0), p.threads, `sample ${i}: every thread has one activity`);
      if (i > 0) assert.ok(p.t_s > tl[i - 1].t_s && p.cpu_percent !== null && p.cpu_percent >= 0, `sample ${i}: time and CPU`);
      assert.ok(p.rss_bytes > 0 && p.fds !== null && p.fds > 0);
      assert.ok(p.workers_busy !== null && p.workers_busy <= 4);
    }
    // Under 8 connections of 300 ms I/O a pool of 4 is busy most of the time (margins for a loaded machine).
    const busy = tl.filter((p) => p.workers_busy! >= 3).length;
    assert.ok(busy >= tl.length / 2, `workers busy ≥ 3 in ${busy} of ${tl.length} samples`);
    assert.ok(tl.some((p) => p.server_busy !== undefined && p.server_queue !== undefined), 'the server\'s stats answered');
    const last = tl.at(-1)!;
    assert.equal(last.rss_bytes, report.memory.rss_bytes, 'the last entry is the last sample the summary shows');
  } finally {
    await load.stop();
    await server.stop();
  }
});
