import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFdDetailRationer } from '../../src/probe/fd-detail.js';
import { rationedTcpTables } from '../../src/probe/tcp-tables.js';
import { readProcessSnapshot } from '../../src/probe/process-snapshot.js';
import { ProcReader } from '../../src/probe/proc-reader.js';
import { FIXTURE_TREE } from './fixtures-path.js';

test('fd detail: small processes every sample, large ones once per refresh; counts stay exact', () => {
  const reader = new ProcReader(FIXTURE_TREE);
  const small = readProcessSnapshot(reader, 7159);
  const r = createFdDetailRationer(1000, 10);
  r.record(small, 0);
  // 16 fds > 10: reused within the refresh, fresh after it.
  assert.equal(r.reusable(7159, 500)?.fds, 16);
  assert.equal(r.reusable(7159, 1000), undefined);
  const reused = readProcessSnapshot(reader, 7159, { reuseFdDetailOf: r.reusable(7159, 500) });
  assert.equal(reused.fdDetailFresh, false);
  assert.equal(reused.fds, 16, 'the count comes from the directory listing');
  assert.deepEqual(reused.sockets.byState, small.sockets.byState);
  const always = createFdDetailRationer(1000, 64);
  always.record(small, 0);
  assert.equal(always.reusable(7159, 10), undefined, 'up to 64 fds are read every time');
});

test('TCP tables: a read is reused for cost/share, then refreshed', () => {
  let t = 0;
  let reads = 0;
  const reader = new ProcReader(FIXTURE_TREE);
  const orig = reader.netTcp.bind(reader);
  reader.netTcp = (pid: number) => {
    reads++;
    t += 2; // the read "takes" 2 ms
    return orig(pid);
  };
  const source = rationedTcpTables(reader, () => t, 0.01);
  source(7159);
  assert.equal(reads, 1);
  t += 100;
  source(7159);
  assert.equal(reads, 1, '2 ms at 1% is one read per 200 ms');
  t += 150;
  source(7159);
  assert.equal(reads, 2);
});
