// End-to-end: `cpdiag run` as a user runs it, on every exit path that matters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli, startCli, processesMatching } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';

const node = process.execPath;

function onlyReportDir(root: string): string {
  const dirs = readdirSync(root);
  assert.equal(dirs.length, 1, `one report folder in ${root}: ${dirs.join(', ')}`);
  return join(root, dirs[0]);
}

test('a short run on the bundled server: report folder, summary and JSON interface', async () => {
  const reports = mkdtempSync(join(tmpdir(), 'cpdiag-run-'));
  const r = await runCli(['run', '--thread-pool', '4', '--path', '/work?io_ms=10', '-c', '4', '-d', '2s', '--warmup', '0.5s', '--reports-dir', reports, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as RunRecord;
  assert.equal(doc.schema, 'cpdiag.run/1');
  assert.equal(doc.complete, true);
  assert.ok(doc.summary!.throughput_rps > 100, `throughput ${doc.summary!.throughput_rps}`);
  assert.ok(doc.summary!.latency_ms.p50 >= 10, `p50 ${doc.summary!.latency_ms.p50}`);
  assert.ok(doc.probes.length >= 4, 'probes sampled');
  assert.ok(doc.probes.some((p) => p.server && p.server.threads === 4), 'server stats read');
  assert.ok(doc.diagnosis, 'diagnosis embedded');
  const dir = onlyReportDir(reports);
  const saved = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;
  assert.equal(saved.complete, true);
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /# cpdiag run/);
});

test('off a TTY: a progress line about every 10 s; with -q, no progress and only the answer', async () => {
  const r = await runCli(['run', '--path', '/work?io_ms=5', '-c', '2', '-d', '11s', '--warmup', '0s', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^run default: 11 s measured after 0 s of warm-up$/m);
  assert.match(r.stderr, /^run default: 10 s of 11 s {2}[\d,.]+ req\/s {2}p99 .* {2}errors 0$/m);
  assert.doesNotMatch(r.stderr, /[\r\x1b]/, 'no control characters in a log');
  // The answer first, then the facts.
  assert.match(r.stdout, /^cpdiag run: default\n {2}[\d,.]+ req\/s, p99 [\d.,]+ ms, no errors in 11 s\n/);
  const q = await runCli(['run', '--path', '/work?io_ms=5', '-c', '2', '-d', '1s', '--warmup', '0s', '--no-report', '-q']);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stderr, '', 'nothing on stderr with -q');
  assert.ok(q.stdout.trim().split('\n').length <= 5, q.stdout);
  assert.doesNotMatch(q.stdout, /settings|latency|Diagnosis/);
});

test('Ctrl-C keeps a readable partial report marked incomplete and leaves no process behind', async () => {
  const reports = mkdtempSync(join(tmpdir(), 'cpdiag-int-'));
  const { child, done } = startCli(['run', '--path', '/work?io_ms=5', '-c', '4', '-d', '30s', '--warmup', '0s', '--reports-dir', reports]);
  // Wait until the run is measuring (run.json exists with at least one window), then interrupt.
  const deadline = Date.now() + 20_000;
  for (;;) {
    assert.ok(Date.now() < deadline, 'run started');
    await new Promise((r) => setTimeout(r, 200));
    const dirs = readdirSync(reports);
    if (dirs.length === 0) continue;
    try {
      const doc = JSON.parse(readFileSync(join(reports, dirs[0], 'run.json'), 'utf8')) as RunRecord;
      if (doc.series.length >= 1) break;
    } catch {
      // being written
    }
  }
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  const doc = JSON.parse(readFileSync(join(onlyReportDir(reports), 'run.json'), 'utf8')) as RunRecord;
  assert.equal(doc.complete, false);
  assert.ok(doc.summary && doc.summary.requests > 0, 'partial results kept');
  assert.ok(doc.events.some((e) => e.kind === 'interrupted'));
  // The bundled server it started is gone.
  assert.deepEqual(await processesMatching(`${reports}`), []);
  const serverPid = doc.target.pid;
  assert.ok(!readdirSync('/proc').includes(String(serverPid)) || /\) Z /.test(readFileSync(`/proc/${serverPid}/stat`, 'utf8')), `server ${serverPid} stopped`);
});

test('a target that dies mid-run is a finding, not a crash', async () => {
  const reports = mkdtempSync(join(tmpdir(), 'cpdiag-die-'));
  const script = `require('node:http').createServer((q,s)=>s.end('ok')).listen(+process.argv[1],'127.0.0.1'); setTimeout(()=>{console.error('fatal: out of file descriptors (EMFILE)'); process.exit(1)}, 1500)`;
  const r = await runCli(['run', '--cmd', `${node} -e "${script}" {port}`, '-c', '2', '-d', '5s', '--warmup', '0s', '--reports-dir', reports]);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stdout, /target exited mid-run.*EMFILE/);
  const doc = JSON.parse(readFileSync(join(onlyReportDir(reports), 'run.json'), 'utf8')) as RunRecord;
  assert.ok(doc.events.some((e) => e.kind === 'target_exited'));
  assert.ok(doc.summary!.requests > 0);
});

test('a target that never gets ready: exit 4, its stderr shown, nothing left running', async () => {
  const marker = `never-ready-${process.pid}`;
  const r = await runCli(['run', '--cmd', `${node} -e "console.error('still loading ${marker}'); setInterval(()=>{},1000)"`, '--ready-timeout', '1s', '--no-report']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /not ready after 1 s/);
  assert.match(r.stderr, /still loading/);
  assert.deepEqual(await processesMatching(marker), []);
});

test('bad flags and bad scenario files: one line, exit 2, no stack trace', async () => {
  for (const args of [['run', '--bogus'], ['run', '-c', 'many'], ['run', '--thread-pool', '0'], ['run', 'no-such-file.yaml'], ['run', '--url', 'http://127.0.0.1:1']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
