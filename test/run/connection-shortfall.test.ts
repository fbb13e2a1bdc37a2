// Issue 12, "connections that never arrived are invisible": with the default socket_queue_size of
// 5, a closed loop of 300 connections establishes about half of them while the kernel counts
// listen-queue overflows. The run must say the requested concurrency was never reached, and name
// the backlog as a cause with its fix; with a backlog of 512 every connection arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';
import { summarizeRunFacts } from '../../src/report/run-summary.js';

function run(...flags: string[]): Promise<RunRecord> {
  return runCli(['run', '--path', '/work?io_ms=20', '-c', '300', '-d', '2.5s', '--warmup', '1s', '--json', '--no-report', ...flags]).then((r) => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as RunRecord;
  });
}

test('-c 300 against socket_queue_size 5: the shortfall is measured and listen-backlog-too-small names it', async () => {
  const rec = await run();
  assert.ok(rec.connections && rec.connections.requested === 300, JSON.stringify(rec.connections));
  assert.ok(rec.connections.served < 290, `served ${rec.connections.served} of 300`);
  assert.ok(rec.listen_overflows && rec.listen_overflows.overflows > 0, JSON.stringify(rec.listen_overflows));
  const ids = rec.diagnosis!.causes.map((c) => c.id);
  assert.ok(ids.slice(0, 2).includes('listen-backlog-too-small'), ids.join(', '));
  const cause = rec.diagnosis!.causes.find((c) => c.id === 'listen-backlog-too-small')!;
  assert.match(cause.fix, /socket_queue_size/);
  assert.match(cause.fix, /somaxconn/);
  const row = summarizeRunFacts(rec).rows.find(([k]) => k === 'connections');
  assert.ok(row && /never reached/.test(row[1]), JSON.stringify(row));
});

test('-c 300 against socket_queue_size 512: every connection arrives, no backlog cause', async () => {
  const rec = await run('--socket-queue-size', '512');
  assert.ok(rec.connections, 'counted');
  assert.ok(rec.connections.served >= 297, `served ${rec.connections.served} of 300`);
  assert.ok(!rec.diagnosis!.causes.some((c) => c.id === 'listen-backlog-too-small'), rec.diagnosis!.causes.map((c) => c.id).join(', '));
});
