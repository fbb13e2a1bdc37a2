import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInspectable } from '../../src/inspect/check-target.js';
import { ProcReader } from '../../src/probe/proc-reader.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { FIXTURE_TREE } from '../probe/fixtures-path.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CpdiagError, String(e));
    return { code: e.exitCode, message: e.message };
  }
  return { code: EXIT.OK, message: '' };
};

test('not Linux, or no procfs: exit 6', () => {
  assert.equal(code(() => checkInspectable(new ProcReader(), 1, 'darwin')).code, EXIT.UNSUPPORTED_PLATFORM);
  const r = code(() => checkInspectable(new ProcReader('/nonexistent-proc'), 1, 'linux'));
  assert.equal(r.code, EXIT.UNSUPPORTED_PLATFORM);
  assert.match(r.message, /needs Linux/);
});

test('fixture process passes; missing pid is exit 5', () => {
  const reader = new ProcReader(FIXTURE_TREE);
  assert.equal(checkInspectable(reader, 7159, 'linux').comm, 'python3');
  assert.equal(code(() => checkInspectable(reader, 4242, 'linux')).code, EXIT.NO_PROCESS);
  assert.equal(code(() => checkInspectable(reader, 0, 'linux')).code, EXIT.USAGE);
});

test('an unreadable fd directory is reported as unknown, not as zero, and the rest is shown', async () => {
  const { ProcReadError } = await import('../../src/probe/proc-reader.js');
  const { inspectProcess } = await import('../../src/inspect/run-inspect.js');
  const { renderInspect } = await import('../../src/report/inspect-text.js');
  const { Chalk } = await import('chalk');
  // Running as root here, permission cannot be taken away for real: the reader refuses instead.
  class NoFdReader extends ProcReader {
    override fds(pid: number): never {
      throw new ProcReadError(this.path(pid, 'fd'), 'denied', 'EACCES');
    }
  }
  const { report, findings } = await inspectProcess({ pid: 7159, durationS: 0, reader: new NoFdReader(FIXTURE_TREE), platform: 'linux', run: () => undefined });
  assert.equal(report.fds.count, null);
  assert.equal(report.drift.fds, undefined);
  assert.equal(findings.fds, undefined);
  assert.equal(report.threads.total, 3, 'threads are still read');
  assert.ok(report.unreadable.some((u) => u.endsWith('/7159/fd')));
  const text = renderInspect(report, new Chalk({ level: 0 }));
  assert.match(text, /fds\s+unknown/);
  assert.match(text, /could not read .*7159\/fd/);
});

test('the whole report from the captured fixture tree', async () => {
  const { inspectProcess } = await import('../../src/inspect/run-inspect.js');
  const ss = 'LISTEN 2      16         127.0.0.1:41617      0.0.0.0:*\nLISTEN 0      8              [::1]:56097         [::]:*\n';
  const { report, findings } = await inspectProcess({ pid: 7159, durationS: 0, reader: new ProcReader(FIXTURE_TREE), platform: 'linux', run: () => ss });
  assert.equal(report.threads.summary, '1 thread blocked in read on a pipe, 1 running, 1 sleeping in clock_nanosleep');
  assert.deepEqual(report.listen.map((l) => [l.local, l.accept_queue, l.backlog]), [['127.0.0.1:41617', 2, 16], ['[::1]:56097', 0, 8]]);
  assert.equal(report.sockets.close_wait, 1);
  assert.deepEqual(report.fds.by_type, { socket: 7, file: 4, pipe: 5, anon_inode: 0, other: 0 });
  assert.equal(report.process.uptime_s, Math.round((12345.67 - 330.83) * 10) / 10);
  assert.deepEqual(report.process.cmdline, ['/usr/bin/python3', '/tmp/fixproc.py']);
  assert.equal(findings.source, 'inspect');
  assert.deepEqual(findings.fds, { count: 16, limit: 20000, close_wait: 1 });
  assert.equal(findings.threads_by_activity?.['blocked:read'], 1);
  assert.equal(report.threads.workers, null);
  // The text view fits the terminal, the diagnosis in a line right under the process.
  const { renderInspect } = await import('../../src/report/inspect-text.js');
  const { Chalk } = await import('chalk');
  for (const width of [60, 80, 100]) {
    const lines = renderInspect(report, new Chalk({ level: 0 }), { width }).trimEnd().split('\n');
    assert.ok(lines.every((l) => l.length <= width), `${width}: ${lines.filter((l) => l.length > width).join('\n')}`);
    assert.match(lines[0], /^pid 7159 /);
    assert.match(lines[1], /^(diagnosis|top cause):/);
  }
});
