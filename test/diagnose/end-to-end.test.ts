// The whole chain on a real CherryPy (cheroot) process: cpdiag run drives load, samples /proc,
// and the diagnosis must name the pool when it is too small, and nothing when it is ample. The
// app has no pool statistics, so this exercises the Little's-law path as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../src/run/run-record.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const HAVE_CHERRYPY = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import cherrypy']).status === 0;

function run(...flags: string[]): RunRecord {
  const r = spawnSync(process.execPath, [MAIN, 'run', 'scenarios/cherrypy-app.yaml', '--json', '--no-report', '-d', '3s', '--warmup', '0.5s', ...flags], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as RunRecord;
}

test('real CherryPy, 2 workers for 20 clients of a 20 ms handler → pool-too-small first', { skip: !HAVE_CHERRYPY && 'python3-cherrypy3 not installed' }, () => {
  const rec = run('--thread-pool', '2', '-c', '20');
  const causes = rec.diagnosis!.causes;
  assert.equal(causes[0]?.id, 'pool-too-small', JSON.stringify(causes.map((c) => [c.id, c.confidence])));
  assert.match(causes[0].fix, /server\.thread_pool/);
});

test('real CherryPy, 16 workers for 4 clients → no cause', { skip: !HAVE_CHERRYPY && 'python3-cherrypy3 not installed' }, () => {
  const rec = run('--thread-pool', '16', '-c', '4');
  assert.deepEqual(rec.diagnosis!.causes.map((c) => c.id), []);
  // Measured, not missing: the workers were read from /proc and none was held by a client.
  const held = rec.diagnosis!.detectors.find((d) => d.detector === 'workers-held-by-clients');
  assert.equal(held?.status, 'none', JSON.stringify(held));
});
