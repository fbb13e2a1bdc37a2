// The service time a diagnosis reasons with is measured from completions, never from the offered
// load (issue 11: a real CherryPy app with 2 workers and a 100 ms handler, offered 60 requests/s,
// was reported at 60 requests/s — the late responses of the drain counted as throughput — and the
// service time derived from it by Little's law read 33 ms instead of about 100).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../src/run/run-record.js';
import { findingsFromRun } from '../../src/run/findings-from-run.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const HAVE_CHERRYPY = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import cherrypy']).status === 0;

test('real CherryPy, 2 workers, 100 ms handler, offered 60/s: throughput is what it served, service time ≈ 100 ms', { skip: !HAVE_CHERRYPY && 'python3-cherrypy3 not installed' }, () => {
  const r = spawnSync(process.execPath, [MAIN, 'run', 'scenarios/cherrypy-app.yaml', '--json', '--no-report', '--thread-pool', '2', '--path', '/work?io_ms=100', '-R', '60', '-d', '3s', '--warmup', '0.5s', '--timeout', '5s'], {
    cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  const rec = JSON.parse(r.stdout) as RunRecord;
  const s = rec.summary!;
  const detail = `throughput ${s.throughput_rps} rps, ${JSON.stringify(s.overload)}`;
  // 2 workers / 100 ms = at most 20 requests/s.
  assert.ok(s.throughput_rps <= 21, `no more than the pool can serve: ${detail}`);
  assert.ok(s.throughput_rps >= 8, `but it served: ${detail}`);
  assert.ok(s.overload!.completion_ratio < 0.5 && s.overload!.backlog > 60, `overloaded, and it shows: ${detail}`);
  const f = findingsFromRun(rec);
  assert.ok(f.service_time_ms! >= 90 && f.service_time_ms! <= 180, `service time ${f.service_time_ms} ms from ${detail}`);
});
