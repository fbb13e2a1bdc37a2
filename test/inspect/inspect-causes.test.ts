// Issue 12, "inspect on a par with run": each reproduction on a real CherryPy process (the example
// app), inspected while the fault runs. What the threads are doing decides: workers blocked on one
// peer name that peer; leaked threads parked like workers are leaked, not the pool; cheroot's
// acceptor is not a worker; RSS growth reaches the diagnosis; CLOSE_WAIT from nginx in front is the
// proxy giving up on queued requests; cheroot's own "Requests" is not read as a request rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { startSlowPeer } from '../helpers/slow-peer.js';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { renderInspect } from '../../src/report/inspect-text.js';
import { startNginxProxy, findNginx } from '../../src/proxy/nginx.js';
import { Chalk } from 'chalk';
import { delay, startCherryPy, startLoad, SYSTEM_PYTHON } from './targets.js';

const HAVE_CHERRYPY = spawnSync(SYSTEM_PYTHON, ['-c', 'import cherrypy']).status === 0;
const skip = !HAVE_CHERRYPY && 'python3-cherrypy3 not installed (apt-get install python3-cherrypy3)';
const ids = (r: Awaited<ReturnType<typeof inspectProcess>>) => r.report.diagnosis?.causes.map((c) => `${c.id} ${c.confidence}`) ?? [];

test('workers blocked on one slow peer: that peer is named, and a bigger pool is not the fix', { skip }, async () => {
  const peer = await startSlowPeer(600);
  const app = await startCherryPy(4, 64);
  const load = startLoad(app.url, `/upstream?port=${peer.port}`, { concurrency: 8, maxMs: 15000 });
  try {
    await delay(800);
    const r = await inspectProcess({ pid: app.pid, durationS: 2, intervalMs: 100 });
    const w = r.report.threads.workers!;
    assert.equal(w.total, 4, JSON.stringify(w));
    assert.deepEqual(w.blocked_on_peer?.peer, `127.0.0.1:${peer.port}`, JSON.stringify(w));
    assert.ok(r.findings.blocked_on_peer && r.findings.blocked_on_peer.workers >= 3, JSON.stringify(r.findings.blocked_on_peer));
    const causes = r.report.diagnosis!.causes;
    assert.equal(causes[0]?.id, 'slow-downstream-peer', ids(r).join(', '));
    assert.ok(causes[0].evidence.some((e) => e.text.includes(`127.0.0.1:${peer.port}`)), JSON.stringify(causes[0].evidence));
    assert.match(causes[0].fix, /do not raise server\.thread_pool|only queue/);
    const pool = causes.find((c) => c.id === 'pool-too-small');
    assert.ok(!pool || pool.confidence < causes[0].confidence);
    // Workers waiting on an outbound peer are not held by their clients (issue 13).
    const held = r.report.diagnosis!.detectors.find((d) => d.detector === 'workers-held-by-clients');
    assert.equal(held?.status, 'none', JSON.stringify(held));
    assert.ok(!causes.some((c) => c.id === 'idle-connections-hold-workers'), ids(r).join(', '));
  } finally {
    await load.stop();
    await app.stop();
    await peer.close();
  }
});

test('leaked threads parked like idle workers are leaked, not workers: the pool stays 4 and threads-over-pool can fire', { skip }, async () => {
  const app = await startCherryPy(4, 64);
  try {
    // Leak 60 threads before the window (a process that has been leaking for a while), well after
    // the pool started, as in production.
    await delay(1500);
    for (let i = 0; i < 60; i++) await fetch(`${app.url}/leak/thread`).then((r) => r.text());
    await delay(300);
    const leaking = startLoad(app.url, '/leak/thread', { concurrency: 1, maxMs: 8000, paceMs: 80, maxRequests: 60 });
    const r = await inspectProcess({ pid: app.pid, durationS: 2.5, intervalMs: 125 });
    await leaking.stop();
    const w = r.report.threads.workers!;
    assert.equal(w.total, 4, `the pool: ${JSON.stringify(w)}`);
    assert.ok(w.leaked >= 50, `leaked ${w.leaked}`);
    assert.equal(r.findings.settings?.thread_pool, 4);
    assert.equal(r.report.diagnosis!.detectors.find((d) => d.detector === 'threads-over-pool')!.status, 'issue');
    assert.equal(r.report.diagnosis!.causes[0]?.id, 'thread-leak', ids(r).join(', '));
  } finally {
    await app.stop();
  }
});

test("cheroot's acceptor queueing for the GIL is not an 11th worker: CPU-bound pool of 4 counts 4", { skip }, async () => {
  const app = await startCherryPy(4, 64);
  const load = startLoad(app.url, '/work?cpu_ms=40', { concurrency: 8, maxMs: 12000 });
  try {
    await delay(600);
    const r = await inspectProcess({ pid: app.pid, durationS: 2, intervalMs: 100 });
    const w = r.report.threads.workers!;
    assert.equal(w.total, 4, JSON.stringify(w));
  } finally {
    await load.stop();
    await app.stop();
  }
});

test('RSS growth in a short window reaches the diagnosis (said to be the least evidence a window gives)', { skip }, async () => {
  const app = await startCherryPy(4, 64);
  const load = startLoad(app.url, '/leak/memory?kb=512', { concurrency: 2, maxMs: 10000, paceMs: 20, maxRequests: 600 });
  try {
    await delay(300);
    const r = await inspectProcess({ pid: app.pid, durationS: 3, intervalMs: 125 });
    assert.equal(r.report.drift.rss_bytes?.drifting, true, JSON.stringify(r.report.drift.rss_bytes));
    assert.ok(r.findings.rss_bytes! > 0);
    const rss = r.report.diagnosis!.detectors.find((d) => d.detector === 'rss-drift')!;
    assert.equal(rss.status, 'issue', JSON.stringify(rss));
    assert.ok(rss.evidence.some((e) => /window of only/.test(e.text)), 'the short window is said');
    assert.equal(r.report.diagnosis!.causes[0]?.id, 'per-request-cache', ids(r).join(', '));
  } finally {
    await load.stop();
    await app.stop();
  }
});

test('nginx in front gave up on queued requests: CLOSE_WAIT is the proxy\'s, not a socket leak; the text lists what it could not judge', { skip: skip || (!findNginx() && 'nginx not installed') }, async () => {
  const app = await startCherryPy(2, 64);
  const nginx = await startNginxProxy({ upstreamUrl: app.url, readTimeoutS: 0.5, keepalive: false });
  const load = startLoad(nginx.url, '/work?io_ms=1200', { concurrency: 10, maxMs: 15000 });
  try {
    await delay(2500);
    const r = await inspectProcess({ pid: app.pid, durationS: 2, intervalMs: 125 });
    assert.ok(r.report.sockets.close_wait >= 3, `CLOSE_WAIT ${r.report.sockets.close_wait}`);
    assert.equal(r.report.proxy?.name, 'nginx', JSON.stringify(r.report.proxy));
    assert.ok(r.report.proxy!.close_wait_from_proxy >= 3);
    assert.ok(r.report.proxy!.error_log && r.report.proxy!.error_log.upstream_timeouts >= 1, JSON.stringify(r.report.proxy));
    const causes = r.report.diagnosis!.causes.map((c) => c.id);
    assert.equal(causes[0], 'proxy-gave-up-on-queued-requests', ids(r).join(', '));
    const leakIdx = causes.indexOf('sockets-not-closed-on-disconnect');
    assert.ok(leakIdx < 0, `not a socket leak: ${ids(r).join(', ')}`);
    const text = renderInspect(r.report, new Chalk({ level: 0 }));
    assert.match(text, /nginx \(pid \d+\) is in front of this server/);
    assert.match(text, /Could not judge \d+ causes? from this window/);
  } finally {
    await load.stop();
    await nginx.stop();
    await app.stop();
  }
});

test("cheroot's statistics: 8 workers x 100 ms cannot serve more than 80 req/s, and inspect --stats does not say more", { skip }, async () => {
  const app = await startCherryPy(8, 64);
  // Keep-alive clients: cheroot's own "Requests" overcounts exactly these.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let stop = false;
  let done = 0;
  const loops = Array.from({ length: 16 }, async () => {
    const deadline = Date.now() + 15000;
    while (!stop && Date.now() < deadline && done < 5000) {
      await new Promise<void>((resolve) => {
        http.get(`${app.url}/work?io_ms=100`, { agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', () => resolve());
      });
      done++;
    }
  });
  try {
    await delay(1500);
    const r = await inspectProcess({ pid: app.pid, durationS: 2.5, intervalMs: 250, statsUrl: `${app.url}/cpstats/data` });
    const rate = r.report.server?.requests_per_s;
    assert.ok(r.report.server && r.report.server.samples > 0, 'stats answered');
    assert.ok(rate === null || rate === undefined || rate <= 88, `requests_per_s ${rate} for 8 workers x 100 ms`);
    assert.ok(rate !== null && rate !== undefined && rate > 20, `the app counts requests (tools.cpstats): ${rate}`);
  } finally {
    stop = true;
    await Promise.all(loops);
    agent.destroy();
    await app.stop();
  }
});
