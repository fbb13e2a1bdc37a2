// The sweep command as a user runs it: usage errors, every step failing, Ctrl-C with a partial report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from '../helpers/cli.js';
import type { SweepDocument } from '../../src/sweep/sweep-document.js';

function reportDir(root: string): string {
  const dirs = readdirSync(root);
  assert.equal(dirs.length, 1, `one report folder in ${root}: ${dirs.join(', ')}`);
  return join(root, dirs[0]);
}

test('usage errors exit 2 with one line, before anything starts', async () => {
  for (const args of [
    ['sweep', 'nope'],
    ['sweep', 'gil'],
    ['sweep', 'thread_pool', '--values', '1,x'],
    ['sweep', 'thread_pool', '--values', '1,2', '--range', '1:4:x2'],
    ['sweep', 'thread_pool', '--range', '64:1:x2'],
    ['sweep', 'thread_pool', '--values2', '1,2'],
  ]) {
    const r = await runCli([...args, '--no-report'], {}, 20_000);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('every step failing exits 4, each failure reported with its value', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cpdiag-sweep-fail-'));
  try {
    // Wide enough that the failure lines do not wrap (wrapping is tested in test/report/text-layout.test.ts).
    const r = await runCli(['sweep', 'thread_pool', '--values', '1,2', '--cmd', "/bin/sh -c 'echo cannot bind {port} >&2; exit 3'", '--reports-dir', root], { COLUMNS: '300' }, 60_000);
    assert.equal(r.code, 4, r.stderr);
    // The answer says so first.
    assert.match(r.stdout.split('\n').slice(0, 8).join('\n'), /every step failed: thread_pool=1: target exited before it was ready/);
    assert.match(r.stdout, /thread_pool=1: FAILED — thread_pool=1: target exited before it was ready \(exit code 3\): cannot bind \d+/);
    const doc = JSON.parse(readFileSync(join(reportDir(root), 'sweep.json'), 'utf8')) as SweepDocument;
    assert.equal(doc.steps.length, 2);
    assert.ok(doc.steps.every((s) => s.status === 'failed'));
    assert.equal(doc.recommendation?.value, null);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Ctrl-C keeps the finished steps: exit 130, a partial sweep.json and the reports, no target left running', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cpdiag-sweep-int-'));
  const { child, done } = startCli(['sweep', 'thread_pool', '--values', '2,4,8,16', '--level-duration', '0.5s', '--max-levels', '3', '--reports-dir', root]);
  try {
    // Wait until the first step is on disk, then interrupt.
    const deadline = Date.now() + 60_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'no step finished within 60 s');
      const dirs = existsSync(root) ? readdirSync(root) : [];
      const file = dirs.length ? join(root, dirs[0], 'sweep.json') : '';
      if (file && existsSync(file)) {
        try {
          if ((JSON.parse(readFileSync(file, 'utf8')) as SweepDocument).steps.length >= 1) break;
        } catch {
          // being rewritten
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    const dir = reportDir(root);
    const doc = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepDocument;
    assert.equal(doc.complete, false);
    assert.ok(doc.steps.filter((s) => s.status === 'ok').length >= 1);
    assert.ok(doc.steps.length < 4);
    // Fewer than 3 finished values recommend nothing (issue 11), and say so.
    if (doc.steps.filter((s) => s.status === 'ok').length < 3) {
      assert.equal(doc.recommendation?.value, null);
      assert.match(doc.recommendation?.reason ?? '', /^no recommendation: only \d value/);
    }
    assert.ok(existsSync(join(dir, 'report.html')) && existsSync(join(dir, 'report.md')));
    for (const s of doc.steps) if (s.target) assert.equal(existsSync(`/proc/${s.target.pid}`) && !/\) Z /.test(readFileSync(`/proc/${s.target.pid}/stat`, 'utf8')), false, `target ${s.target.pid} stopped`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

test('`cpdiag run FILE` runs a scenario with a sweep section', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cpdiag-sweep-run-'));
  try {
    const file = join(root, 'tiny-sweep.yaml');
    writeFileSync(file, ['name: tiny-sweep', 'mix:', '  - path: /work?io_ms=20', 'sweep:', '  setting: thread_pool', '  values: [2, 8]', '  refine: false', '  ramp: { mode: open, levels: [20, 60], step_s: 0.5 }', ''].join('\n'));
    const r = await runCli(['run', file, '--reports-dir', join(root, 'reports'), '--json'], {}, 90_000);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as SweepDocument;
    assert.equal(doc.schema, 'cpdiag.sweep/1');
    assert.deepEqual(doc.steps.map((s) => s.value), [2, 8]);
    assert.ok(doc.steps.every((s) => s.status === 'ok' && typeof s.capacity_rps === 'number'));
    assert.match(reportDir(join(root, 'reports')), /-tiny-sweep$/);
    // Off a TTY (a CI log): a plain line per step, no carriage returns or escape codes.
    assert.match(r.stderr, /^sweep thread_pool: 2 steps$/m);
    assert.match(r.stderr, /^\[1\/2\] thread_pool=2: capacity .*, p99 .*, 2 levels {2}\(elapsed .*, ETA .*\)$/m);
    assert.match(r.stderr, /^\[2\/2\] thread_pool=8: /m);
    assert.doesNotMatch(r.stderr, /[\r\x1b]/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
