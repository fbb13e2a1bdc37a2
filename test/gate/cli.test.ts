// Every gate exit code through the real CLI, with tiny runs of the bundled server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';

/** Short runs of a 30 ms handler: ~1 s per run including the server's start-up. */
const LOAD = ['--duration', '0.5s', '--warmup', '0.2s', '--warmup-runs', '0', '--path', '/work?io_ms=30', '-c', '4'];
const TINY = [...LOAD, '--no-report'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cpdiag-gate-cli-'));
}

function oneLineError(stderr: string, pattern: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0], pattern);
  assert.ok(!/\n\s+at /.test(stderr), 'no stack trace');
}

test('gate: input errors exit 2 with one line, before anything runs', async () => {
  const dir = tmp();
  try {
    let r = await runCli(['gate', '--metric', 'p95 -10%']);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /metric "p95 -10%": p95 is lower-is-better/);
    r = await runCli(['gate', '--baseline', join(dir, 'missing.json')]);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /no such baseline file/);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    r = await runCli(['gate', '--baseline', join(dir, 'bad.json')]);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /not a baseline file: not valid JSON/);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ schema: 'cpdiag.run/1' }));
    r = await runCli(['gate', '--baseline', join(dir, 'run.json')]);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /schema "cpdiag\.run\/1", expected "cpdiag\.baseline\/1"/);
    r = await runCli(['gate', '--a', 'x {port}', '--baseline', join(dir, 'run.json')]);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /--a and --baseline/);
    r = await runCli(['gate', '--runs', '1']);
    assert.equal(r.code, 2);
    r = await runCli(['gate', join(dir, 'no-such-scenario.yaml')]);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /no such scenario file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('baseline → gate: other workload refused (2), other machine warned or refused with --strict-env (2)', async () => {
  const dir = tmp();
  try {
    const file = join(dir, 'baseline.json');
    let r = await runCli(['baseline', '--runs', '2', ...LOAD, '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.schema, 'cpdiag.baseline/1');
    assert.equal(doc.runs.length, 2);
    assert.ok(doc.runs[0].values.p50 >= 30);

    r = await runCli(['gate', '--baseline', file, ...TINY, '--duration', '0.6s']);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /different workload.*load\.duration_s: baseline 0\.5, now 0\.6/);

    const elsewhere = join(dir, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ ...doc, environment: { ...doc.environment, cpu_model: 'Imaginary CPU 9000', cores: 64 } }));
    r = await runCli(['gate', '--baseline', elsewhere, '--strict-env', ...TINY]);
    assert.equal(r.code, 2);
    oneLineError(r.stderr, /recorded elsewhere: CPU model differs: baseline Imaginary CPU 9000.*core count differs/);

    r = await runCli(['gate', '--baseline', elsewhere, '--runs', '2', '--json', ...TINY]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: baseline .* recorded elsewhere/);
    const gate = JSON.parse(r.stdout);
    assert.equal(gate.mode, 'baseline');
    assert.equal(gate.runs.length, 2);
    assert.ok(gate.warnings.some((w: string) => /recorded elsewhere/.test(w)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gate A/A: passes with exit 0 (inconclusive allowed), exit 3 with --fail-on-inconclusive; JUnit and step summary written', async () => {
  const dir = tmp();
  try {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# job summary\n');
    const junit = join(dir, 'gate.xml');
    // fd_slope needs 6 probes after warm-up: 0.5 s runs cannot give them, so it is inconclusive.
    const args = ['gate', '--runs', '2', '--metric', 'p50 +50%', '--metric', 'fd_slope 0', ...TINY];
    let r = await runCli([...args, '--junit', junit], { GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /INCONCLUSIVE: .*fd_slope/);
    assert.match(r.stderr, /\[4\/4\] [AB] run 2: p50/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testcase classname="cpdiag gate gate-default" name="p50"/);
    assert.match(xml, /<testcase classname="cpdiag gate gate-default" name="fd_slope" time="[\d.]+"><skipped /);
    assert.match(readFileSync(summary, 'utf8'), /^# job summary\n### ⚠️ cpdiag gate: gate-default — INCONCLUSIVE/);

    r = await runCli([...args, '--fail-on-inconclusive', '--json']);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schema, 'cpdiag.gate/1');
    assert.equal(doc.outcome, 'inconclusive');
    assert.equal(doc.exit_code, 3);
    assert.equal(doc.order, 'ABBA');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gate A/B: a 3× slower handler on B is a regression, exit 1', async () => {
  const dir = tmp();
  try {
    const junit = join(dir, 'gate.xml');
    const b = `env CPDIAG_WORK_SCALE=3 ${process.execPath} ${CLI} serve --socket-port {port} --thread-pool {thread_pool}`;
    // 4 runs per side reach p = 2/70 at complete separation, so α 0.05 can be met.
    const r = await runCli(['gate', '--b', b, '--runs', '4', '--alpha', '0.05', '--metric', 'p50 +10%', '--json', '--junit', junit, ...TINY]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.outcome, 'regression');
    assert.equal(doc.metrics[0].verdict, 'regression');
    assert.ok(doc.metrics[0].ratio > 2, `ratio ${doc.metrics[0].ratio}`);
    assert.match(doc.b.description, /CPDIAG_WORK_SCALE=3/);
    assert.ok(existsSync(junit));
    assert.match(readFileSync(junit, 'utf8'), /<failure message="p50 got worse/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
