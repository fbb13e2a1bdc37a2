// What the gate decides before it runs anything: side A from the plan or from a baseline file that
// fits the workload, with a warning (or, --strict-env, a refusal) for one from another machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureEnvironment } from '../../src/environment.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { defaultGateScenario, GATE_DEFAULT_SCENARIO_INPUT } from '../../src/gate/default-scenario.js';
import { prepareGate } from '../../src/gate/prepare-gate.js';
import { recordBaseline } from '../../src/gate/run-gate.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { CPDIAG_VERSION } from '../../src/version.js';
import { fakeRecord } from './fixtures.js';

async function writeBaseline(dir: string, environment = captureEnvironment()): Promise<string> {
  let n = 0;
  const doc = await recordBaseline({
    scenario: defaultGateScenario(),
    target: 'old build',
    runs: 3,
    warmupRuns: 0,
    environment,
    cpdiagVersion: CPDIAG_VERSION,
    execute: async () => ({ record: fakeRecord(150 + n++), targetDied: false }),
  });
  const file = join(dir, `baseline-${environment.cores}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

function usageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && pattern.test(e.message));
}

test('A/B: both sides are scenarios to run; the plan and the flags carry through', () => {
  const gate = prepareGate(defaultGateScenario(), { a: 'old {port}', b: 'new {port}', runs: 4, failOnInconclusive: true });
  assert.ok('scenario' in gate.a);
  assert.equal(gate.a.description.command, 'old {port}');
  assert.equal(gate.b.description.command, 'new {port}');
  assert.equal(gate.runsPerSide, 4);
  assert.equal(gate.failOnInconclusive, true);
  assert.equal(gate.cpdiagVersion, CPDIAG_VERSION);
  assert.deepEqual(gate.warnings, []);
});

test('baseline: A is its recorded runs; another workload is refused; another machine is a warning, refused with --strict-env', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-prepare-'));
  try {
    const here = captureEnvironment();
    const file = await writeBaseline(dir, here);
    const gate = prepareGate(defaultGateScenario(), { baseline: file }, here);
    assert.ok('samples' in gate.a);
    assert.deepEqual(gate.a.samples.map((s) => [s.side, s.values.p50]), [['A', 150], ['A', 151], ['A', 152]]);
    assert.deepEqual(gate.a.description, { label: 'A', description: 'old build', baseline_file: file });
    assert.deepEqual(gate.warnings, []);

    const otherLoad = parseScenario({ ...structuredClone(GATE_DEFAULT_SCENARIO_INPUT), load: { ...GATE_DEFAULT_SCENARIO_INPUT.load, connections: 4 } });
    usageError(() => prepareGate(otherLoad, { baseline: file }, here), /different workload.*load\.connections: baseline 8, now 4/);

    const elsewhere = await writeBaseline(dir, { ...here, cpu_model: 'Imaginary CPU 9000', cores: here.cores + 62 });
    const warned = prepareGate(defaultGateScenario(), { baseline: elsewhere }, here);
    assert.equal(warned.warnings?.length, 1);
    assert.match(warned.warnings![0], /recorded elsewhere: CPU model differs.*may not be comparable \(--strict-env refuses\)$/);
    usageError(() => prepareGate(defaultGateScenario(), { baseline: elsewhere, strictEnv: true }, here), /recorded elsewhere: CPU model differs/);
    usageError(() => prepareGate(defaultGateScenario(), { baseline: join(dir, 'none.json') }, here), /no such baseline file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--stats-url and --config go to both --a and --b command targets', () => {
  const gate = prepareGate(defaultGateScenario(), { a: 'python3 old/app.py -c {config}', b: 'python3 new/app.py -c {config}', statsUrl: '/cpstats/data', configFile: 'app.conf' });
  for (const side of [gate.a, gate.b]) {
    assert.ok(side && 'scenario' in side, 'both sides run a scenario');
    const t = side.scenario.target;
    assert.equal(t.kind, 'command');
    if (t.kind !== 'command') continue;
    assert.equal(t.stats_url, '/cpstats/data');
    assert.equal(t.config_file, 'app.conf');
  }
  // Without them, nothing is added.
  const plain = prepareGate(defaultGateScenario(), { b: 'python3 new/app.py --port {port}' });
  assert.deepEqual(plain.b.scenario.target, { kind: 'command', command: 'python3 new/app.py --port {port}' });
});
