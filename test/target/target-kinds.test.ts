// Target kinds as records: the scenario's `target:` is validated by the kind's own schema, the
// flags choose a kind through the table, and reports name each kind from its record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { describeRecordedTarget, describeTarget, isRestartable, targetFlags, targetSpecFromFlags } from '../../src/target/target-kinds.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';

test('the scenario schema takes each kind from its module, defaults to bundled, and refuses what a kind does not know', () => {
  assert.deepEqual(parseScenario({}).target, { kind: 'bundled' });
  const command = parseScenario({ target: { kind: 'command', command: 'x {port}', ready_path: '/healthz' } }).target;
  assert.equal(command.kind, 'command');
  assert.equal('command' in command && command.command, 'x {port}');
  assert.deepEqual(parseScenario({ target: { kind: 'attached', url: 'http://127.0.0.1:8080', pid: 4242 } }).target, { kind: 'attached', url: 'http://127.0.0.1:8080', pid: 4242 });
  const refused = (target: unknown, why: RegExp) =>
    assert.throws(() => parseScenario({ target }), (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && why.test(e.message));
  refused({ kind: 'docker', image: 'x' }, /target\.kind: Invalid discriminator value\. Expected 'bundled' \| 'command' \| 'attached' \| 'balanced'/);
  refused({ kind: 'balanced', balancer: 'traefik' }, /target\.balancer/);
  refused({ kind: 'balanced', balancer: 'nginx', backend: { kind: 'attached', url: 'http://127.0.0.1:1', pid: 3 } }, /target\.backend\.kind/);
  refused({ kind: 'bundled', command: 'x' }, /Unrecognized key/);
  refused({ kind: 'command' }, /target\.command/);
  refused({ kind: 'command', command: 'x', ready_path: 'healthz' }, /target\.ready_path/);
  refused({ kind: 'attached', url: 'http://127.0.0.1:1', pid: -3 }, /target\.pid/);
});

test('flags choose a kind through the table; two kinds at once, or half an attach, are usage errors', () => {
  const flags = targetFlags().map((f) => f.flags.split(' ')[0]);
  assert.deepEqual(flags, ['--cmd', '--ready-path', '--ready-timeout', '--url', '--pid', '--lb']);
  // --lb stands in front of what the other flags chose: the bundled server, or --cmd.
  assert.deepEqual(targetSpecFromFlags({ lb: 'nginx' }), { kind: 'balanced', balancer: 'nginx', backend: { kind: 'bundled' } });
  assert.deepEqual(targetSpecFromFlags({ lb: 'haproxy', cmd: 'app {port}', readyPath: '/' }), { kind: 'balanced', balancer: 'haproxy', backend: { kind: 'command', command: 'app {port}', ready_path: '/', ready_timeout_s: undefined } });
  assert.throws(() => targetSpecFromFlags({ lb: 'nginx', url: 'http://127.0.0.1:1', pid: 7 }), /--lb needs targets cpdiag starts/);
  assert.throws(() => targetFlags().find((f) => f.flags.startsWith('--lb'))!.parse!('traefik'), /--lb: expected nginx or haproxy/);
  assert.equal(targetSpecFromFlags({ readyPath: '/' }), undefined, 'no target flag: the scenario decides');
  assert.deepEqual(targetSpecFromFlags({ cmd: 'app {port}', readyPath: '/', readyTimeout: 5 }), { kind: 'command', command: 'app {port}', ready_path: '/', ready_timeout_s: 5 });
  assert.deepEqual(targetSpecFromFlags({ url: 'http://127.0.0.1:1', pid: 7 }), { kind: 'attached', url: 'http://127.0.0.1:1', pid: 7 });
  assert.throws(() => targetSpecFromFlags({ cmd: 'app', url: 'http://127.0.0.1:1', pid: 7 }), /--cmd and --url are two kinds of target: give one/);
  assert.throws(() => targetSpecFromFlags({ pid: 7 }), /attaching needs both --url and --pid/);
});

test('each kind names itself for gate sides and reports, and says whether a sweep can restart it', () => {
  const bundled = parseScenario({}).target;
  const command = parseScenario({ target: { kind: 'command', command: 'python3 app.py --port {port}' } }).target;
  const attached = parseScenario({ target: { kind: 'attached', url: 'http://127.0.0.1:8080', pid: 42 } }).target;
  assert.equal(describeTarget(bundled), 'bundled server');
  assert.equal(describeTarget(command), 'python3 app.py --port {port}');
  assert.equal(describeTarget(attached), 'attached pid 42 at http://127.0.0.1:8080');
  assert.equal(describeRecordedTarget({ kind: 'bundled' }), 'the bundled reference server');
  assert.equal(describeRecordedTarget({ kind: 'command', command: 'app' }, (t) => `\`${t}\``), 'command `app`');
  assert.equal(describeRecordedTarget({ kind: 'attached' }), 'an attached process');
  assert.equal(describeRecordedTarget({ kind: 'from-a-newer-cpdiag' }), 'from-a-newer-cpdiag', 'an unknown kind in an old build');
  assert.deepEqual([bundled, command, attached].map(isRestartable), [true, true, false]);
});
