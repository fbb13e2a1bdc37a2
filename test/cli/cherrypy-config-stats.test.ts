// A real CherryPy app swept as an operator runs it: its own config file with each swept value
// applied ({config}), its statistics page read during the sweep (--stats-url), so that busy
// workers and the queue are measured for CherryPy as for the bundled server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import type { SweepDocument } from '../../src/sweep/sweep-document.js';
import type { RunRecord } from '../../src/run/run-record.js';

const PYTHON = '/usr/bin/python3';
const APP = fileURLToPath(new URL('../../../examples/cherrypy/app.py', import.meta.url));
const hasCherryPy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import cherrypy'], { stdio: 'ignore' }).status === 0;
const skip = !hasCherryPy && 'no /usr/bin/python3 with CherryPy: the app cannot run';

function configFilesLeft(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('cpdiag-config-'));
}

test('sweep of the CherryPy example with -c {config} over thread_pool 2,4 and --stats-url: busy workers for CherryPy', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-cp-sweep-'));
  const before = new Set(configFilesLeft());
  try {
    // The operator's file: a pool of 7 and a port cpdiag must override; thread_pool is swept.
    const conf = join(dir, 'app.conf');
    writeFileSync(conf, "[global]\nserver.socket_host = '127.0.0.1'\nserver.socket_port = 8080\nserver.thread_pool = 7  # swept\nserver.statistics = True\n\n[/]\ntools.encode.on = True\n");
    const r = await runCli([
      'sweep', 'thread_pool', '--values', '2,4', '--no-refine',
      '--cmd', `${PYTHON} ${APP} -c {config}`, '--config', conf, '--stats-url', '/cpstats/data', '--ready-path', '/healthz',
      '--path', '/work?io_ms=40', '--levels', '40,80', '--level-duration', '1s', '--warmup', '0.3s',
      '--no-report', '--json',
    ], {}, 150_000);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as SweepDocument;
    assert.deepEqual(doc.steps.map((s) => [s.value, s.status]), [[2, 'ok'], [4, 'ok']]);
    for (const step of doc.steps) {
      const withStats = step.probes.filter((p) => p.server);
      assert.ok(withStats.length >= 3, `thread_pool=${step.value}: ${withStats.length} samples with CherryPy's stats`);
      // The pool CherryPy reports is the swept value: the {config} file carried it (no --thread-pool in the command).
      assert.ok(withStats.every((p) => p.server!.threads === step.value), `thread_pool=${step.value}: CherryPy reports ${[...new Set(withStats.map((p) => p.server!.threads))]}`);
      assert.ok(withStats.some((p) => p.server!.busy >= 1), `thread_pool=${step.value}: busy workers seen`);
      assert.ok(withStats.some((p) => (p.server!.worker_work_time_s ?? []).length === step.value), 'work time per worker');
      const top = step.levels[step.levels.length - 1];
      assert.ok(top.saturation, `thread_pool=${step.value}: a saturation summary from the stats`);
    }
    // Pool 2 at 40-80 req/s of 40 ms is at or past its 50 req/s: CherryPy's queue shows it.
    assert.ok(doc.steps[0].levels.some((l) => (l.saturation?.queue_max ?? 0) > 0 && (l.saturation?.all_busy_share ?? 0) > 0), `pool 2: ${JSON.stringify(doc.steps[0].levels.map((l) => l.saturation))}`);
    // The private config folders are gone with their targets.
    assert.deepEqual(configFilesLeft().filter((n) => !before.has(n)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run of the CherryPy example with --stats-url: the summary shows the workers and their work time', { skip }, async () => {
  const r = await runCli([
    'run', '--cmd', `${PYTHON} ${APP} --port {port} --thread-pool {thread_pool}`, '--thread-pool', '3', '--stats-url', '/cpstats/data',
    '--ready-path', '/healthz', '--path', '/work?io_ms=20', '-c', '3', '-d', '2s', '--warmup', '0.3s', '--no-report',
  ], { COLUMNS: '200' }, 60_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /workers +[\d.]+ of 3 busy on average, queue max \d+; work time per worker/);
  const json = await runCli(['run', '--cmd', `${PYTHON} ${APP} --port {port}`, '--stats-url', '/cpstats/data', '--ready-path', '/healthz', '--path', '/', '-c', '1', '-d', '1s', '--warmup', '0s', '--no-report', '--json'], {}, 60_000);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as RunRecord;
  assert.ok(doc.probes.some((p) => p.server?.threads === 10), 'CherryPy default pool read from its stats');
});
