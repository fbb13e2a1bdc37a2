import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT } from '../../src/exit-codes.js';
import { captureEnvironment } from '../../src/environment.js';
import { defaultGateScenario } from '../../src/gate/default-scenario.js';
import { planGate, withCommandTarget } from '../../src/gate/plan-gate.js';
import { planRuns, runGate, type ExecuteScenario } from '../../src/gate/run-gate.js';
import { parseMetricSpec } from '../../src/gate/metric-spec.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { CpdiagError } from '../../src/exit-codes.js';
import { fakeRecord, samples } from './fixtures.js';

/** A fake executor: A's target (bundled) answers in 100 ms, B's (a command) in `bMs`; logs the order. */
function fakeExecutor(bMs: number, log: string[], opts: { slowFirst?: boolean } = {}): ExecuteScenario {
  let first = true;
  return async (scenario: Scenario) => {
    const side = scenario.target.kind === 'command' ? 'B' : 'A';
    log.push(side);
    let ms = side === 'B' ? bMs : 100;
    if (opts.slowFirst && first) ms *= 3;
    first = false;
    // Deterministic small spread so the rank test has no ties.
    ms *= 1 + (log.length % 5) * 0.004;
    return { record: fakeRecord(ms), targetDied: false };
  };
}

function gateOptions(bMs: number, log: string[], extra: Partial<Parameters<typeof runGate>[0]> = {}) {
  const scenario = defaultGateScenario();
  const plan = planGate(scenario, { b: 'b-server --port {port}', metric: ['p50 +10%'] });
  return {
    a: plan.a!,
    b: plan.b,
    runsPerSide: 6,
    order: plan.order,
    warmupRuns: 1,
    specs: plan.specs,
    alpha: plan.alpha,
    failOnInconclusive: false,
    environment: captureEnvironment(),
    cpdiagVersion: '0.1.0',
    execute: fakeExecutor(bMs, log, { slowFirst: true }),
    ...extra,
  };
}

test('A/B gate: warm-up pair first, then ABBA; the slow first run is not compared', async () => {
  const log: string[] = [];
  const doc = await runGate(gateOptions(100, log));
  assert.equal(log.join(''), 'AB' + 'ABBAABBAABBA');
  assert.equal(doc.order, 'ABBAABBAABBA');
  assert.equal(doc.runs.filter((r) => r.warmup).length, 2);
  assert.equal(doc.metrics[0].a_values.length, 6);
  assert.ok(Math.max(...doc.metrics[0].a_values) < 150, 'the 3× slower warm-up run is left out');
  assert.equal(doc.outcome, 'pass');
  assert.equal(doc.exit_code, EXIT.OK);
  assert.equal(doc.schema, 'cpdiag.gate/1');
  assert.equal(doc.mode, 'ab');
});

test('A/B gate: a 20% slower B fails with exit 1', async () => {
  const log: string[] = [];
  const doc = await runGate(gateOptions(120, log));
  assert.equal(doc.outcome, 'regression');
  assert.equal(doc.exit_code, EXIT.REGRESSION);
  assert.equal(doc.metrics[0].verdict, 'regression');
});

test('baseline mode runs only B, against the stored samples', async () => {
  const log: string[] = [];
  const base = gateOptions(100, log);
  const doc = await runGate({ ...base, a: { description: { label: 'A', description: 'bundled server', baseline_file: 'b.json' }, samples: samples('A', 100, 6) } });
  assert.equal(log.join(''), 'B' + 'BBBBBB');
  assert.equal(doc.mode, 'baseline');
  assert.equal(doc.outcome, 'pass');
});

test('an interrupted gate gives no verdict and exit 130', async () => {
  const log: string[] = [];
  const controller = new AbortController();
  const inner = fakeExecutor(100, log);
  const execute: ExecuteScenario = async (s, signal) => {
    const out = await inner(s, signal);
    if (log.length === 4) controller.abort();
    return out;
  };
  const doc = await runGate({ ...gateOptions(100, log), execute, signal: controller.signal });
  assert.equal(log.length, 4);
  assert.equal(doc.complete, false);
  assert.equal(doc.exit_code, EXIT.INTERRUPTED);
  assert.deepEqual(doc.metrics, []);
});

test('too few runs for α is warned about', async () => {
  const doc = await runGate({ ...gateOptions(100, []), runsPerSide: 3, warmupRuns: 0 });
  assert.match(doc.warnings.join('\n'), /with 3 runs per side no difference can reach p < 0\.01/);
});

test('plan: --a with --baseline refused; --a/--b become command targets; runs and α validated', () => {
  const scenario = defaultGateScenario();
  assert.throws(() => planGate(scenario, { a: 'x', baseline: 'b.json' }), (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE);
  assert.throws(() => planGate(scenario, { runs: 1 }), /--runs must be 2 to 100/);
  assert.throws(() => planGate(scenario, { alpha: 0.7 }), /--alpha/);
  assert.throws(() => withCommandTarget(scenario, '  ', '--b'), /--b is empty/);
  const plan = planGate(scenario, { a: 'old --port {port}', b: 'new --port {port}' });
  assert.equal(plan.a!.scenario.target.kind, 'command');
  assert.equal(plan.a!.description.command, 'old --port {port}');
  assert.equal(plan.b.description.description, 'new --port {port}');
  assert.equal(plan.runsPerSide, 6);
  assert.equal(plan.warmupRuns, 1);
  assert.deepEqual(plan.specs.map((s) => s.text), ['p50 +10%', 'p99 +20%', 'throughput -10%', 'error_rate +0.5pp', 'fd_slope 0', 'thread_slope 0']);
  const aa = planGate(scenario, {});
  assert.equal(aa.a!.scenario.target.kind, 'bundled');
  assert.equal(aa.b.scenario.target.kind, 'bundled');
  assert.deepEqual(planRuns(['A', 'B', 'B', 'A'], 1).map((r) => `${r.side}${r.warmup ? 'w' : ''}`), ['Aw', 'Bw', 'A', 'B', 'B', 'A']);
  assert.equal(parseMetricSpec('p50').tolerance, 0.1);
});
