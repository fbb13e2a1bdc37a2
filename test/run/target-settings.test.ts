// Issue 12, "attach and command targets report what is true": settings are read from the target
// (the bundled server's stats), inferred from its process (the workers seen in /proc) or shown as
// unknown — never cpdiag's defaults presented as facts. And proxy flags without a proxy are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { startBundledServer, startCherryPy, SYSTEM_PYTHON, CHERRYPY_APP } from '../inspect/targets.js';
import type { RunRecord } from '../../src/run/run-record.js';
import { summarizeRunFacts } from '../../src/report/run-summary.js';

const HAVE_CHERRYPY = spawnSync(SYSTEM_PYTHON, ['-c', 'import cherrypy']).status === 0;
const settingsRow = (r: RunRecord) => summarizeRunFacts(r).rows.find(([k]) => k === 'settings')![1];

test('run --url --pid against a bundled server with pool 16: thread_pool=16, read from its stats (not the default 10)', async () => {
  const server = await startBundledServer(16);
  try {
    const r = await runCli(['run', '--url', server.url, '--pid', String(server.pid), '--path', '/work?io_ms=5', '-c', '4', '-d', '1.5s', '--warmup', '0.3s', '--json', '--no-report']);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout) as RunRecord;
    assert.equal(rec.settings.thread_pool, 16);
    assert.equal(rec.settings_source?.thread_pool, 'stats');
    assert.ok(rec.probes.some((p) => p.server?.threads === 16), 'its stats were read during the run');
    assert.match(settingsRow(rec), /thread_pool=16 \(stats\)/);
  } finally {
    await server.stop();
  }
});

test('run --url --pid against CherryPy with pool 2: the pool inferred from its threads, the rest unknown, the diagnosis says 2 workers', { skip: !HAVE_CHERRYPY && 'python3-cherrypy3 not installed' }, async () => {
  const app = await startCherryPy(2, 64);
  try {
    const r = await runCli(['run', '--url', app.url, '--pid', String(app.pid), '--path', '/work?io_ms=100', '-c', '16', '-d', '2.5s', '--warmup', '0.5s', '--json', '--no-report']);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout) as RunRecord;
    assert.equal(rec.settings.thread_pool, 2, JSON.stringify(rec.settings_source));
    assert.equal(rec.settings_source?.thread_pool, 'inferred');
    const row = settingsRow(rec);
    assert.match(row, /thread_pool=2 \(inferred\)/);
    assert.match(row, /gil=unknown/);
    assert.match(row, /socket_timeout=unknown/);
    assert.doesNotMatch(row, /thread_pool=10/);
    const top = rec.diagnosis!.causes[0];
    assert.equal(top?.id, 'pool-too-small', JSON.stringify(rec.diagnosis!.causes.map((c) => [c.id, c.confidence])));
    assert.ok(top.evidence.some((e) => /\b2 workers\b/.test(e.text)), JSON.stringify(top.evidence));
    assert.ok(!JSON.stringify(top.evidence).includes('10 workers'));
  } finally {
    await app.stop();
  }
});

test('--cmd CherryPy: only the settings its command passes are known (no gil=on, no socket_timeout=10s)', { skip: !HAVE_CHERRYPY && 'python3-cherrypy3 not installed' }, async () => {
  const r = await runCli(['run', '--cmd', `${SYSTEM_PYTHON} ${CHERRYPY_APP} --port {port} --thread-pool {thread_pool}`, '--ready-path', '/healthz',
    '--thread-pool', '4', '--path', '/work?io_ms=5', '-c', '2', '-d', '1.5s', '--warmup', '0.3s', '--json', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const rec = JSON.parse(r.stdout) as RunRecord;
  const row = settingsRow(rec);
  assert.match(row, /thread_pool=4\b/);
  assert.match(row, /socket_timeout=unknown/);
  assert.match(row, /gil=unknown/);
  assert.ok(!rec.settings_known!.includes('gil'));
});

test('--proxy-read-timeout (and the other proxy flags) without --proxy are refused with exit 2', async () => {
  for (const flags of [['--proxy-read-timeout', '1s'], ['--no-proxy-keepalive']]) {
    const r = await runCli(['run', ...flags, '-d', '1s', '--no-report']);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /add --proxy nginx/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
