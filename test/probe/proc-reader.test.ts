import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcReader, ProcReadError } from '../../src/probe/proc-reader.js';
import { readProcessSnapshot, sumSnapshots } from '../../src/probe/process-snapshot.js';
import { descendantsOf } from '../../src/probe/process-tree.js';
import { topPeers } from '../../src/probe/tcp-sockets.js';
import { FIXTURE_TREE } from './fixtures-path.js';

test('snapshot of the fixture tree: fds by type, sockets matched by inode, listen queue', () => {
  const reader = new ProcReader(FIXTURE_TREE);
  const s = readProcessSnapshot(reader, 7159);
  assert.equal(s.threads, 3);
  assert.deepEqual(s.threadsByState, { S: 2, R: 1 });
  assert.equal(s.fds, 16);
  assert.deepEqual(s.fdsByType, { socket: 7, file: 4, pipe: 5, anon_inode: 0, other: 0 });
  assert.equal(s.fdLimit, 20000);
  // Port 2024's listener (inode 1658) belongs to another process: it must not be counted.
  assert.deepEqual(s.sockets.byState, { LISTEN: 2, ESTABLISHED: 4, CLOSE_WAIT: 1 });
  assert.deepEqual(s.sockets.listen.map((l) => [l.local, l.acceptQueue]), [['127.0.0.1:41617', 2], ['[::1]:56097', 0]]);
  assert.equal(topPeers(s.sockets.rows)[0].peer, '127.0.0.1:41617');
  assert.equal(topPeers(s.sockets.rows)[0].connections, 3);
  const t = sumSnapshots([s]);
  assert.equal(t.rssBytes, 10684 * 1024);
  assert.equal(t.tcpByState.CLOSE_WAIT, 1);
  assert.deepEqual(reader.cmdline(7159), ['/usr/bin/python3', '/tmp/fixproc.py']);
  assert.equal(reader.uptimeS(), 12345.67);
});

test('a missing pid is reported as gone', () => {
  const reader = new ProcReader(FIXTURE_TREE);
  assert.throws(() => readProcessSnapshot(reader, 99999), (e: unknown) => e instanceof ProcReadError && e.failure === 'gone');
});

test('descendants from a ppid map, grandchildren included, cycles tolerated', () => {
  const map = new Map([[10, 1], [11, 10], [12, 11], [13, 1], [14, 10], [20, 21], [21, 20]]);
  assert.deepEqual(descendantsOf(map, 10), [11, 12, 14]);
  assert.deepEqual(descendantsOf(map, 20), [21]);
  assert.deepEqual(descendantsOf(map, 99), []);
});

test('reads files larger than its buffer, and the real /proc/net/tcp whole', async () => {
  const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-proc-'));
  try {
    const big = 'x'.repeat(300 * 1024) + 'END';
    writeFileSync(join(dir, 'big'), big);
    assert.equal(new ProcReader(dir).read('big'), big);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // procfs hands out a page or so per read: a short read is not the end.
  const viaReader = new ProcReader().read('net', 'tcp').split('\n').length;
  const viaNode = readFileSync('/proc/net/tcp', 'latin1').split('\n').length;
  assert.ok(Math.abs(viaReader - viaNode) <= Math.max(20, viaNode * 0.1), `${viaReader} vs ${viaNode} lines`);
});
