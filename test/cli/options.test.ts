// Flag parsing shared by every command: one duration syntax, headers as autocannon reads them,
// colour and width from the environment.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { parseDuration, parseDurationMs, parseDurationSeconds } from '../../src/cli/options.js';
import { applyRequestFlags, applyRunFlags, parseHeader } from '../../src/cli/scenario-flags.js';
import { colorLevel, terminalWidth } from '../../src/cli/output.js';
import { CpdiagError } from '../../src/exit-codes.js';

test('durations: 500ms, 10s, 1m30s, 2h, 1h2m3s; a bare number in the flag\'s old unit', () => {
  const cases: [string, number][] = [
    ['500ms', 0.5], ['10s', 10], ['1m30s', 90], ['2h', 7200], ['1h2m3s', 3723], ['2.5s', 2.5], ['1m', 60],
    ['1s500ms', 1.5], ['0.1s', 0.1], ['30', 30], [' 45s ', 45],
  ];
  for (const [text, seconds] of cases) assert.equal(parseDurationSeconds(text), seconds, text);
  // --probe-interval and --slo-p99 took milliseconds: a bare number still is.
  assert.equal(parseDurationMs()('250'), 250);
  assert.equal(parseDurationMs()('0.5s'), 500);
  assert.equal(parseDurationMs()('1m'), 60_000);
  assert.equal(parseDuration('90', 'ms'), 0.09);
});

test('durations: typos are refused with the syntax, not read as something else', () => {
  for (const text of ['', 'soon', '10 s', '1m1m', '30s1m', '10x', '-5s', '5sec', 'ms', '1.s', 's10']) {
    assert.throws(() => parseDurationSeconds(text), (e: unknown) => e instanceof InvalidArgumentError && /500ms, 10s, 1m30s or 2h/.test((e as Error).message), JSON.stringify(text));
  }
  assert.throws(() => parseDurationMs(50, 10000)('20ms'), /expected 50ms to 10s/);
  assert.throws(() => parseDurationMs(50, 10000)('11s'), /expected 50ms to 10s/);
});

test('-H as autocannon reads it: "Name: value" or Name=value, split at the first separator', () => {
  assert.deepEqual(parseHeader('Content-Type: application/json'), ['Content-Type', 'application/json']);
  assert.deepEqual(parseHeader('X-Token=abc=def'), ['X-Token', 'abc=def']);
  assert.deepEqual(parseHeader('X-Url: http://a:1/b'), ['X-Url', 'http://a:1/b']);
  assert.deepEqual(parseHeader('X-Empty:'), ['X-Empty', '']);
  for (const bad of ['no separator', ': value', 'Bad Name: v', 'X: a\r\nInjected: 1']) assert.throws(() => parseHeader(bad), InvalidArgumentError, bad);
});

test('request flags replace the one request; -H adds to every request; -m/-b on a mix of several is refused', () => {
  const one = [{ method: 'GET', path: '/work', weight: 1, headers: { 'x-old': '1', Accept: 'text/plain' } }];
  const out = applyRequestFlags(one, { method: 'POST', body: 'hello', header: [['accept', 'application/json'], ['X-New', '2']] });
  assert.deepEqual(out, [{ method: 'POST', path: '/work', weight: 1, body: 'hello', headers: { 'x-old': '1', accept: 'application/json', 'X-New': '2' } }]);
  assert.deepEqual(one[0].headers, { 'x-old': '1', Accept: 'text/plain' }, 'the scenario is not changed in place');
  assert.deepEqual(applyRequestFlags(one, { path: '/upload', method: 'PUT' }), [{ method: 'PUT', path: '/upload', weight: 1 }]);
  const two = [{ method: 'GET', path: '/a', weight: 1 }, { method: 'GET', path: '/b', weight: 3 }];
  assert.deepEqual(applyRequestFlags(two, { header: [['X-A', '1']] }).map((m) => m.headers), [{ 'X-A': '1' }, { 'X-A': '1' }]);
  assert.throws(() => applyRequestFlags(two, { method: 'POST' }), (e: unknown) => e instanceof CpdiagError && /mix has 2/.test(e.message));
  assert.throws(() => applyRequestFlags(one, { body: 'a', bodyFile: '/etc/hostname' }), /use one/);
});

test('colour: a TTY, FORCE_COLOR as chalk reads it, and NO_COLOR over both', () => {
  assert.equal(colorLevel(true, {}), 1);
  assert.equal(colorLevel(false, {}), 0);
  assert.equal(colorLevel(false, { FORCE_COLOR: '' }), 1);
  assert.equal(colorLevel(false, { FORCE_COLOR: 'true' }), 1);
  assert.equal(colorLevel(false, { FORCE_COLOR: '1' }), 1);
  assert.equal(colorLevel(false, { FORCE_COLOR: '2' }), 2);
  assert.equal(colorLevel(false, { FORCE_COLOR: '3' }), 3);
  assert.equal(colorLevel(false, { FORCE_COLOR: '9' }), 3);
  assert.equal(colorLevel(false, { FORCE_COLOR: 'yes' }), 1);
  assert.equal(colorLevel(true, { FORCE_COLOR: '0' }), 0);
  assert.equal(colorLevel(true, { FORCE_COLOR: 'false' }), 0);
  assert.equal(colorLevel(true, { NO_COLOR: '1' }), 0);
  assert.equal(colorLevel(true, { NO_COLOR: '1', FORCE_COLOR: '3' }), 0, 'NO_COLOR wins');
  assert.equal(colorLevel(true, { NO_COLOR: '' }), 1, 'an empty NO_COLOR is unset (no-color.org)');
});

test('width: $COLUMNS, else the terminal, else 100; never under 40', () => {
  assert.equal(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '80' }), 80);
  assert.equal(terminalWidth({ isTTY: true, columns: 132 }, {}), 132);
  assert.equal(terminalWidth({ isTTY: false }, {}), 100);
  assert.equal(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' }), 100);
  assert.equal(terminalWidth({ isTTY: true, columns: 20 }, {}), 40);
});

test('the command line: FORCE_COLOR colours a pipe, NO_COLOR wins over it', () => {
  const run = (env: NodeJS.ProcessEnv) => {
    const clean = { ...process.env };
    delete clean.NO_COLOR;
    delete clean.FORCE_COLOR;
    return spawnSync(process.execPath, [CLI, 'causes', 'pool-too-small'], { encoding: 'utf8', env: { ...clean, ...env } }).stdout;
  };
  assert.doesNotMatch(run({}), /\x1b\[/, 'a pipe gets no colour by default');
  assert.match(run({ FORCE_COLOR: '1' }), /\x1b\[1m/);
  assert.doesNotMatch(run({ FORCE_COLOR: '1', NO_COLOR: '1' }), /\x1b\[/);
});

test('--lb: --stats-url and --config are each backend\'s, --compare-direct measures the balancer', () => {
  const s = applyRunFlags(undefined, { lb: 'haproxy', cmd: 'app --port {port}', readyPath: '/', statsUrl: '/cpstats/data', compareDirect: true, compareRounds: 3 });
  assert.equal(s.target.kind, 'balanced');
  if (s.target.kind !== 'balanced') return;
  assert.equal(s.target.backend.kind === 'command' && s.target.backend.stats_url, '/cpstats/data');
  assert.deepEqual(s.target.compare_direct, { rounds: 3, round_s: 0.5 });
  // Without a balancer or a proxy, --compare-direct still has nothing to measure.
  assert.throws(() => applyRunFlags(undefined, { compareDirect: true }), /configures a proxy, and there is none/);
});

test('--nginx-worker-connections: into the scenario with --proxy nginx; refused without a proxy or with Apache', () => {
  const s = applyRunFlags(undefined, { proxy: 'nginx', nginxWorkerConnections: 9 });
  assert.equal(s.proxy?.nginx_worker_connections, 9);
  assert.throws(() => applyRunFlags(undefined, { nginxWorkerConnections: 9 }), (e: unknown) => e instanceof CpdiagError && /--nginx-worker-connections configures a proxy, and there is none/.test(e.message));
  assert.throws(() => applyRunFlags(undefined, { proxy: 'apache', nginxWorkerConnections: 9 }), (e: unknown) => e instanceof CpdiagError && e.exitCode === 2 && /needs --proxy nginx/.test(e.message));
  // Apache's limit keys as before.
  const a = applyRunFlags(undefined, { proxy: 'apache', apacheThreads: 2, apacheServers: 2 });
  assert.deepEqual([a.proxy?.apache_threads_per_child, a.proxy?.apache_server_limit], [2, 2]);
});
