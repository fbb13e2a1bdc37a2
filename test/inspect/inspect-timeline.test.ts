import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { delay, startBundledServer, startLoad } from './targets.js';

test('the inspect document carries a timeline: one entry per sample, threads by activity adding up, the summary\'s means', async () => {
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
    // The timeline is the window the summary was made from: its means are the summary's (whatever
    // the machine's load let the pool do; inspect-bundled.test.ts judges the pool itself).
    const mean = (xs: number[]) => Math.round((xs.reduce((a, x) => a + x, 0) / xs.length) * 100) / 100;
    assert.equal(mean(tl.map((p) => p.workers_busy!)), report.threads.workers!.busy_mean, 'workers busy: the summary\'s mean');
    const served = tl.filter((p) => p.server_busy !== undefined);
    assert.equal(served.length, report.server!.samples, 'an entry with the server\'s view for every answer');
    assert.ok(served.length > 0, 'the server\'s stats answered');
    assert.equal(mean(served.map((p) => p.server_busy!)), report.server!.busy_mean, 'server busy: the summary\'s mean');
    assert.equal(Math.max(...served.map((p) => p.server_queue!)), report.server!.queue_max);
    for (const [k, m] of Object.entries(report.threads.activity_mean)) {
      assert.equal(mean(tl.map((p) => p.by_activity[k] ?? 0)), m, `activity ${k}: the summary's mean`);
    }
    const last = tl.at(-1)!;
    assert.equal(last.rss_bytes, report.memory.rss_bytes, 'the last entry is the last sample the summary shows');
  } finally {
    await load.stop();
    await server.stop();
  }
});
