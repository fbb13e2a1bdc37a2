// Never orphaned, never wedged: whatever ends cpdiag, nothing it started keeps running, and cpdiag
// itself ends. Three of the chaos bench's trials (bench/chaos.ts) pinned as tests, and the refused
// attach that used to sample forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChaosTrial, type TrialResult } from '../helpers/chaos-trial.js';
import { runCli } from '../helpers/cli.js';
import { findNginx } from '../../src/proxy/nginx.js';
import { findApache } from '../../src/proxy/apache.js';
import { findHaproxy } from '../../src/proxy/haproxy.js';

function describe(r: TrialResult): string {
  return `exit ${r.exit} at ${r.atMs} ms; leftovers: ${r.leftovers.map((l) => `${l.pid} ${l.cmdline} (${l.why})`).join('; ') || 'none'}; dirs: ${r.leftoverDirs.join(', ') || 'none'}; docs: ${r.docProblems.join('; ') || 'ok'}\n${r.stderrTail}`;
}

test('SIGKILL of `run` while it measures the bundled server: the server goes too, the partial record stays readable', async () => {
  const r = await runChaosTrial({ command: 'run', blow: 'SIGKILL', at: 'measuring' });
  assert.equal(r.exit, 'SIGKILL', describe(r));
  assert.ok(r.processesSeen >= 2, `the trial saw the server and the watchdog: ${r.processesSeen}`);
  assert.deepEqual(r.leftovers, [], describe(r));
  assert.deepEqual(r.docProblems, [], describe(r));
  assert.ok(r.stepsAfter >= 1, 'the windows measured before the kill are on disk');
  rmSync(r.reportsDir, { recursive: true, force: true });
});

const HAVE_NGINX = findNginx() !== undefined;

test('SIGKILL of `run --proxy nginx`: the server, nginx master and workers and its directory all go', { skip: !HAVE_NGINX && 'nginx not installed' }, async () => {
  const r = await runChaosTrial({ command: 'run-nginx', blow: 'SIGKILL', at: 'measuring' });
  assert.equal(r.exit, 'SIGKILL', describe(r));
  assert.ok(r.processesSeen >= 4, `server, nginx master and worker, watchdog seen: ${r.processesSeen}`);
  assert.deepEqual(r.leftovers, [], describe(r));
  assert.deepEqual(r.leftoverDirs, [], describe(r));
  assert.deepEqual(r.docProblems, [], describe(r));
  rmSync(r.reportsDir, { recursive: true, force: true });
});

test('SIGKILL of `run --lb haproxy`: both servers, HAProxy and its directory all go', { skip: findHaproxy() === undefined && 'haproxy not installed' }, async () => {
  const r = await runChaosTrial({ command: 'run-lb-haproxy', blow: 'SIGKILL', at: 'measuring' });
  assert.equal(r.exit, 'SIGKILL', describe(r));
  assert.ok(r.processesSeen >= 4, `two servers, HAProxy, watchdog seen: ${r.processesSeen}`);
  assert.deepEqual(r.leftovers, [], describe(r));
  assert.deepEqual(r.leftoverDirs, [], describe(r));
  assert.deepEqual(r.docProblems, [], describe(r));
  rmSync(r.reportsDir, { recursive: true, force: true });
});

const HAVE_APACHE = findApache() !== undefined;

test('SIGKILL of `run --proxy apache`: the server, apache2 and its children and its directory all go', { skip: !HAVE_APACHE && 'apache2 not installed' }, async () => {
  const r = await runChaosTrial({ command: 'run-apache', blow: 'SIGKILL', at: 'measuring' });
  assert.equal(r.exit, 'SIGKILL', describe(r));
  assert.ok(r.processesSeen >= 4, `server, apache2 parent and child, watchdog seen: ${r.processesSeen}`);
  assert.deepEqual(r.leftovers, [], describe(r));
  assert.deepEqual(r.leftoverDirs, [], describe(r));
  assert.deepEqual(r.docProblems, [], describe(r));
});

test('a --cmd descendant that calls setsid and keeps the pipes: cpdiag still ends after its report, and the descendant is stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-setsid-'));
  const script = join(dir, 'server.sh');
  // The server backgrounds a helper in a new session that inherits stdout and stderr (the pipes
  // to cpdiag), then becomes the HTTP server itself.
  writeFileSync(script, `#!/bin/sh
setsid sleep 300 &
exec "${process.execPath}" -e "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')" "$1"
`);
  chmodSync(script, 0o755);
  const r = await runChaosTrial({
    command: 'run',
    // No blow: the run ends by itself; before the fix cpdiag then waited for the pipes forever.
    blow: 'close-stdout',
    at: 25_000,
    args: ['run', '--cmd', `/bin/sh ${script} {port}`, '-c', '2', '-d', '1s', '--warmup', '0s'],
    exitTimeoutMs: 30_000,
  });
  assert.equal(r.exit, '0', describe(r));
  assert.ok(r.atMs < 30_000, `cpdiag ended by itself after ${r.atMs} ms`);
  assert.deepEqual(r.leftovers, [], describe(r));
  rmSync(r.reportsDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

test('run --url <not loopback> --pid P: refused at once, and the process exits (no sampler left running)', async () => {
  const started = Date.now();
  const r = await runCli(['run', '--url', 'http://10.1.2.3:80', '--pid', String(process.pid), '-d', '2s', '--no-report'], {}, 20_000);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /refusing to load 10\.1\.2\.3/);
  assert.ok(Date.now() - started < 15_000, `exited after ${Date.now() - started} ms`);
});
