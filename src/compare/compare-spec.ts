// What `cpdiag compare models` is asked to do: which models (and their sizes), which workloads,
// the concurrency ladder every model climbs, the SLO; resolved from defaults and flags. Everything
// the executor needs is in CompareSpec; nothing downstream reads flags.
import { availableParallelism } from 'node:os';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { resolveSettings, type ServerSettings } from '../config/settings.js';
import { DEFAULT_MAX_ERROR_RATE } from '../analysis/ramp-rules.js';
import type { Scenario } from '../scenario/schema.js';
import { DEFAULT_SLO_P99_MS } from '../sweep/sweep-spec.js';
import { BALANCED_MODELS, type CompareModel, type CompareModelName, type CompareWorkload } from './compare-document.js';

export interface CompareSpec {
  name: string;
  /** Target, settings and probes as the flags made them; the mix is each workload's. */
  scenario: Scenario;
  models: CompareModel[];
  workloads: CompareWorkload[];
  /** Closed-loop connection counts, lightest first. */
  levels: number[];
  levelS: number;
  firstWarmupS: number;
  warmupS: number;
  sloP99Ms: number;
  maxErrorRate: number;
  probeIntervalMs: number;
  /** What the comparison should take, seconds (the estimate below, or --budget). */
  plannedS: number;
}

/**
 * The workloads of the comparison, the three the deployment guide's choice turns on: a handler
 * that waits on I/O (threads overlap the waits), one that computes under the GIL (only processes
 * add cores), and a mix of both. 20 ms of I/O and 5 ms of CPU are the sweeps' own workloads.
 */
export const DEFAULT_WORKLOADS: readonly CompareWorkload[] = [
  { name: 'io', path: '/work?io_ms=20', kind: 'io' },
  { name: 'cpu', path: '/work?cpu_ms=5', kind: 'cpu' },
  { name: 'mix', path: '/work?io_ms=20&cpu_ms=2', kind: 'mix' },
];

/** CherryPy's default thread pool is 10; 16 is the size the guide's examples and our sweeps settle near for 20 ms of I/O. */
export const DEFAULT_THREAD_POOL = 16;

/**
 * The concurrency ladder, ×4 per level from 1 to 256 users: five levels reach "several hundred"
 * within a 3–4 minute budget (seven rows × three workloads), and the ramp rules stop a model's ladder once it is well past its
 * knee (p99 over 10× its floor or 4× the SLO), so slow models cost fewer levels.
 */
export const DEFAULT_LEVELS: readonly number[] = [1, 4, 16, 64, 256];
export const DEFAULT_LEVEL_S = 1;
/** The first level warms the target (Node's JIT, the first forks); later ones let the new concurrency settle. */
export const FIRST_WARMUP_S = 0.5;
export const WARMUP_S = 0.2;
/** A level never shrinks below this to meet a budget: its p99 needs the requests. */
export const MIN_LEVEL_S = 0.5;
/**
 * Seconds per step besides its levels: starting and stopping the target (a process pool forks its
 * workers) and letting an overloaded level drain (up to 3 s). Measured: 15 steps of 5 levels took
 * 2m 54s at load average 10 on 2 cores, about 4 s per step over the levels' own time.
 */
export const TARGET_START_S = 4;
/** Levels a model climbs before the ramp rules stop it: most climb all of them (the ladder is short). */
const TYPICAL_LEVEL_SHARE = 1;
export const COMPARE_PROBE_INTERVAL_MS = 100;

export interface CompareFlags {
  models?: string;
  workloads?: string;
  /** A custom workload's path (replaces the defaults unless --workloads names some too). */
  path?: string;
  levels?: string;
  levelS?: number;
  budgetS?: number;
  sloP99Ms?: number;
  threadPool?: number;
  processes?: number;
  probeIntervalMs?: number;
}

/** Every row's name, in the table's order: the five models, then the balanced rows. */
export const COMPARE_MODEL_NAMES: readonly CompareModelName[] = ['single', 'fork-per-request', 'thread-per-request', 'process-pool', 'thread-pool', ...(Object.keys(BALANCED_MODELS) as (keyof typeof BALANCED_MODELS)[])];

/**
 * The models, each sized: the thread pool of `threadPool`, a process pool of `processes` (the
 * cores) with the threads shared out, and the same processes and threads on their own ports behind
 * nginx and behind HAProxy (one shared socket against a balancer).
 */
export function defaultModels(threadPool: number, processes: number): CompareModel[] {
  const perProcess = Math.max(1, Math.round(threadPool / processes));
  const byModel: Record<CompareModelName, CompareModel> = {
    single: { model: 'single', label: 'single', settings: { model: 'single', thread_pool: 1 } },
    'fork-per-request': { model: 'fork-per-request', label: 'fork per request', settings: { model: 'fork-per-request' } },
    'thread-per-request': { model: 'thread-per-request', label: 'thread per request', settings: { model: 'thread-per-request' } },
    'process-pool': { model: 'process-pool', label: `process pool of ${processes} × ${perProcess} threads`, settings: { model: 'process-pool', processes, thread_pool: perProcess } },
    'thread-pool': { model: 'thread-pool', label: `thread pool of ${threadPool}`, settings: { model: 'thread-pool', thread_pool: threadPool } },
    'lb-nginx': balanced('lb-nginx', processes, perProcess),
    'lb-haproxy': balanced('lb-haproxy', processes, perProcess),
  };
  return COMPARE_MODEL_NAMES.map((m) => byModel[m]);
}

function balanced(model: keyof typeof BALANCED_MODELS, processes: number, perProcess: number): CompareModel {
  const balancer = BALANCED_MODELS[model];
  return { model, balancer, label: `${processes} × ${perProcess} threads behind ${balancer === 'haproxy' ? 'HAProxy' : 'nginx'}`, settings: { model: 'thread-pool', processes, thread_pool: perProcess } };
}

export function resolveCompareSpec(input: { scenario: Scenario; flags: CompareFlags }): CompareSpec {
  const { flags } = input;
  if (input.scenario.target.kind === 'balanced') throw new CpdiagError('compare models puts the processes behind nginx and HAProxy itself (the lb-nginx and lb-haproxy rows): drop --lb', EXIT.USAGE, `models: ${COMPARE_MODEL_NAMES.join(', ')}`);
  const cores = availableParallelism();
  const threadPool = flags.threadPool ?? DEFAULT_THREAD_POOL;
  const processes = flags.processes ?? cores;
  const all = defaultModels(threadPool, processes);
  let models = all;
  if (flags.models !== undefined) {
    const names = splitList(flags.models);
    const unknown = names.filter((n) => !(COMPARE_MODEL_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) throw new CpdiagError(`--models: unknown model${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}`, EXIT.USAGE, `models: ${COMPARE_MODEL_NAMES.join(', ')}`);
    models = all.filter((m) => names.includes(m.model));
  }
  let workloads: CompareWorkload[] = [...DEFAULT_WORKLOADS];
  if (flags.workloads !== undefined) {
    const names = splitList(flags.workloads);
    const unknown = names.filter((n) => !DEFAULT_WORKLOADS.some((w) => w.name === n));
    if (unknown.length > 0 || names.length === 0) throw new CpdiagError(`--workloads: unknown workload${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}`, EXIT.USAGE, `workloads: ${DEFAULT_WORKLOADS.map((w) => w.name).join(', ')} (or --path for your own)`);
    workloads = DEFAULT_WORKLOADS.filter((w) => names.includes(w.name));
  } else if (flags.path !== undefined) {
    workloads = [];
  }
  if (flags.path !== undefined) {
    if (!flags.path.startsWith('/')) throw new CpdiagError(`--path: expected a path starting with /, got "${flags.path}"`, EXIT.USAGE);
    workloads.push({ name: 'custom', path: flags.path, kind: 'custom' });
  }
  let levels = [...DEFAULT_LEVELS];
  if (flags.levels !== undefined) {
    levels = splitList(flags.levels).map(Number);
    if (levels.length === 0 || !levels.every((l) => Number.isInteger(l) && l >= 1 && l <= 2000)) throw new CpdiagError(`--levels: expected connection counts (whole numbers 1..2000) separated by commas, got "${flags.levels}"`, EXIT.USAGE);
    levels = [...new Set(levels)].sort((a, b) => a - b);
  }
  // Every model must be a valid setting together with the base settings.
  for (const m of models) resolveSettings(input.scenario.settings, m.settings);

  const steps = models.length * workloads.length;
  const estimate = (levelS: number) => steps * (TARGET_START_S + FIRST_WARMUP_S + levels.length * TYPICAL_LEVEL_SHARE * (levelS + WARMUP_S));
  let levelS = flags.levelS ?? DEFAULT_LEVEL_S;
  if (flags.budgetS !== undefined && flags.levelS === undefined && estimate(levelS) > flags.budgetS) {
    // Shorter levels first (down to MIN_LEVEL_S); past that the budget is a wish, said in the estimate.
    const perLevelS = (flags.budgetS - steps * (TARGET_START_S + FIRST_WARMUP_S)) / (steps * levels.length * TYPICAL_LEVEL_SHARE) - WARMUP_S;
    levelS = Math.max(MIN_LEVEL_S, Math.min(levelS, perLevelS));
  }
  return {
    name: 'compare-models',
    scenario: input.scenario,
    models,
    workloads,
    levels,
    levelS,
    firstWarmupS: FIRST_WARMUP_S,
    warmupS: WARMUP_S,
    sloP99Ms: flags.sloP99Ms ?? input.scenario.slo?.p99_ms ?? DEFAULT_SLO_P99_MS,
    maxErrorRate: input.scenario.slo?.error_rate ?? DEFAULT_MAX_ERROR_RATE,
    probeIntervalMs: flags.probeIntervalMs ?? COMPARE_PROBE_INTERVAL_MS,
    plannedS: Math.round(estimate(levelS)),
  };
}

function splitList(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

/** The settings one model runs with: the flags' base settings under the model's own. */
export function settingsOfModel(spec: CompareSpec, model: CompareModel): ServerSettings {
  return resolveSettings(spec.scenario.settings, model.settings);
}
