// Hostile or broken input to the command line (issue 13, item 7, and "Input limits"): each is
// refused with one line and exit 2, or ends quietly, never with a stack trace or unbounded memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureEnvironment } from '../../src/environment.js';
import { parseBaseline } from '../../src/gate/baseline-file.js';
import { CpdiagError } from '../../src/exit-codes.js';
import { syntheticRun } from '../diagnose/run-fixture.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
let dir: string;

function cpdiag(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function refused(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpdiag-limits-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('diagnose /dev/zero: refused at the document size limit, in bounded memory', () => {
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, MAIN, 'diagnose', '/dev/zero'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  refused({ code: r.status, stderr: r.stderr.replace(/\nmaxrss_kb=.*\n?$/, '\n').replace(/Command exited with non-zero status 2\n/, '') }, /\/dev\/zero is larger than 256\.0 MiB, the most cpdiag reads/);
  const rssKb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)![1]);
  assert.ok(rssKb < 600 * 1024, `peak RSS ${rssKb} KiB`);
  // A scenario file and a config file are bounded too (smaller: people write them).
  refused(cpdiag(['run', '/dev/zero', '--no-report']), /scenario file \/dev\/zero is larger than 8\.0 MiB/);
  refused(cpdiag(['run', '--config', '/dev/zero', '--no-report']), /config file \/dev\/zero is larger than 8\.0 MiB/);
  refused(cpdiag(['diagnose', dir]), /is a directory/);
});

test('a run document with a garbage series or probes is refused with the field, not diagnosed as healthy', () => {
  const good = syntheticRun();
  const cases: [string, (d: any) => void, RegExp][] = [
    ['series-string', (d) => { d.series = 'garbage'; }, /malformed run document: series: Expected array, received string/],
    ['series-window', (d) => { d.series = [{ t_s: 0, duration_s: 1, requests: 'many', throughput_rps: 1, latency_ms: good.summary!.latency_ms, errors: {} }]; }, /series\.0\.requests: Expected number, received string/],
    ['negative-latency', (d) => { d.summary.latency_ms.p99 = -3; }, /summary\.latency_ms\.p99: Number must be greater than or equal to 0/],
    ['probe-cpu', (d) => { d.probes[4].cpu_percent = 'high'; }, /probes\.4\.cpu_percent/],
    ['huge-number', (d) => { d.probes[2].rss_bytes = '1e400'; }, /probes\.2\.rss_bytes/],
  ];
  for (const [name, spoil, message] of cases) {
    const doc = structuredClone(good) as any;
    spoil(doc);
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(doc).replace('"1e400"', '1e400'));
    refused(cpdiag(['diagnose', file]), message);
  }
  // The untouched document is still diagnosed.
  const file = join(dir, 'good.json');
  writeFileSync(file, JSON.stringify(good));
  assert.equal(cpdiag(['diagnose', file]).code, 0);
});

function baseline(values: Record<string, number | string>): string {
  const run = (index: number) => ({ side: 'A', index, started_at: new Date(0).toISOString(), duration_s: 1, requests: 100, values, drifting: {}, target_died: false, complete: true });
  return JSON.stringify({
    schema: 'cpdiag.baseline/1', cpdiag_version: '0.1.0', started_at: new Date(0).toISOString(), finished_at: new Date(0).toISOString(),
    environment: captureEnvironment(), scenario: 'gate-default', fingerprint: 'sha256:0', workload: {}, target: 'bundled server', runs: [run(1), run(2)],
  }).replace('"1e400"', '1e400');
}

test('a baseline with impossible values (negative, non-finite, absurd) is refused, never "improved"', () => {
  const ok = { p50: 20, p99: 40, throughput: 400, error_rate: 0, fd_slope: 0 };
  assert.equal(parseBaseline(baseline(ok), 'b.json').runs.length, 2);
  const bad: [Record<string, number | string>, RegExp][] = [
    [{ ...ok, p99: -4 }, /runs\.0\.values\.p99: -4 is not a latency between 0 and a day/],
    [{ ...ok, p99: 1e308 }, /runs\.0\.values\.p99: 1e\+308 is not a latency/],
    [{ ...ok, p50: '1e400' }, /runs\.0\.values\.p50: .*finite/],
    [{ ...ok, throughput: -1 }, /throughput: -1 is not a rate/],
    [{ ...ok, error_rate: 2 }, /error_rate: 2 is not an error rate between 0 and 1/],
  ];
  for (const [values, message] of bad) {
    assert.throws(() => parseBaseline(baseline(values), 'b.json'), (e: unknown) => e instanceof CpdiagError && e.exitCode === 2 && message.test(e.message), JSON.stringify(values));
  }
  const file = join(dir, 'absurd-baseline.json');
  writeFileSync(file, baseline({ ...ok, p99: 1e308 }));
  refused(cpdiag(['gate', '--baseline', file, '--no-report']), /damaged baseline file: runs\.0\.values\.p99/);
});

test('an empty scenario file is refused, not run as the default load', () => {
  for (const [name, text] of [['empty.yaml', ''], ['blank.yaml', '\n\n  \n'], ['comments.yaml', '# name: x\n# load: {}\n']]) {
    writeFileSync(join(dir, name), text);
    refused(cpdiag(['run', name, '--no-report']), new RegExp(`${name.replace('.', '\\.')}: empty scenario file`));
  }
});

test('`cpdiag sweep --help | head` ends quietly: exit 0, no EPIPE stack trace', async () => {
  // A reader that takes the first chunk and goes away, as head does.
  const child = spawn(process.execPath, [MAIN, 'sweep', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Error|\n\s+at /);
  // Through a shell pipeline too, exactly as the issue reports it.
  const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${MAIN}" sweep --help | head -n 2 >/dev/null; echo "exit=\${PIPESTATUS:-$?}"`], { encoding: 'utf8' });
  assert.doesNotMatch(r.stderr, /EPIPE|Error|\n\s+at /);
});

test('serve --help says 413 for an oversized request head, as the server (and cheroot) answers', () => {
  const r = cpdiag(['serve', '--help'], { COLUMNS: '200' });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--max-request-header-size <value> +server\.max_request_header_size: larger request heads get 413/);
  assert.doesNotMatch(r.stdout, /431/);
});
