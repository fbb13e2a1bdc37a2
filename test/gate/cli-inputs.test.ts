// The gate's input errors and refused baselines through the real CLI (exit 2, one line, before any
// load that matters); the verdicts, which measure time, are in cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { LOAD, TINY, tmp, oneLineError } from './gate-cli-helpers.js';

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

