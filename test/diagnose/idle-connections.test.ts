// Issue 13, "fresh connections hold a worker": connections that connect and send nothing (or half a
// request head) hold cheroot's workers until socket_timeout, and the diagnosis must say so —
// `idle-connections-hold-workers` first — from `run` and from `inspect <pid>`, on the bundled server
// (its workers' own `reading` state) and on real CherryPy (workers blocked in poll on sockets
// accepted on the server's port, read from /proc). A healthy run and workers blocked on an outbound
// peer must not name it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import type { RunRecord } from '../../src/run/run-record.js';
import type { InspectReport } from '../../src/inspect/inspect-report.js';
import type { Diagnosis } from '../../src/diagnose/diagnosis.js';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { CPDIAG, delay, startCherryPy, startLoad, SYSTEM_PYTHON } from '../inspect/targets.js';

const CAUSE = 'idle-connections-hold-workers';
const DETECTOR = 'workers-held-by-clients';
const HAVE_CHERRYPY = spawnSync(SYSTEM_PYTHON, ['-c', 'import cherrypy']).status === 0;

const ids = (d: Diagnosis | null | undefined) => (d?.causes ?? []).map((c) => `${c.id} ${c.confidence}`).join(', ');
const detectorOf = (d: Diagnosis | null | undefined) => d?.detectors.find((x) => x.detector === DETECTOR);

/**
 * `count` raw connections to a loopback port that never complete a request: even ones send
 * nothing, odd ones half a request head. A connection the server closes (its socket_timeout) is
 * opened again, as slowloris does. Bounded: everything closes at close() or after maxMs.
 */
function holdConnections(port: number, count: number, maxMs: number): { close(): void; opened(): number } {
  const deadline = Date.now() + maxMs;
  const sockets = new Set<net.Socket>();
  let stopped = false;
  let opened = 0;
  const open = (i: number) => {
    if (stopped || Date.now() > deadline) return;
    const s = net.connect(port, '127.0.0.1', () => {
      opened++;
      if (i % 2 === 1) s.write('GET /work HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    });
    sockets.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      setTimeout(() => open(i), 20).unref();
    });
  };
  for (let i = 0; i < count; i++) open(i);
  const timer = setTimeout(() => close(), maxMs);
  timer.unref();
  const close = () => {
    stopped = true;
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  };
  return { close, opened: () => opened };
}

/** The CLI, asynchronously (the held connections live in this process's event loop). */
function cli(args: string[], timeoutMs = 30_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CPDIAG, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test('bundled server, pool 2: healthy run does not name it; 3 connections that send nothing or half a head → first in run and in inspect', async () => {
  const server = await spawnBundledServer({ thread_pool: 2, socket_timeout: 30 });
  const port = Number(new URL(server.url).port);
  const attach = ['--url', server.url, '--pid', String(server.pid), '--stats-url', '/_cpdiag/stats', '--json', '--no-report', '--warmup', '0s', '--path', '/work?io_ms=5'];
  let hold: ReturnType<typeof holdConnections> | undefined;
  try {
    // Healthy: 2 closed-loop clients of a 5 ms handler on 2 workers; nothing holds them.
    const healthy = await cli(['run', ...attach, '-c', '2', '-d', '1s']);
    assert.equal(healthy.status, 0, healthy.stderr);
    const h = (JSON.parse(healthy.stdout) as RunRecord).diagnosis;
    assert.equal(detectorOf(h)?.status, 'none', JSON.stringify(detectorOf(h)));
    assert.ok(!h!.causes.some((c) => c.id === CAUSE), ids(h));

    hold = holdConnections(port, 3, 20_000);
    await delay(300);
    assert.ok(hold.opened() >= 3, `connections opened: ${hold.opened()}`);
    const held = await cli(['run', ...attach, '-c', '4', '-d', '1.5s']);
    assert.equal(held.status, 0, held.stderr);
    const r = (JSON.parse(held.stdout) as RunRecord).diagnosis!;
    assert.equal(r.causes[0]?.id, CAUSE, ids(r));
    assert.ok(detectorOf(r)!.strength >= 0.9, JSON.stringify(detectorOf(r)));
    assert.match(r.causes[0].evidence[0].text, /2 of 2 workers .* blocked reading from clients/);
    assert.match(r.causes[0].fix, /proxy_request_buffering on/);
    assert.match(r.causes[0].fix, /'server\.socket_timeout': 15\b/, 'half the measured 30 s');
    const pool = r.causes.find((c) => c.id === 'pool-too-small');
    assert.ok(!pool || pool.confidence < r.causes[0].confidence, ids(r));

    const inspected = await cli(['inspect', String(server.pid), '--stats', `${server.url}/_cpdiag/stats`, '--duration', '1s', '--interval', '100ms', '--json']);
    assert.equal(inspected.status, 0, inspected.stderr);
    const i = (JSON.parse(inspected.stdout) as InspectReport).diagnosis;
    assert.equal(i?.causes[0]?.id, CAUSE, ids(i));
  } finally {
    hold?.close();
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
