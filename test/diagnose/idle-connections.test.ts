// Issue 13, "fresh connections hold a worker": connections that connect and send nothing (or half a
// request head) hold cheroot's workers until socket_timeout, and the diagnosis must say so —
// `idle-connections-hold-workers` first — from `run` and from `inspect <pid>`, on the bundled server
// (its workers' own `reading` state) and on real CherryPy (workers blocked in poll on sockets
// accepted on the server's port, read from /proc). That a healthy run and workers blocked on an
// outbound peer do not name it is checked where those runs already are (end-to-end.test.ts,
// inspect/inspect-causes.test.ts), without a run of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { holdConnections } from '../helpers/held-connections.js';
import { executeRun } from '../../src/run/execute-run.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { Diagnosis } from '../../src/diagnose/diagnosis.js';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { healthyFindings } from './fixtures.js';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { delay, startCherryPy, startLoad, SYSTEM_PYTHON } from '../inspect/targets.js';

const CAUSE = 'idle-connections-hold-workers';
const DETECTOR = 'workers-held-by-clients';
const HAVE_CHERRYPY = spawnSync(SYSTEM_PYTHON, ['-c', 'import cherrypy']).status === 0;

const ids = (d: Diagnosis | null | undefined) => (d?.causes ?? []).map((c) => `${c.id} ${c.confidence}`).join(', ');
const detectorOf = (d: Diagnosis | null | undefined) => d?.detectors.find((x) => x.detector === DETECTOR);

test('findings: half the pool held by clients with the pool full → first; slow uploads cut off by socket_timeout → socket-timeout-too-low leads', () => {
  const f = healthyFindings();
  f.workers_on_clients = { mean: 10, max: 14, total_workers: 16, samples: 30, source: 'proc' };
  f.saturation = { ...f.saturation!, all_busy_share: 0.9, busy_mean: 15.8, queue_p50: 6, queue_p99: 20, queue_max: 24 };
  const d = diagnose(f);
  assert.equal(d.causes[0]?.id, CAUSE, ids(d));
  // The same workers held, but by legitimate slow uploads that socket_timeout cut off: a lower
  // timeout would cut off more of them; raising it (behind a buffering proxy) is the fix.
  f.slow_clients = { attempted: 10, failed: 8, by_kind: { reset: 8 }, pause_s: 15 };
  const slow = diagnose(f);
  assert.equal(slow.causes[0]?.id, 'socket-timeout-too-low', ids(slow));
  const held = slow.causes.find((c) => c.id === CAUSE);
  assert.ok(!held || held.confidence < slow.causes[0].confidence, ids(slow));
});

test('bundled server, pool 2: 3 connections that send nothing or half a head → first in run and in inspect <pid>', async () => {
  const server = await spawnBundledServer({ thread_pool: 2, socket_timeout: 30 });
  const hold = holdConnections(Number(new URL(server.url).port), 3, 15_000);
  try {
    await delay(200);
    assert.ok(hold.opened() >= 3, `connections opened: ${hold.opened()}`);
    const scenario = parseScenario({
      name: 'idle-connections',
      target: { kind: 'attached', url: server.url, pid: server.pid, stats_url: '/_cpdiag/stats' },
      load: { mode: 'closed', connections: 4, duration_s: 1.5, warmup_s: 0 },
      mix: [{ path: '/work?io_ms=5' }],
    }, 'test');
    const { record } = await executeRun({ scenario });
    const r = record.diagnosis!;
    assert.equal(r.causes[0]?.id, CAUSE, ids(r));
    assert.ok(detectorOf(r)!.strength >= 0.9, JSON.stringify(detectorOf(r)));
    assert.match(r.causes[0].evidence[0].text, /2 of 2 workers .* blocked reading from clients/);
    assert.match(r.causes[0].fix, /proxy_request_buffering on/);
    assert.match(r.causes[0].fix, /'server\.socket_timeout': 15\b/, 'half the measured 30 s');
    const pool = r.causes.find((c) => c.id === 'pool-too-small');
    assert.ok(!pool || pool.confidence < r.causes[0].confidence, ids(r));

    const i = await inspectProcess({ pid: server.pid, durationS: 1, intervalMs: 100, statsUrl: `${server.url}/_cpdiag/stats` });
    assert.equal(i.findings.workers_on_clients?.source, 'server');
    assert.equal(i.report.diagnosis?.causes[0]?.id, CAUSE, ids(i.report.diagnosis));
  } finally {
    hold.close();
    await server.stop(1000);
  }
});

test('real CherryPy, pool 2: 3 held connections → first in inspect, from /proc alone (workers in poll on accepted sockets)', { skip: !HAVE_CHERRYPY && 'python3-cherrypy3 not installed' }, async () => {
  const app = await startCherryPy(2, 64);
  const hold = holdConnections(Number(new URL(app.url).port), 3, 15_000);
  const load = startLoad(app.url, '/work?io_ms=5', { concurrency: 2, maxMs: 6000 });
  try {
    await delay(500);
    const r = await inspectProcess({ pid: app.pid, durationS: 1.5, intervalMs: 100 });
    const w = r.report.threads.workers!;
    assert.equal(w.total, 2, JSON.stringify(w));
    assert.ok(w.on_clients && w.on_clients.mean >= 1.5, JSON.stringify(w));
    assert.equal(w.blocked_on_peer, null, 'a client is not a peer');
    assert.ok(r.report.threads.by_activity.some((g) => /blocked in (poll|recvfrom) on a client of 127\.0\.0\.1:\d+/.test(g.activity)), JSON.stringify(r.report.threads.by_activity));
    assert.equal(r.findings.workers_on_clients?.source, 'proc');
    const d = r.report.diagnosis!;
    assert.equal(d.causes[0]?.id, CAUSE, ids(d));
    assert.match(d.causes[0].evidence[0].text, /2 of 2 workers/);
  } finally {
    hold.close();
    await load.stop();
    await app.stop();
  }
});
