import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { startControlledChild } from '../probe/child-control.js';

test('inspect finds thread and memory drift on a process that keeps starting threads and allocating', async () => {
  const child = await startControlledChild();
  let stop = false;
  const grow = (async () => {
    // ~6 threads/s and ~24 MiB/s for at most 4 s: well past the materiality floors over a 2.5 s window.
    for (let i = 0; i < 26 && !stop; i++) {
      await child.send('threads 1');
      await child.send('alloc 4');
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  try {
    const { report, findings } = await inspectProcess({ pid: child.pid, durationS: 2.5, intervalMs: 125 });
    assert.equal(report.drift.threads?.drifting, true, JSON.stringify(report.drift.threads));
    assert.equal(report.drift.rss_bytes?.drifting, true, JSON.stringify(report.drift.rss_bytes));
    assert.equal(findings.drift?.threads?.drifting, true);
  } finally {
    stop = true;
    await grow.catch(() => undefined);
    child.kill();
  }
});

test('inspect of a steady process finds no drift and the fds it holds', async () => {
  const child = await startControlledChild();
  try {
    await child.send('fds 50');
    const { report } = await inspectProcess({ pid: child.pid, durationS: 1.5, intervalMs: 100 });
    assert.ok((report.fds.count ?? 0) >= 50);
    assert.ok(report.fds.by_type.file >= 50);
    assert.equal(report.fds.limit, Number(/Max open files\s+(\d+)/.exec((await import('node:fs')).readFileSync(`/proc/${child.pid}/limits`, 'utf8'))![1]));
    for (const m of ['rss_bytes', 'fds', 'threads'] as const) assert.equal(report.drift[m]?.drifting, false, `${m}: ${JSON.stringify(report.drift[m])}`);
    assert.equal(report.window.exited, false);
    assert.ok(report.process.cmdline[0].endsWith('node'));
  } finally {
    child.kill();
  }
});
