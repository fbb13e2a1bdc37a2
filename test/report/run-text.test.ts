// The run's terminal summary: the answer (throughput, p99, errors, top cause) first, fitted to
// the width, per-worker work time when the stats give it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { renderRunText } from '../../src/report/run-text.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { poolTooSmallFindings } from '../diagnose/fixtures.js';
import { fakeRecord } from '../gate/fixtures.js';

const plain = new Chalk({ level: 0 });

test('run text: the answer first, then the facts, no line wider than the terminal', () => {
  const run = fakeRecord(20, { errors: 3 });
  run.diagnosis = diagnose(poolTooSmallFindings());
  for (const [i, p] of run.probes.entries()) {
    // Two workers, busy 1.0 and 0.5 of each second.
    p.server = { threads: 2, busy: 1, idle: 1, queue: 0, requests: i, errors: 0, worker_work_time_s: [p.t_s * 1, p.t_s * 0.5] };
  }
  for (const width of [60, 80, 120]) {
    const text = renderRunText(run, plain, { width });
    const lines = text.split('\n');
    assert.ok(lines.every((l) => l.length <= width), `${width}:\n${lines.filter((l) => l.length > width).join('\n')}`);
    assert.match(lines[0], /^cpdiag run: test$/);
    assert.match(lines[1], /^ {2}400 req\/s, p99 30 ms, 3 errors \(0\.3%\) in 5 s$/);
    assert.match(lines[2], /^ {2}top cause: server\.thread_pool too small/);
  }
  const wide = renderRunText(run, plain, { width: 200 });
  assert.match(wide, /workers +1 of 2 busy on average, queue max 0; work time per worker 2\.5 s – 5 s of 5 s \(50% – 100%\)/);
  const quiet = renderRunText(run, plain, { width: 80, quiet: true });
  assert.doesNotMatch(quiet, /settings|Diagnosis/);
  assert.match(quiet, /top cause:/);
});

test('run text behind a proxy: its own limit and the 5xx it relayed, beside the backend\'s workers', () => {
  const run = fakeRecord(20, { errors: 3 });
  run.target.proxy = {
    kind: 'apache', url: 'http://127.0.0.1:1', read_timeout_s: 10, apache_style: 'proxypass', concurrency_limit: 4,
    concurrency_limit_setting: 'MaxRequestWorkers 4 (ThreadsPerChild 2 × ServerLimit 2)', limit_reached: 1,
    relayed_5xx: 113, paths_5xx: [{ path: '/work?fail=0.2', count: 113 }],
  };
  const text = renderRunText(run, plain, { width: 200 });
  assert.match(text, /proxy limit +4 requests at once \(MaxRequestWorkers 4 \(ThreadsPerChild 2 × ServerLimit 2\)\); its error log says it hit it 1 time/);
  assert.match(text, /relayed 5xx +113 answers 5xx came from the backend itself, e\.g\. \/work\?fail=0\.2/);
});
