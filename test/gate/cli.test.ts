// Every gate exit code through the real CLI, with tiny runs of the bundled server: the verdicts
// (A/A, A/B), which measure time. The input errors and refused baselines are in cli-inputs.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { TINY, tmp } from './gate-cli-helpers.js';

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
