// --config FILE on run, sweep, gate and baseline: the operator's CherryPy config gives the target's
// settings, under a scenario's settings and the flags (defaults < config < scenario < flags).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';

test('run --config: file < scenario < flags, and the bundled target really runs with them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-config-option-'));
  try {
    const conf = join(dir, 'app.conf');
    writeFileSync(conf, [
      '[global]',
      "server.socket_host = '0.0.0.0'",
      'server.socket_port: 80',
      'server.thread_pool = 3  # the one under test',
      'server.socket_timeout = 7',
      'server.socket_queue_size = 33',
      'server.shutdown_timeout = 5',
      '[/]',
      'tools.gzip.on = True',
    ].join('\n'));
    const scenario = join(dir, 's.yaml');
    writeFileSync(scenario, 'settings:\n  socket_timeout: 4\n  socket_queue_size: 20\nload:\n  duration_s: 1.5\n  warmup_s: 0\n  connections: 2\nmix:\n  - path: /work?io_ms=2\n');
    const r = await runCli(['run', scenario, '--config', conf, '--socket-queue-size', '21', '--no-report', '--json', '--probe-interval', '100']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as RunRecord;
    assert.equal(doc.settings.thread_pool, 3, 'from the config file');
    assert.equal(doc.settings.socket_timeout, 4, 'the scenario over the config file');
    assert.equal(doc.settings.socket_queue_size, 21, 'the flag over both');
    assert.equal(doc.settings.socket_host, '127.0.0.1', 'the file\'s address is not used');
    assert.ok(doc.probes.some((p) => p.server?.threads === 3), 'the bundled server runs 3 workers');
    assert.match(r.stderr, /app\.conf: not modelled by cpdiag, ignored: server\.shutdown_timeout/);
    assert.match(r.stderr, /server\.socket_host and server\.socket_port not used: cpdiag starts each target on a free loopback port/);
    assert.equal(r.stderr.match(/not modelled/g)?.length, 1, 'reported once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sweep, gate and baseline take --config too, and refuse a bad file before any load (exit 2)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-config-option-'));
  try {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, '[global]\nserver.thread_poool = 4\n');
    for (const args of [['sweep', 'thread-pool'], ['gate'], ['baseline', '-o', join(dir, 'b.json')], ['run']]) {
      const r = await runCli([...args, '--config', bad, '--no-report'].filter((a) => !(args[0] === 'baseline' && a === '--no-report')), {}, 60_000);
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /bad\.conf:2: server\.thread_poool: .*did you mean server\.thread_pool\?/, args[0]);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
