import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { delay, startBundledServer, startLoad } from './targets.js';

test('bundled server, pool 4 under 8 concurrent io_ms=300: busy workers show as blocked and are counted', async () => {
  const server = await startBundledServer(4);
  const load = startLoad(server.url, '/work?io_ms=300', { concurrency: 8, maxMs: 10000 });
  try {
    await delay(400);
    const { report, findings } = await inspectProcess({ pid: server.pid, durationS: 1.5, intervalMs: 100, statsUrl: `${server.url}/_cpdiag/stats` });
    const w = report.threads.workers;
    assert.ok(w, 'workers recognised');
    assert.equal(w.method, 'name');
    assert.equal(w.total, 4);
    // Medians over the window; margins for a loaded 2-core machine, where a worker is sometimes
    // caught between two jobs.
    assert.ok(w.total - w.idle >= 3, `busy ${w.total - w.idle}`);
    assert.ok(w.blocked_io >= 2, `blocked_io ${w.blocked_io}`);
    assert.ok(report.threads.detail.filter((t) => t.worker && t.worker_state === 'blocked_io').length >= 1);
    assert.ok(w.all_busy_share >= 0.5, `all busy share ${w.all_busy_share}`);
    assert.equal(findings.worker_threads?.total, 4);
    assert.ok(report.listen.length >= 1);
    assert.equal(report.listen[0].backlog, 5, 'socket_queue_size 5 is the backlog ss shows');
    assert.ok(report.server && report.server.samples > 0, 'stats answered');
    assert.ok(findings.saturation && findings.saturation.all_busy_share >= 0.5);
    assert.ok(report.diagnosis, 'diagnosed');
    assert.ok(report.diagnosis.causes.length > 0);
    assert.match(report.threads.summary, /futex/);
  } finally {
    await load.stop();
    await server.stop();
  }
});

test('bundled server: /leak/fd hammered during the window shows as fd drift', async () => {
  const server = await startBundledServer(4);
  const load = startLoad(server.url, '/leak/fd', { concurrency: 2, maxMs: 8000, paceMs: 40, maxRequests: 400 });
  try {
    const { report } = await inspectProcess({ pid: server.pid, durationS: 2, intervalMs: 100 });
    const d = report.drift.fds!;
    assert.equal(d.drifting, true, `fd drift not found: ${JSON.stringify(d)}`);
    assert.ok(d.slope_per_s > 10, `slope ${d.slope_per_s}`);
    assert.equal(report.drift.threads?.drifting, false);
  } finally {
    await load.stop();
    await server.stop();
  }
});

test('bundled server: /leak/thread hammered during the window shows as thread drift', async (t) => {
  const server = await startBundledServer(4);
  const load = startLoad(server.url, '/leak/thread', { concurrency: 1, maxMs: 8000, paceMs: 150, maxRequests: 40 });
  try {
    const { report } = await inspectProcess({ pid: server.pid, durationS: 2.5, intervalMs: 125 });
    const leaked = report.threads.detail.filter((d) => d.name.startsWith('cpdiag-leak')).length;
    assert.ok(leaked > 0, `the bundled server's /leak/thread left no cpdiag-leak thread behind`);
    const d = report.drift.threads!;
    assert.equal(d.drifting, true, `thread drift not found: ${JSON.stringify(d)}`);
    assert.ok(d.slope_per_s > 1);
  } finally {
    await load.stop();
    await server.stop();
  }
});
