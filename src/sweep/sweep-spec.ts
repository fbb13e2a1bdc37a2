// What a sweep is asked to do, resolved from a preset (presets/: thread-pool, timeout, …), a scenario's
// `sweep:` section and flags, in that order of precedence (flags win). Everything the executor
// needs is in SweepSpec; nothing downstream reads flags.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { resolveSettings, type SettingName } from '../config/settings.js';
import { DEFAULT_MAX_ERROR_RATE } from '../analysis/ramp-rules.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { parseValuesOrRange, sweepableSetting } from './parse-values.js';
import { DEFAULT_SWEEP_PRESET, findSweepPreset, findSweepPresetForSetting, SWEEP_PRESETS } from './presets/index.js';
import type { RampSpec } from './ramp-spec.js';

export interface SweepSpec {
  name: string;
  /** The preset's name (presets/index.ts), when the sweep was asked for by one. */
  preset?: string;
  setting: SettingName;
  values: number[];
  setting2?: SettingName;
  values2?: number[];
  refine: boolean;
  /** Repeats of the capacity search at each leading candidate (execute-sweep.ts); 0: none. */
  repeats: number;
  scenario: Scenario;
  ramp: RampSpec;
  sloP99Ms: number;
  maxErrorRate: number;
  probeIntervalMs: number;
  /** Soft budget: refinement is skipped when it would not fit. */
  budgetS?: number;
}

/** The default SLO of a sweep (issue 4): p99 under 250 ms with under 1% errors (ramp-rules' DEFAULT_MAX_ERROR_RATE). */
export const DEFAULT_SLO_P99_MS = 250;
/**
 * Repeats of the capacity search at each leading candidate: with the first measurement, three runs
 * per candidate — the fewest that give a noise estimate with some degrees of freedom (2 per
 * candidate, 6 over three candidates) at about 6 s each.
 */
export const REPEATS_PER_CANDIDATE = 2;
/** Sweeps sample faster than runs: a ramp level lasts about a second. */
export const SWEEP_PROBE_INTERVAL_MS = 100;

export interface SweepFlags {
  values?: string;
  range?: string;
  setting2?: string;
  values2?: string;
  refine?: boolean;
  repeats?: number;
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
 * (cli/scenario-flags.ts); `mixGiven` tells whether the user gave a mix (otherwise
 * a preset puts its own workload in).
 */
export function resolveSweepSpec(input: { preset?: string; setting?: string; scenario: Scenario; flags: SweepFlags; mixGiven: boolean }): SweepSpec {
  const { flags } = input;
  const preset = input.preset === undefined ? undefined : findSweepPreset(input.preset);
  if (input.preset !== undefined && !preset) throw new CpdiagError(`unknown sweep preset "${input.preset}"`, EXIT.USAGE, `presets: ${presetNames()}`);
  const scenario: Scenario = structuredClone(input.scenario);
  const section = scenario.sweep;
  const settingName = preset?.setting ?? input.setting ?? section?.setting;
  if (!settingName) throw new CpdiagError('which setting? e.g. `cpdiag sweep thread_pool --values 1,2,4,8`', EXIT.USAGE, `or a preset: ${SWEEP_PRESETS.map((p) => `\`cpdiag sweep ${p.name}\``).join(' / ')}`);
  const def = sweepableSetting(settingName, input.setting ? 'sweep' : 'sweep.setting');
  // Through a proxy, a pool larger than the proxy's own limit (Apache MaxRequestWorkers, nginx
  // worker_connections / 2) never sees more requests than that limit: the sweep would measure the
  // proxy and recommend its limit as a pool size. `cpdiag run --proxy` names that limit instead.
  if (scenario.proxy) throw new CpdiagError("sweeps do not put a proxy in front: drop --proxy (or the proxy: section) and sweep the server directly; through a proxy a sweep would find the proxy's own worker limit, which `cpdiag run --proxy KIND -c N` measures (cause proxy-worker-limit)", EXIT.USAGE);
  const setting = def.name;
  // The setting's own preset (named, or by its setting) brings values and workload; a setting
  // without one gets the default preset's workload and ramp, but no values.
  const own = preset ?? findSweepPresetForSetting(setting);
  const workload = own ?? DEFAULT_SWEEP_PRESET;

  let values: number[] | undefined;
  if (flags.values !== undefined && flags.range !== undefined) throw new CpdiagError('--values and --range both give the values: use one', EXIT.USAGE);
  if (flags.values !== undefined) values = parseValuesOrRange(flags.values, def, '--values');
  else if (flags.range !== undefined) values = parseValuesOrRange(flags.range, def, '--range');
  else if (section?.values && section.setting && sweepableSetting(section.setting).name === setting) values = parseValuesOrRange(section.values.join(','), def, 'sweep.values');
  else if (section?.range && section.setting && sweepableSetting(section.setting).name === setting) values = parseValuesOrRange(section.range, def, 'sweep.range');
  else if (own) values = [...own.values];
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
  if (!input.mixGiven) scenario.mix = [{ method: 'GET', path: workload.mixPath, weight: 1 }];
  if (own?.baseSettings) {
    // Behind --lb the balancer takes the process pool's place: each process behind it runs the
    // preset's threads on its own port (`sweep processes --lb nginx`: one shared socket's curve
    // against the balancer's).
    const { model, ...rest } = own.baseSettings;
    const base = scenario.target.kind === 'balanced' && model === 'process-pool' ? rest : own.baseSettings;
    scenario.settings = { ...base, ...scenario.settings };
  }
  const fixedLoad = own?.fixedLoad ?? false;
  if (own?.slowClients && !scenario.slow_clients) {
    const count = flags.slowClients ?? own.slowClients.count;
    if (count > 0) {
      scenario.slow_clients = [{ count, upload_bytes_per_s: own.slowClients.upload_bytes_per_s, request: { ...own.slowClients.request } }];
    }
  }

  const base: RampSpec = { ...workload.ramp, ...(workload.ramp.levels ? { levels: [...workload.ramp.levels] } : {}) };
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
  if (fixedLoad && flags.rateRps !== undefined) ramp.levels = [flags.rateRps];
  if (ramp.mode === 'closed' && ramp.levels && !ramp.levels.every(Number.isInteger)) throw new CpdiagError('closed-loop levels are connection counts: whole numbers', EXIT.USAGE);
  if (ramp.levels) ramp.maxLevels = Math.max(ramp.maxLevels, ramp.levels.length);

  // Every value must be a valid setting together with the base settings (e.g. a queue size).
  resolveSettings(scenario.settings, { [setting]: values[0] });

  const sloP99Ms = flags.sloP99Ms ?? scenario.slo?.p99_ms ?? DEFAULT_SLO_P99_MS;
  const maxErrorRate = scenario.slo?.error_rate ?? DEFAULT_MAX_ERROR_RATE;
  // The budget only when the preset was named: a sweep of chosen values has no preset's design to keep to.
  const defaultBudget = preset?.budgetS;
  const name = `sweep-${setting}${setting2 ? `-${setting2}` : ''}`;
  return {
    name,
    preset: preset?.name,
    setting,
    values,
    setting2,
    values2,
    // Refinement looks for a capacity knee; a fixed-load sweep (timeout) has none.
    refine: fixedLoad ? false : (flags.refine ?? section?.refine ?? true),
    // A fixed-load sweep (timeout) and a grid compare no capacities, so nothing to repeat.
    repeats: fixedLoad || setting2 ? 0 : (flags.repeats ?? REPEATS_PER_CANDIDATE),
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

/** The preset names, for help texts and messages. */
export function presetNames(): string {
  return SWEEP_PRESETS.map((p) => p.name).join(', ');
}
