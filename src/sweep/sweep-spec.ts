// What a sweep is asked to do, resolved from a preset (thread-pool, timeout), a scenario's
// `sweep:` section and flags, in that order of precedence (flags win). Everything the executor
// needs is in SweepSpec; nothing downstream reads flags.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { resolveSettings, type SettingName } from '../config/settings.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { parseValuesOrRange, sweepableSetting } from './parse-values.js';
import { powersOfTwo } from './plan-values.js';

export type SweepPreset = 'thread-pool' | 'timeout';

export interface RampSpec {
  /** open: a rate ladder (adaptive unless levels are given); closed: connection levels. */
  mode: 'open' | 'closed';
  /** Explicit levels (rates for open, connections for closed); otherwise adaptive. */
  levels?: number[];
  /** Geometric ladder instead of the adaptive one: start_rps × factor^k. */
  startRps?: number;
  factor?: number;
  maxRps: number;
  maxLevels: number;
  /** Measured seconds per level (a level at a low rate runs longer, see MIN_REQUESTS_PER_LEVEL). */
  levelS: number;
  /** Warm-up of the first level at each value (connections, JIT, the target's first requests). */
  firstWarmupS: number;
  /** Warm-up of later levels: lets the new rate settle. */
  warmupS: number;
}

export interface SweepSpec {
  name: string;
  preset?: SweepPreset;
  setting: SettingName;
  values: number[];
  setting2?: SettingName;
  values2?: number[];
  refine: boolean;
  scenario: Scenario;
  ramp: RampSpec;
  sloP99Ms: number;
  maxErrorRate: number;
  probeIntervalMs: number;
  /** Soft budget: refinement is skipped when it would not fit. */
  budgetS?: number;
}

/** The default SLO of a sweep (issue 4): p99 under 250 ms with under 1% errors. */
export const DEFAULT_SLO_P99_MS = 250;
export const DEFAULT_MAX_ERROR_RATE = 0.01;
/** Sweeps sample faster than runs: a ramp level lasts about a second. */
export const SWEEP_PROBE_INTERVAL_MS = 100;

/**
 * thread-pool: the issue's default sweep, designed for at most 90 s on a 2-core machine:
 * 7 pool sizes (1..64) plus up to 2 refined around the knee ≈ 9 steps; each step ≈ 0.4 s to
 * start the target + about 5 levels of 1 s (+0.2 s settle) before the ramp stops past the knee.
 */
export const THREAD_POOL_PRESET = {
  values: powersOfTwo(1, 64),
  mixPath: '/work?io_ms=20&cpu_ms=1',
  ramp: { mode: 'open', maxRps: 20000, maxLevels: 8, levelS: 1, firstWarmupS: 0.5, warmupS: 0.2 } satisfies RampSpec,
  budgetS: 90,
} as const;

/**
 * timeout: normal clients at a fixed rate well under the pool's capacity, plus slow uploaders
 * trickling a body at 1 byte/s (a pause of 1 s between bytes, see load/slow-clients.ts). A
 * socket_timeout below the pause cuts them off; above it they hold a worker for the whole step.
 * 8 slow clients against CherryPy's default pool of 10 leave 2 workers for the normal load.
 */
export const TIMEOUT_PRESET = {
  values: [0.5, 1, 2, 5, 10],
  mixPath: '/work?io_ms=20&cpu_ms=1',
  normalRateRps: 60,
  slowClients: { count: 8, upload_bytes_per_s: 1, request: { method: 'POST', path: '/upload', body_bytes: 64, weight: 1 } },
  ramp: { mode: 'open', levels: [60], maxRps: 20000, maxLevels: 1, levelS: 5, firstWarmupS: 0.5, warmupS: 0.2 } satisfies RampSpec,
  budgetS: 60,
} as const;

export interface SweepFlags {
  values?: string;
  range?: string;
  setting2?: string;
  values2?: string;
  refine?: boolean;
  rampMode?: 'open' | 'closed';
  levels?: string;
  maxLevels?: number;
  levelS?: number;
  maxRps?: number;
  budgetS?: number;
  sloP99Ms?: number;
  probeIntervalMs?: number;
  /** The rate of the normal clients in a timeout sweep. */
  rateRps?: number;
  slowClients?: number;
  /** Warm-up of the first level at each value. */
  warmupS?: number;
}

/**
 * Builds a SweepSpec. `scenario` already has the target/load/settings flags applied
 * (cli/scenario-flags.ts); `presetMix` tells whether the scenario's mix is still the default
 * (then a preset may put its own workload in).
 */
export function resolveSweepSpec(input: { preset?: SweepPreset; setting?: string; scenario: Scenario; flags: SweepFlags; mixGiven: boolean }): SweepSpec {
  const { preset, flags } = input;
  const scenario: Scenario = structuredClone(input.scenario);
  const section = scenario.sweep;
  const settingName = preset === 'thread-pool' ? 'thread_pool' : preset === 'timeout' ? 'socket_timeout' : (input.setting ?? section?.setting);
  if (!settingName) throw new CpdiagError('which setting? e.g. `cpdiag sweep thread_pool --values 1,2,4,8`', EXIT.USAGE, 'or a preset: `cpdiag sweep thread-pool` / `cpdiag sweep timeout`');
  const def = sweepableSetting(settingName, input.setting ? 'sweep' : 'sweep.setting');
  if (scenario.proxy) throw new CpdiagError('sweeps do not put a proxy in front yet: drop --proxy (or the proxy: section) and sweep the server directly', EXIT.USAGE);
  const setting = def.name;

  let values: number[] | undefined;
  if (flags.values !== undefined && flags.range !== undefined) throw new CpdiagError('--values and --range both give the values: use one', EXIT.USAGE);
  if (flags.values !== undefined) values = parseValuesOrRange(flags.values, def, '--values');
  else if (flags.range !== undefined) values = parseValuesOrRange(flags.range, def, '--range');
  else if (section?.values && section.setting && sweepableSetting(section.setting).name === setting) values = parseValuesOrRange(section.values.join(','), def, 'sweep.values');
  else if (section?.range && section.setting && sweepableSetting(section.setting).name === setting) values = parseValuesOrRange(section.range, def, 'sweep.range');
  else if (preset === 'thread-pool' || setting === 'thread_pool') values = [...THREAD_POOL_PRESET.values];
  else if (preset === 'timeout' || setting === 'socket_timeout') values = [...TIMEOUT_PRESET.values];
  if (!values) throw new CpdiagError(`no values for ${setting}: give --values 1,2,4 or --range 1:64:x2`, EXIT.USAGE);

  let setting2: SettingName | undefined;
  let values2: number[] | undefined;
  const s2 = flags.setting2 ?? section?.setting2;
  if (s2 !== undefined) {
    const def2 = sweepableSetting(s2, '--setting2');
    if (def2.name === setting) throw new CpdiagError(`--setting2 ${def2.name} is the swept setting already`, EXIT.USAGE);
    setting2 = def2.name;
    const text2 = flags.values2 ?? section?.values2?.join(',');
    if (!text2) throw new CpdiagError(`--setting2 ${setting2} needs --values2 (e.g. --values2 1,5,10)`, EXIT.USAGE);
    values2 = parseValuesOrRange(text2, def2, '--values2');
  } else if (flags.values2 !== undefined) {
    throw new CpdiagError('--values2 needs --setting2', EXIT.USAGE);
  }
  if (values.length * (values2?.length ?? 1) > 64) throw new CpdiagError(`${values.length * (values2?.length ?? 1)} steps is more than a sweep allows (64)`, EXIT.USAGE);

  // Presets bring their workload when the user did not give one.
  if (!input.mixGiven) {
    const path = preset === 'timeout' || setting === 'socket_timeout' ? TIMEOUT_PRESET.mixPath : THREAD_POOL_PRESET.mixPath;
    scenario.mix = [{ method: 'GET', path, weight: 1 }];
  }
  const timeoutSweep = preset === 'timeout' || setting === 'socket_timeout';
  if (timeoutSweep && !scenario.slow_clients) {
    const count = flags.slowClients ?? TIMEOUT_PRESET.slowClients.count;
    if (count > 0) {
      scenario.slow_clients = [{ count, upload_bytes_per_s: TIMEOUT_PRESET.slowClients.upload_bytes_per_s, request: { ...TIMEOUT_PRESET.slowClients.request } }];
    }
  }

  const base: RampSpec = timeoutSweep ? { ...TIMEOUT_PRESET.ramp, levels: [...TIMEOUT_PRESET.ramp.levels] } : { ...THREAD_POOL_PRESET.ramp };
  const r = section?.ramp;
  const ramp: RampSpec = {
    ...base,
    mode: flags.rampMode ?? r?.mode ?? base.mode,
    levels: r?.levels ?? base.levels,
    startRps: r?.start_rps,
    factor: r?.factor,
    maxRps: flags.maxRps ?? r?.max_rps ?? base.maxRps,
    levelS: flags.levelS ?? r?.step_s ?? base.levelS,
    maxLevels: flags.maxLevels ?? base.maxLevels,
  };
  if (flags.warmupS !== undefined) ramp.firstWarmupS = flags.warmupS;
  if (flags.levels !== undefined) {
    const levels = flags.levels.split(',').map((t) => Number(t.trim()));
    if (levels.length === 0 || !levels.every((l) => Number.isFinite(l) && l > 0)) throw new CpdiagError(`--levels: expected positive numbers separated by commas, got "${flags.levels}"`, EXIT.USAGE);
    ramp.levels = levels;
  }
  if (timeoutSweep && flags.rateRps !== undefined) ramp.levels = [flags.rateRps];
  if (ramp.mode === 'closed' && ramp.levels && !ramp.levels.every(Number.isInteger)) throw new CpdiagError('closed-loop levels are connection counts: whole numbers', EXIT.USAGE);
  if (ramp.levels) ramp.maxLevels = Math.max(ramp.maxLevels, ramp.levels.length);

  // Every value must be a valid setting together with the base settings (e.g. a queue size).
  resolveSettings(scenario.settings, { [setting]: values[0] });

  const sloP99Ms = flags.sloP99Ms ?? scenario.slo?.p99_ms ?? DEFAULT_SLO_P99_MS;
  const maxErrorRate = scenario.slo?.error_rate ?? DEFAULT_MAX_ERROR_RATE;
  const defaultBudget = preset === 'thread-pool' ? THREAD_POOL_PRESET.budgetS : preset === 'timeout' ? TIMEOUT_PRESET.budgetS : undefined;
  const name = `sweep-${setting}${setting2 ? `-${setting2}` : ''}`;
  return {
    name,
    preset,
    setting,
    values,
    setting2,
    values2,
    // Refinement looks for a capacity knee; a timeout sweep has none (its load is fixed).
    refine: timeoutSweep ? false : (flags.refine ?? section?.refine ?? true),
    scenario,
    ramp,
    sloP99Ms,
    maxErrorRate,
    probeIntervalMs: flags.probeIntervalMs ?? SWEEP_PROBE_INTERVAL_MS,
    budgetS: flags.budgetS ?? section?.budget_s ?? defaultBudget,
  };
}

/** A scenario with a sweep section, as `cpdiag run FILE` hands it over. */
export function sweepSpecFromScenario(scenario: Scenario): SweepSpec {
  if (!scenario.sweep) throw new CpdiagError(`scenario ${scenario.name}: no sweep section`, EXIT.USAGE);
  const mixGiven = true;
  const spec = resolveSweepSpec({ scenario: parseScenario(scenario, scenario.name ?? 'scenario'), flags: {}, mixGiven });
  // The report folder is named after the scenario, as for a run.
  return { ...spec, name: scenario.name ?? spec.name };
}
