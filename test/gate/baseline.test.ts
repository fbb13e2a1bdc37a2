import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { checkFingerprint, parseBaseline, readBaselineFile } from '../../src/gate/baseline-file.js';
import { compareEnvironments, describeIssue } from '../../src/gate/environment-compat.js';
import { fingerprintScenario, workloadOf } from '../../src/gate/fingerprint.js';
import { defaultGateScenario, GATE_DEFAULT_SCENARIO_INPUT } from '../../src/gate/default-scenario.js';
import { recordBaseline } from '../../src/gate/run-gate.js';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load-scenario.js';
import { captureEnvironment } from '../../src/environment.js';
import { fakeRecord } from './fixtures.js';

function usageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && pattern.test(e.message));
}

async function makeBaseline() {
  const scenario = defaultGateScenario();
  let n = 0;
  return recordBaseline({
    scenario,
    target: 'bundled server',
    runs: 3,
    warmupRuns: 1,
    environment: captureEnvironment(),
    cpdiagVersion: '0.1.0',
    execute: async () => ({ record: fakeRecord(150 + n++), targetDied: false }),
  });
}

test('fingerprint: same workload, same hash; target, name and budgets do not count; load does', () => {
  const a = defaultGateScenario();
  const b = parseScenario({ ...structuredClone(GATE_DEFAULT_SCENARIO_INPUT), name: 'other', target: { kind: 'command', command: 'x {port}' }, gate: { runs: 9 } });
  assert.equal(fingerprintScenario(a), fingerprintScenario(b));
  // Explicit defaults are the same workload as none.
  const c = parseScenario({ ...structuredClone(GATE_DEFAULT_SCENARIO_INPUT), settings: { thread_pool: 10, socket_timeout: 10 } });
  assert.equal(fingerprintScenario(a), fingerprintScenario(c));
  const d = parseScenario({ ...structuredClone(GATE_DEFAULT_SCENARIO_INPUT), load: { ...GATE_DEFAULT_SCENARIO_INPUT.load, duration_s: 2 } });
  assert.notEqual(fingerprintScenario(a), fingerprintScenario(d));
});

test('the shipped gate-default.yaml is the built-in default workload', () => {
  const file = loadScenarioFile(new URL('../../../scenarios/gate-default.yaml', import.meta.url).pathname);
  assert.equal(fingerprintScenario(file), fingerprintScenario(defaultGateScenario()));
  assert.deepEqual(file.gate, defaultGateScenario().gate);
});

test('baseline: recorded without warm-up runs, round-trips through JSON', async () => {
  const doc = await makeBaseline();
  assert.equal(doc.runs.length, 3);
  assert.ok(doc.runs.every((r) => !r.warmup));
  assert.deepEqual(doc.runs.map((r) => r.values.p50), [151, 152, 153]);
  const back = parseBaseline(JSON.stringify(doc), 'b.json');
  assert.equal(back.fingerprint, doc.fingerprint);
});

test('baseline: missing, not JSON, other schema, damaged → exit 2 with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-gate-'));
  try {
    usageError(() => readBaselineFile(join(dir, 'nope.json')), /no such baseline file/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema": "cpdiag.baseline/1", ');
    usageError(() => readBaselineFile(bad), /not valid JSON/);
    usageError(() => parseBaseline('{"schema": "cpdiag.run/1"}', 'run.json'), /schema "cpdiag\.run\/1", expected "cpdiag\.baseline\/1"/);
    usageError(() => parseBaseline('[1,2]', 'x.json'), /no schema field/);
    const doc = await makeBaseline();
    usageError(() => parseBaseline(JSON.stringify({ ...doc, runs: [] }), 'x.json'), /damaged baseline file: runs/);
    usageError(() => parseBaseline(JSON.stringify({ ...doc, fingerprint: 42 }), 'x.json'), /damaged baseline file: fingerprint/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('baseline from another workload is refused, naming what differs', async () => {
  const doc = await makeBaseline();
  const now = parseScenario({ ...structuredClone(GATE_DEFAULT_SCENARIO_INPUT), load: { ...GATE_DEFAULT_SCENARIO_INPUT.load, duration_s: 2, connections: 4 } });
  usageError(() => checkFingerprint(doc, fingerprintScenario(now), workloadOf(now), 'b.json'), /different workload.*load\.connections: baseline 8, now 4; load\.duration_s: baseline 5, now 2/);
  // The same workload passes.
  checkFingerprint(doc, fingerprintScenario(defaultGateScenario()), workloadOf(defaultGateScenario()), 'b.json');
});

test('environment: other CPU, core count, cpdiag or node major are flagged; patch levels are not', () => {
  const env = captureEnvironment();
  assert.deepEqual(compareEnvironments(env, '0.1.0', { ...env, kernel: 'other', load_average: [9, 9, 9] }, '0.3.2'), []);
  const issues = compareEnvironments(env, '1.2.0', { ...env, cpu_model: 'Other CPU', cores: env.cores + 2, node_version: 'v99.0.0' }, '2.0.0');
  assert.deepEqual(issues.map((i) => i.field), ['cpu_model', 'cores', 'cpdiag_major', 'node_major']);
  assert.match(describeIssue(issues[1]), /core count differs: baseline \d+, here \d+/);
});
