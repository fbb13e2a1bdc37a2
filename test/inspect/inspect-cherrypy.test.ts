import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { delay, startCherryPy, startLoad, SYSTEM_PYTHON } from './targets.js';

const hasCherryPy = existsSync(SYSTEM_PYTHON);

test('real CherryPy, pool 4: idle workers recognised, listen socket and backlog, then pool exhaustion under blocking I/O', { skip: !hasCherryPy && 'no /usr/bin/python3 with CherryPy' }, async () => {
  const app = await startCherryPy(4, 5);
  let load: ReturnType<typeof startLoad> | undefined;
  try {
    const idle = (await inspectProcess({ pid: app.pid, durationS: 0.6, intervalMs: 100 })).report;
    const w0 = idle.threads.workers;
    assert.ok(w0, 'workers recognised');
    assert.equal(w0.method, 'parked-together', 'cheroot idle workers park at one pc');
    assert.equal(w0.total, 4);
    assert.equal(w0.idle, 4);
    assert.equal(idle.listen.length, 1);
    assert.equal(idle.listen[0].local, new URL(app.url).host);
    assert.equal(idle.listen[0].backlog, 5, 'socket_queue_size is the backlog');
    assert.ok((idle.fds.count ?? 0) >= 4 && idle.fds.by_type.socket >= 1, JSON.stringify(idle.fds));
    assert.equal(idle.sockets.by_state.LISTEN, 1);
    assert.ok(idle.process.cmdline.some((a) => a.endsWith('app.py')));

    // Load beyond the pool: 8 clients, 4 workers, each request sleeping 500 ms in the handler.
    load = startLoad(app.url, '/work?io_ms=500', { concurrency: 8, maxMs: 10000 });
    await delay(400);
    const { report, findings } = await inspectProcess({ pid: app.pid, durationS: 1.2, intervalMs: 100 });
    const w = report.threads.workers;
    assert.ok(w, 'workers recognised under load');
    assert.equal(w.total, 4, JSON.stringify(w));
    assert.ok(w.blocked_io >= 3, `blocked_io ${w.blocked_io}`);
    assert.ok(w.idle <= 1, `idle ${w.idle}`);
    assert.ok(w.all_busy_share >= 0.5, `all busy ${w.all_busy_share}`);
    assert.match(report.threads.summary, /clock_nanosleep/);
    assert.ok((report.sockets.by_state.ESTABLISHED ?? 0) >= 4);
    assert.equal(findings.worker_threads?.total, 4);
    const ids = report.diagnosis?.causes.map((c) => c.id) ?? [];
    assert.ok(ids.includes('pool-too-small'), `causes: ${ids.join(', ')}`);
  } finally {
    await load?.stop();
    await app.stop();
  }
});
