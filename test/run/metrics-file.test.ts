// `cpdiag run --metrics-file FILE`: the run's series as OpenMetrics with a timestamp per point,
// imported by Prometheus's own OpenMetrics importer, and consistent with the run document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';
import { assertPrometheusTools, promtoolImportOpenMetrics } from '../report/prometheus-tools.js';

test('run --metrics-file: every point timestamped inside the run, Prometheus imports it', { timeout: 120_000 }, async () => {
  assertPrometheusTools();
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-metrics-file-'));
  try {
    const file = join(dir, 'run.om');
    const r = await runCli(['run', '--thread-pool', '2', '--path', '/work?io_ms=5', '-c', '2', '-d', '2s', '--warmup', '0.5s', '--probe-interval', '200', '--no-report', '--json', '--metrics-file', file]);
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout) as RunRecord;
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('# EOF\n'));
    const imported = promtoolImportOpenMetrics(text);
    assert.equal(imported.code, 0, imported.output);

    const points = [...text.matchAll(/^(cpdiag_[a-z_]+)(\{[^}]*\})? (\S+) (\d+\.\d{3})$/gm)];
    const sampleLines = text.split('\n').filter((l) => l.startsWith('cpdiag_'));
    assert.equal(points.length, sampleLines.length, 'every point has a timestamp');
    const startS = Date.parse(record.started_at) / 1000;
    const endS = Date.parse(record.finished_at!) / 1000;
    for (const p of points) {
      const ts = Number(p[4]);
      assert.ok(ts >= startS - 1 && ts <= endS + 1, `${p[0]}: ${ts} within ${startS}..${endS}`);
    }
    // The counter ends at the run's request count; the process figures are one per probe sample.
    const requests = points.filter((p) => p[1] === 'cpdiag_load_requests_total').map((p) => Number(p[3]));
    assert.equal(requests.at(-1), record.summary!.requests);
    assert.deepEqual(requests, [...requests].sort((a, b) => a - b), 'a counter never goes down');
    const rss = points.filter((p) => p[1] === 'cpdiag_process_resident_memory_bytes');
    assert.equal(rss.length, record.probes.length);
    assert.match(text, new RegExp(`^cpdiag_workers\\{scenario="${record.scenario}",pid="\\d+",source="stats"\\} 2 `, 'm'));
    // In seconds (a p99 of tens of ms reads 0.0x; a loaded machine may make it larger, never ms).
    const p99 = /^cpdiag_load_latency_seconds\{scenario="[^"]+",percentile="p99"\} (\S+) /m.exec(text);
    assert.ok(p99 && Number(p99[1]) > 0.001 && Number(p99[1]) < 10, `p99 in seconds: ${p99?.[1]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run --metrics-file with a sweep scenario is refused (a sweep has no single series)', async () => {
  const r = await runCli(['run', 'scenarios/sweep-thread-pool.yaml', '--metrics-file', '/tmp/never-written.om', '--no-report'], {}, 30_000);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--metrics-file: a sweep has no single run series/);
});
