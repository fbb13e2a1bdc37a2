// Every case of the differential corpus does on each server what docs/server.md documents (the
// table bench/differential.ts generates): statuses in order, whether the connection closed, and
// how many requests reached the application. Real CherryPy is required: CI installs it, so a
// missing one fails here rather than skips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnBundledServer, type BundledServer } from '../helpers/bundled-server.js';
import {
  CORPUS_SOCKET_TIMEOUT_S, CORPUS_THREAD_POOL, DIFFERENTIAL_CASES, formatOutcome, runCase, type CaseOutcome, type CaseResult,
} from './differential-corpus.js';
import { bundledTarget } from './bundled-target.js';
import { startCherryPyExample, type CherryPyExample } from './cherrypy-example.js';
import { getStats, waitForStats } from './http-util.js';

let bundled: BundledServer;
let cheroot: CherryPyExample;

before(async () => {
  bundled = await spawnBundledServer({ thread_pool: CORPUS_THREAD_POOL, socket_timeout: CORPUS_SOCKET_TIMEOUT_S });
  cheroot = await startCherryPyExample({ threadPool: CORPUS_THREAD_POOL, socketTimeoutS: CORPUS_SOCKET_TIMEOUT_S });
});
after(async () => {
  await Promise.all([bundled?.stop(), cheroot?.stop()]);
});

function assertOutcome(server: string, id: string, got: CaseResult, want: CaseOutcome): void {
  const label = `${server} ${id}: got ${formatOutcome(got)}, documented ${formatOutcome(want)}`;
  assert.deepEqual(got.statuses, want.statuses, label);
  assert.equal(got.closed, want.closed, label);
  assert.equal(got.seen, want.seen, label);
  assert.equal(got.garbage, '', `${label}: bytes that are no response: ${JSON.stringify(got.garbage.slice(0, 60))}`);
}

test('every corpus case does on the bundled server and on cheroot what docs/server.md says', async (t) => {
  const b = bundledTarget(bundled);
  const failures: string[] = [];
  for (const c of DIFFERENTIAL_CASES) {
    const [rb, rc] = await Promise.all([runCase(b, c), runCase(cheroot, c)]);
    for (const [name, got, want] of [['bundled', rb, c.bundled], ['cheroot', rc, c.cheroot]] as const) {
      try {
        assertOutcome(name, c.id, got, want);
      } catch (e) {
        failures.push((e as Error).message.split('\n')[0]);
      }
    }
  }
  t.diagnostic(`${DIFFERENTIAL_CASES.length} cases against CherryPy ${cheroot.versions.cherrypy} / cheroot ${cheroot.versions.cheroot}`);
  assert.deepEqual(failures, [], failures.join('\n'));
  // And the bundled server is left with nothing held.
  const stats = await waitForStats(bundled.url, (s) => s.threads.busy === 0 && s.requests.in_flight === 0, 5000);
  assert.equal(stats.queue.depth, 0);
  assert.ok((await getStats(bundled.url)).threads.total === CORPUS_THREAD_POOL);
});
