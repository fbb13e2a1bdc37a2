// `cpdiag inspect PID --watch --metrics-listen`: a real endpoint on a real process, linted by
// promtool and scraped by a real Prometheus (OpenMetrics negotiated: the UNIT metadata only exists
// in that format), queried through its HTTP API. Everything is loopback and bounded in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { runCli, startCli } from '../helpers/cli.js';
import { findFreePort } from '../../src/target/kinds/command.js';
import { assertPrometheusTools, PROMETHEUS, promtoolCheckMetrics } from '../report/prometheus-tools.js';

const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

test('the endpoint serves the watch figures: promtool finds nothing to lint, Prometheus scrapes OpenMetrics', { timeout: 120_000 }, async () => {
  assertPrometheusTools();
  const server = await spawnBundledServer({ thread_pool: 3 });
  const inspect = startCli(['inspect', String(server.pid), '--watch', '--interval', '250ms', '--stats', `${server.url}/_cpdiag/stats`, '--metrics-listen', '127.0.0.1:0']);
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-prometheus-'));
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  try {
    let stderr = '';
    inspect.child.stderr!.on('data', (d) => (stderr += d));
    const metricsUrl = await waitFor('the metrics URL on stderr', 20_000, async () => /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(stderr)?.[1]);

    // The classic text format (what curl gets): promtool lints it without a complaint.
    const text = await waitFor('server stats in the scrape', 20_000, async () => {
      const body = await (await fetch(metricsUrl)).text();
      return /cpdiag_workers\{pid="\d+",source="stats"\} 3/.test(body) ? body : undefined;
    });
    const lint = promtoolCheckMetrics(text);
    assert.equal(lint.code, 0, lint.output);
    assert.equal(lint.output, '');
    assert.match(text, new RegExp(`cpdiag_process_threads\\{pid="${server.pid}"\\} \\d+`));
    assert.match(text, /cpdiag_process_tcp_sockets\{pid="\d+",state="LISTEN"\} 1/);
    const om = await fetch(metricsUrl, { headers: { Accept: OPENMETRICS_ACCEPT } });
    assert.match(om.headers.get('content-type') ?? '', /^application\/openmetrics-text; version=1\.0\.0/);
    const omText = await om.text();
    assert.ok(omText.endsWith('# EOF\n'));
    assert.match(omText, /^# UNIT cpdiag_process_resident_memory_bytes bytes$/m);

    // A real Prometheus scraping it every second.
    const promPort = await findFreePort('127.0.0.1');
    const target = new URL(metricsUrl).host;
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: cpdiag\n    static_configs:\n      - targets: ['${target}']\n`);
    prometheus = spawn(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    prometheus.stderr!.on('data', (d) => (prometheusLog = (prometheusLog + d).slice(-4000)));
    const api = `http://127.0.0.1:${promPort}/api/v1`;
    const workers = await waitFor('cpdiag_workers in Prometheus', 45_000, async () => {
      const r = (await (await fetch(`${api}/query?query=${encodeURIComponent('cpdiag_workers{source="stats"}')}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return r.data.result[0];
    });
    assert.equal(workers.value[1], '3');
    assert.equal(workers.metric.pid, String(server.pid));
    assert.equal(workers.metric.job, 'cpdiag');
    const targets = (await (await fetch(`${api}/targets`)).json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
    assert.deepEqual(targets.data.activeTargets.map((t) => [t.health, t.lastError]), [['up', '']]);
    // Units reach Prometheus only through OpenMetrics: proof it was the format scraped and parsed.
    const meta = (await (await fetch(`${api}/metadata?metric=cpdiag_process_cpu_seconds`)).json()) as { data: Record<string, { type: string; help: string; unit: string }[]> };
    const cpu = meta.data.cpdiag_process_cpu_seconds?.[0];
    assert.equal(cpu?.type, 'counter', JSON.stringify(meta.data));
    assert.equal(cpu?.unit, 'seconds');
    const rate = (await (await fetch(`${api}/query?query=${encodeURIComponent('cpdiag_process_cpu_seconds_total')}`)).json()) as { data: { result: unknown[] } };
    assert.equal(rate.data.result.length, 1);
  } catch (e) {
    if (prometheusLog) process.stderr.write(`prometheus log (tail):\n${prometheusLog}\n`);
    throw e;
  } finally {
    if (prometheus) await stopProcess(prometheus);
    rmSync(dir, { recursive: true, force: true });
    inspect.child.kill('SIGINT');
    const r = await inspect.done;
    await server.stop();
    assert.equal(r.code, 130, r.stderr);
  }
});

test('--metrics-listen is loopback only and needs --watch (exit 2, before sampling)', async () => {
  const cases: [string[], RegExp][] = [
    [['--watch', '--metrics-listen', '0.0.0.0:9464'], /0\.0\.0\.0 is not a loopback address; cpdiag serves metrics on loopback only/],
    [['--watch', '--metrics-listen', '192.168.1.5:9464'], /not a loopback address/],
    [['--watch', '--metrics-listen', ':9464'], /\(all interfaces\) is not a loopback address/],
    [['--metrics-listen', '127.0.0.1:0'], /--metrics-listen needs --watch/],
    [['--watch', '--metrics-listen', 'localhost'], /expected HOST:PORT/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(['inspect', String(process.pid), ...args], {}, 30_000);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});
