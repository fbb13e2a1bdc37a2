// `cpdiag causes` and `cpdiag diagnose` as a user runs them: real process, exit codes, output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticRun } from './run-fixture.js';
import { healthyFindings, proxyReadTimeoutFindings } from './fixtures.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
let dir: string;

function cpdiag(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => { dir = mkdtempSync(join(tmpdir(), 'cpdiag-diag-cli-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

test('causes: the table grouped by symptom', () => {
  const r = cpdiag('causes');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /502\/504 at the proxy/);
  assert.match(r.stdout, /pool-too-small\s+server\.thread_pool too small/);
  assert.match(r.stdout, /rising thread count\n\s+thread-leak/);
});

test('causes --json: every cause with id, symptoms, fix and source', () => {
  const r = cpdiag('causes', '--json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, 'cpdiag.causes/1');
  assert.ok(doc.causes.length >= 20);
  for (const c of doc.causes) assert.ok(c.id && c.symptoms.length && c.fix.summary && c.source);
});

test('causes ID: one cause in full', () => {
  const r = cpdiag('causes', 'proxy-read-timeout-shorter-than-handler');
  assert.equal(r.code, 0, r.stderr);
  // Without measurements the snippet is filled from CherryPy's default socket_timeout (10 s) + 5 s (issue 11: no literals; was 35s).
  for (const part of [/Evidence for/, /Evidence against/, /Fix/, /proxy_read_timeout 15s;/, /source: Troubleshooting CherryPy in production: common pitfalls 2/]) assert.match(r.stdout, part);
});

test('causes pool-too-small cites its source by title and section, not by a file', () => {
  const r = cpdiag('causes', 'pool-too-small');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /source: Troubleshooting CherryPy in production: symptom table \("small server\.thread_pool"\), common pitfalls 1/);
  assert.doesNotMatch(r.stdout, /seeds|\.txt\b/);
});

test('causes UNKNOWN: exit 2 with the list of ids', () => {
  const r = cpdiag('causes', 'no-such-cause');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown cause "no-such-cause"; known: .*pool-too-small/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});

test('diagnose run.json: ranks the causes again', () => {
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify(syntheticRun({ saturated: true, leakFds: true })));
  const r = cpdiag('diagnose', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}1\. /m);
  assert.match(r.stdout, /server\.thread_pool too small for the load/);
  assert.match(r.stdout, /fix:/);
  const j = cpdiag('diagnose', file, '--json');
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.schema, 'cpdiag.diagnosis/1');
  const ids = doc.causes.map((c: { id: string }) => c.id);
  assert.ok(ids.includes('pool-too-small'), ids.join(','));
  // The leak stays in the detectors' answers; as a cause ranked below the pool it takes the
  // corpus's precision for alternatives (below reporting), so it is not among the causes.
  const fd = doc.detectors.find((d: { detector: string }) => d.detector === 'fd-drift');
  assert.equal(fd?.status, 'issue', JSON.stringify(fd));
  assert.equal(doc.input.schema, 'cpdiag.run/1');
});

test('diagnose an inspect/sweep document that carries findings', () => {
  const file = join(dir, 'inspect.json');
  writeFileSync(file, JSON.stringify({ schema: 'cpdiag.inspect/1', findings: proxyReadTimeoutFindings() }));
  const r = cpdiag('diagnose', file, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).causes[0].id, 'proxy-read-timeout-shorter-than-handler');
  const healthy = join(dir, 'sweep.json');
  writeFileSync(healthy, JSON.stringify({ schema: 'cpdiag.sweep/1', findings: healthyFindings() }));
  const h = cpdiag('diagnose', healthy);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /No probable cause found/);
});

test('diagnose: missing file, bad JSON, wrong schema, no findings → exit 2, one line, no stack', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{not json');
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ schema: 'cpdiag.gate/1' }));
  const bare = join(dir, 'bare.json');
  writeFileSync(bare, JSON.stringify({ schema: 'cpdiag.sweep/1', steps: [] }));
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ schema: 'cpdiag.run/1', probes: 'x' }));
  for (const [file, pattern] of [
    [join(dir, 'missing.json'), /cannot read .*no such file/],
    [bad, /not valid JSON/],
    [wrong, /unsupported schema "cpdiag\.gate\/1"/],
    [bare, /carries no findings/],
    [broken, /malformed run document/],
  ] as const) {
    const r = cpdiag('diagnose', file);
    assert.equal(r.code, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('--help of both commands carries examples', () => {
  for (const verb of ['causes', 'diagnose']) {
    const r = cpdiag(verb, '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:/);
  }
});
