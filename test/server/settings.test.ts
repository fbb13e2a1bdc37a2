// cpdiag serve's settings: defaults < config file < flags, and every refusal before anything
// starts (exit 2, a message naming the key, the value and, for a file, file:line), the same from
// `cpdiag serve` and from the lean entry that bundled targets use (src/server/serve-entry.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { CLI } from '../helpers/cli.js';
import { SERVE_ENTRY_PATH } from '../../src/target/kinds/bundled.js';
import { getStats } from './http-util.js';

const dir = mkdtempSync(join(tmpdir(), 'cpdiag-serve-settings-'));

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** dist/ rebuilt by someone else while node loads it: not what these tests are about. */
const MODULE_LOAD_FAILURE = /ERR_MODULE_NOT_FOUND|does not provide an export|SyntaxError/;

/** `cpdiag serve ARGS`, or with entry 'lean' `node serve-entry.js ARGS`. */
async function runServe(args: string[], entry: 'cli' | 'lean' = 'cli'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = entry === 'cli' ? [CLI, 'serve', '--socket-port', '0', ...args] : [SERVE_ENTRY_PATH, '--socket-port', '0', ...args];
  for (let attempt = 1; ; attempt++) {
    const r = await runServeOnce(argv);
    if (attempt >= 3 || !MODULE_LOAD_FAILURE.test(r.stderr)) return r;
  }
}

function runServeOnce(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    // A refused setting exits as soon as node has loaded the CLI; a server that starts instead
    // is killed here and fails the test. Generous: the machine may be loaded.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('config file over defaults, flags over the config file', async () => {
  const file = writeConfig('ok.conf', [
    '[global]',
    'server.thread_pool = 3',
    'server.socket_timeout = 7',
    'server.max_request_body_size = 10 * 1024',
    "tools.sessions.on = True",
    '[/static]',
    'tools.staticdir.on = True',
  ].join('\n'));
  const server = await spawnBundledServer({ thread_pool: 5 }, { extraArgs: ['--config', file] });
  try {
    const stats = await getStats(server.url);
    assert.equal(stats.settings.thread_pool, 5, 'flag wins over file');
    assert.equal(stats.settings.socket_timeout, 7, 'file wins over default');
    assert.equal(stats.settings.max_request_body_size, 10240);
    assert.equal(stats.settings.socket_queue_size, 5, 'default kept');
    assert.equal(stats.threads.total, 5);
    assert.equal(stats.workers.length, 5);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  } finally {
    await server.stop();
  }
});

test('bad settings are refused before anything starts, exit 2, naming key, value and place', async () => {
  const unknown = writeConfig('unknown.conf', '[global]\nserver.thread_poool = 4\n');
  const nonNumeric = writeConfig('nonnum.conf', '[global]\n\nserver.thread_pool = lots\n');
  const outOfRange = writeConfig('range.conf', '[global]\nserver.socket_port = 70000\n');
  const cases: { args: string[]; expect: RegExp[] }[] = [
    { args: ['--config', unknown], expect: [/unknown\.conf:2/, /server\.thread_poool/] },
    { args: ['--config', nonNumeric], expect: [/nonnum\.conf:3/, /server\.thread_pool = lots/, /expected a number/] },
    { args: ['--config', outOfRange], expect: [/range\.conf:2/, /server\.socket_port = 70000/, /at most 65535/] },
    { args: ['--config', join(dir, 'missing.conf')], expect: [/cannot read config file .*missing\.conf/] },
    { args: ['--thread-pool', 'abc'], expect: [/--thread-pool/, /abc/, /expected a number/] },
    { args: ['--thread-pool', '0'], expect: [/--thread-pool/, /at least 1/] },
    { args: ['--socket-timeout', '-1'], expect: [/--socket-timeout/, /at least 0/] },
    { args: ['--gil', 'maybe'], expect: [/--gil/, /maybe/, /True or False/] },
    { args: ['--accepted-queue-size', '-2'], expect: [/--accepted-queue-size/, /at least -1/] },
    { args: ['--thread-pol', '4'], expect: [/unknown option/] },
    { args: ['--drain-timeout', 'soon'], expect: [/--drain-timeout/, /soon/] },
  ];
  // Both entries parse with the same table and validators: each case is refused by both alike.
  for (const entry of ['cli', 'lean'] as const) {
    // Three at a time: eleven node processes loading the CLI at once swamp a 2-core machine.
    const results: Awaited<ReturnType<typeof runServe>>[] = [];
    for (let i = 0; i < cases.length; i += 3) {
      results.push(...(await Promise.all(cases.slice(i, i + 3).map((c) => runServe(c.args, entry)))));
    }
    results.forEach((r, i) => {
      const label = `${entry}: ${cases[i].args.join(' ')}`;
      assert.equal(r.code, 2, `${label}: exit ${r.code}, stderr ${r.stderr}`);
      assert.equal(r.stdout, '', `${label}: nothing on stdout`);
      for (const re of cases[i].expect) assert.match(r.stderr, re, `${label}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${label}: no stack trace`);
    });
  }
});

test('the lean entry loads no command-line module', async () => {
  // Started with a resolve hook that prints every module node loads: nothing under cli/ or
  // src/cli/, and not commander. (--import registers the hook before the entry runs.)
  writeFileSync(join(dir, 'list-modules.mjs'), "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n");
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module'; register('./list-modules.mjs', import.meta.url);\n");
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, SERVE_ENTRY_PATH, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  assert.equal(r.code, 0, r.stderr);
  const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  assert.ok(loaded.some((u) => u.endsWith('/src/server/serve-entry.js')), `the hook saw the entry: ${r.stderr}`);
  assert.ok(loaded.some((u) => u.endsWith('/src/server/run-serve.js')), 'and what it imports');
  assert.deepEqual(loaded.filter((u) => /\/dist\/cli\/|\/src\/cli\/|commander/.test(u)), []);
});

test('CPDIAG_WORK_SCALE stretches /work and shows in the stats; a bad value refuses to start', async () => {
  const server = await spawnBundledServer({ thread_pool: 1 }, { env: { ...process.env, CPDIAG_WORK_SCALE: '3' } });
  try {
    const t0 = performance.now();
    await getStats(server.url);
    const { httpGet } = await import('./http-util.js');
    assert.equal((await httpGet(`${server.url}/work?io_ms=100`)).status, 200);
    assert.ok(performance.now() - t0 >= 290, 'io_ms=100 scaled by 3');
    assert.equal((await getStats(server.url)).work_scale, 3);
  } finally {
    await server.stop();
  }
  const bad = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--socket-port', '0'], { env: { ...process.env, CPDIAG_WORK_SCALE: 'fast' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /CPDIAG_WORK_SCALE=fast/);
});
