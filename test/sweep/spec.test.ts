import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { resolveSweepSpec, sweepSpecFromScenario } from '../../src/sweep/sweep-spec.js';
import { THREAD_POOL_PRESET } from '../../src/sweep/presets/thread-pool.js';
import { DEFAULT_SWEEP_PRESET, findSweepPreset, SWEEP_PRESETS } from '../../src/sweep/presets/index.js';
import { CpdiagError } from '../../src/exit-codes.js';

const base = () => parseScenario({ name: 'sweep' });

test('thread-pool preset: pools 2..64, the I/O-bound workload, a 120 s budget, refinement and repeats on', () => {
  const s = resolveSweepSpec({ preset: 'thread-pool', scenario: base(), flags: {}, mixGiven: false });
  assert.equal(s.setting, 'thread_pool');
  // Pool 1 left out (issue 11): never recommended, and its step (low rates, stretched levels) went to the repeats.
  assert.deepEqual(s.values, [2, 4, 8, 16, 32, 64]);
  assert.equal(s.scenario.mix[0].path, THREAD_POOL_PRESET.mixPath);
  // 120 s since issue 11: repeats at the leading candidates (2 each) for a recommendation that does not move with noise.
  assert.equal(s.budgetS, 120);
  assert.equal(s.refine, true);
  assert.equal(s.repeats, 2);
  assert.equal(resolveSweepSpec({ preset: 'thread-pool', scenario: base(), flags: { repeats: 0 }, mixGiven: false }).repeats, 0);
  assert.equal(resolveSweepSpec({ preset: 'timeout', scenario: base(), flags: {}, mixGiven: false }).repeats, 0, 'a fixed-load sweep compares no capacities');
  assert.equal(s.ramp.mode, 'open');
  assert.equal(s.sloP99Ms, 250);
  assert.equal(s.name, 'sweep-thread_pool');
});

test('timeout preset: slow uploaders beside a fixed rate, no refinement', () => {
  const s = resolveSweepSpec({ preset: 'timeout', scenario: base(), flags: { rateRps: 40, slowClients: 3 }, mixGiven: false });
  assert.equal(s.setting, 'socket_timeout');
  assert.deepEqual(s.ramp.levels, [40]);
  assert.equal(s.scenario.slow_clients?.[0].count, 3);
  assert.equal(s.scenario.slow_clients?.[0].upload_bytes_per_s, 1);
  assert.equal(s.refine, false);
});

test('flags win over the scenario, the scenario over the preset', () => {
  const scenario = parseScenario({ name: 'x', mix: [{ path: '/work?cpu_ms=5' }], sweep: { setting: 'thread_pool', values: [1, 3], ramp: { mode: 'closed', step_s: 2 } } });
  const fromFile = sweepSpecFromScenario(scenario);
  assert.deepEqual(fromFile.values, [1, 3]);
  assert.equal(fromFile.ramp.mode, 'closed');
  assert.equal(fromFile.ramp.levelS, 2);
  assert.equal(fromFile.scenario.mix[0].path, '/work?cpu_ms=5');
  assert.equal(fromFile.name, 'x');
  const flagged = resolveSweepSpec({ scenario, flags: { range: '2:8:x2', rampMode: 'open', levelS: 0.5 }, mixGiven: true });
  assert.deepEqual(flagged.values, [2, 4, 8]);
  assert.equal(flagged.ramp.mode, 'open');
  assert.equal(flagged.ramp.levelS, 0.5);
});

test('grid and refused combinations', () => {
  const g = resolveSweepSpec({ setting: 'thread_pool', scenario: base(), flags: { values: '2,4', setting2: 'accepted-queue-size', values2: '-1,10' }, mixGiven: false });
  assert.equal(g.setting2, 'accepted_queue_size');
  assert.deepEqual(g.values2, [-1, 10]);
  assert.equal(g.name, 'sweep-thread_pool-accepted_queue_size');
  const bad: [string | undefined, Record<string, unknown>][] = [
    [undefined, {}],
    ['thread_pool', { values: '1', range: '1:2:+1' }],
    ['thread_pool', { setting2: 'thread_pool', values2: '1' }],
    ['thread_pool', { setting2: 'socket_timeout' }],
    ['thread_pool', { values2: '1,2' }],
    ['socket_queue_size', {}],
    ['thread_pool', { levels: '10,x' }],
  ];
  for (const [setting, flags] of bad) {
    assert.throws(() => resolveSweepSpec({ setting, scenario: base(), flags, mixGiven: false }), CpdiagError, JSON.stringify({ setting, flags }));
  }
  assert.throws(() => resolveSweepSpec({ preset: 'thread-pool', scenario: parseScenario({ name: 'p', proxy: { kind: 'nginx' } }), flags: {}, mixGiven: false }), /sweeps do not put a proxy in front.*the proxy's own worker limit.*proxy-worker-limit/);
});

test('presets are records in one registry: each resolves to its setting, values, workload and budget', () => {
  const names = SWEEP_PRESETS.map((p) => p.name);
  assert.deepEqual(names.filter((n) => n === 'thread-pool' || n === 'timeout'), ['thread-pool', 'timeout']);
  assert.equal(new Set(names).size, names.length, 'one preset per name');
  assert.equal(new Set(SWEEP_PRESETS.map((p) => p.setting)).size, SWEEP_PRESETS.length, 'one preset per setting');
  for (const p of SWEEP_PRESETS) {
    const s = resolveSweepSpec({ preset: p.name, scenario: base(), flags: {}, mixGiven: false });
    assert.equal(s.preset, p.name);
    assert.equal(s.setting, p.setting);
    assert.deepEqual(s.values, p.values);
    assert.equal(s.scenario.mix[0].path, p.mixPath);
    assert.equal(s.budgetS, p.budgetS);
    assert.equal(s.refine, !p.fixedLoad);
    assert.deepEqual(s.ramp.levels, p.ramp.levels);
    assert.equal(s.scenario.slow_clients?.[0].count, p.slowClients?.count);
    // Sweeping the setting by name measures the same, without the preset's budget.
    const bySetting = resolveSweepSpec({ setting: p.setting, scenario: base(), flags: {}, mixGiven: false });
    assert.deepEqual({ ...bySetting, preset: p.name, budgetS: p.budgetS }, s);
    assert.equal(bySetting.budgetS, undefined);
  }
  // A setting without a preset of its own gets the default preset's workload and ramp.
  const other = resolveSweepSpec({ setting: 'socket_queue_size', scenario: base(), flags: { values: '1,5' }, mixGiven: false });
  assert.equal(other.scenario.mix[0].path, DEFAULT_SWEEP_PRESET.mixPath);
  assert.deepEqual(other.ramp, { ...DEFAULT_SWEEP_PRESET.ramp, levels: undefined, startRps: undefined, factor: undefined });
  assert.equal(other.refine, true);
  assert.equal(findSweepPreset('thread-pool'), THREAD_POOL_PRESET);
  assert.throws(() => resolveSweepSpec({ preset: 'no-such-preset', scenario: base(), flags: {}, mixGiven: false }), CpdiagError);
});

test('sweep processes behind --lb: the balancer takes the process pool\'s place, the threads stay', () => {
  const pool = resolveSweepSpec({ preset: 'processes', scenario: parseScenario({}), flags: {}, mixGiven: false });
  assert.equal(pool.scenario.settings.model, 'process-pool');
  const balanced = resolveSweepSpec({ preset: 'processes', scenario: parseScenario({ target: { kind: 'balanced', balancer: 'nginx' } }), flags: {}, mixGiven: false });
  assert.equal(balanced.scenario.settings.model, undefined);
  assert.equal(balanced.scenario.settings.thread_pool, 4);
  assert.equal(balanced.setting, 'processes');
});
