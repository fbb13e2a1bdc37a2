// `cpdiag run` where 5% of requests time out (issue 11): their latency is unknown, only that it
// exceeds the 1 s timeout, so p99 falls in the censored share and reads "> …" — in the JSON (a
// lower bound listed in latency_ms.censored.lower_bounds) and in the text summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';

const TIMEOUT_MS = 1000;

test('a run with 5% timeouts shows p99 as "> timeout" in JSON and text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-censored-'));
  const scenario = join(dir, 'timeouts.yaml');
  // 95% answered in 5 ms, 5% would take 3 s; the pool (64) is large enough that nobody queues:
  // at 40 requests/s about 2 slow requests are in the server at any time.
  writeFileSync(scenario, [
    'name: five-percent-timeouts',
    'target: { kind: bundled }',
    'settings: { thread_pool: 64 }',
    `load: { mode: open, rate_rps: 40, duration_s: 4, warmup_s: 0.5, timeout_ms: ${TIMEOUT_MS}, seed: 1 }`,
    'mix:',
    '  - { path: "/work?io_ms=5", weight: 95 }',
    '  - { path: "/work?io_ms=3000", weight: 5 }',
    '',
  ].join('\n'));
  const reports = join(dir, 'reports');
  const r = await runCli(['run', scenario, '--reports-dir', reports]);
  assert.equal(r.code, 0, r.stderr);
  const folder = readdirSync(reports);
  assert.equal(folder.length, 1);
  const doc = JSON.parse(readFileSync(join(reports, folder[0]!, 'run.json'), 'utf8')) as RunRecord;
  const lat = doc.summary!.latency_ms;
  const timeouts = doc.summary!.errors.by_kind.timeout ?? 0;
  assert.ok(lat.censored, `censored requests in the summary: ${JSON.stringify(lat)}`);
  assert.equal(lat.censored!.count, timeouts, 'every timeout is censored');
  assert.ok(lat.censored!.share > 0.02 && lat.censored!.share < 0.15, `about 5% censored (8 of the 160 requests are slow; a loaded machine may time out a few fast ones): ${lat.censored!.share}`);
  assert.ok(lat.censored!.at_least_ms >= TIMEOUT_MS, `censored at the timeout or later: ${lat.censored!.at_least_ms}`);
  assert.ok(lat.censored!.lower_bounds.includes('p99'), `p99 is a lower bound: ${lat.censored!.lower_bounds}`);
  assert.ok(lat.p99 >= TIMEOUT_MS, `p99 ${lat.p99} ≥ the timeout`);
  assert.ok(lat.p50 < 100, `p50 ${lat.p50} is an exact, fast value`);
  assert.ok(!lat.censored!.lower_bounds.includes('p50'));
  // The overload accounting is carried into the run record: 40/s for 4 s were due.
  const o = doc.summary!.overload!;
  assert.ok(Math.abs(o.sent - 160) <= 2, `sent ${o.sent}`);
  assert.equal(o.completed_in_window, doc.summary!.requests);
  // The text: "p99 > 1,0xx ms", and how many timed out.
  assert.match(r.stdout, /p99 > 1,\d{3} ms/, r.stdout);
  assert.match(r.stdout, /timed out: each took more than 1,\d{3} ms/);
  assert.match(r.stdout, /160 due in the window, \d+ completed in it/);
  const md = readFileSync(join(reports, folder[0]!, 'summary.md'), 'utf8');
  assert.match(md, /p99 > 1,\d{3} ms/);
});
