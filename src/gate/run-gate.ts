// The gate's run loop and the baseline's: make the runs in the planned order, each with a fresh
// target, reduce each to a RunSample, then compare. Running a scenario is passed in (`execute`),
// so the loop, the ordering and the verdict are tested without spawning anything; the CLI passes
// executeRun.
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { Scenario } from '../scenario/schema.js';
import type { Environment } from '../environment.js';
import { BASELINE_SCHEMA, GATE_SCHEMA } from './gate-document.js';
import type { RunRecord } from '../run/run-record.js';
import { compareSides, decideOutcome } from './compare-sides.js';
import { fingerprintScenario, workloadOf } from './fingerprint.js';
import type { BaselineDocument, GateDocument, SideDescription } from './gate-document.js';
import type { MetricSpec } from './metric-spec.js';
import { sampleFromRun, type RunSample } from './run-sample.js';
import { scheduleRuns, type RunOrder } from './schedule.js';
import { minRunsForAlpha } from './statistics.js';
import { DEFAULT_WARMUP_RUNS } from './default-scenario.js';

export type ExecuteScenario = (scenario: Scenario, signal?: AbortSignal) => Promise<{ record: RunRecord; targetDied: boolean }>;

export interface GateSide {
  description: SideDescription;
  scenario: Scenario;
}

export type GateProgress =
  | { kind: 'run_start'; position: number; total: number; side: 'A' | 'B'; index: number; warmup: boolean }
  | { kind: 'run_done'; position: number; total: number; sample: RunSample; elapsedS: number; etaS: number };

export interface RunLoopOptions {
  execute: ExecuteScenario;
  signal?: AbortSignal;
  onProgress?: (event: GateProgress) => void;
  /** Monotonic seconds, for elapsed time and the ETA. */
  clockS?: () => number;
}

interface LoopResult {
  samples: RunSample[];
  interrupted: boolean;
  elapsedS: number;
}

const defaultClockS = () => performance.now() / 1000;

export interface PlannedRun {
  side: 'A' | 'B';
  warmup: boolean;
}

/**
 * Warm-up runs first (one per side by default, as hyperfine's --warmup): the first run after a
 * build is measurably slower (cold page cache for the binary and its libraries, a cold JIT), and
 * in a gate that one slow run lands on one side only. Then the measured order.
 */
export function planRuns(measured: ('A' | 'B')[], warmupRuns: number): PlannedRun[] {
  const sides = [...new Set(measured)];
  const warm: PlannedRun[] = [];
  for (let i = 0; i < warmupRuns; i++) for (const side of sides) warm.push({ side, warmup: true });
  return [...warm, ...measured.map((side) => ({ side, warmup: false }))];
}

/** Runs the sides in the given order. Stops (keeping what it has) when the signal aborts. */
async function runInOrder(order: PlannedRun[], sides: Record<'A' | 'B', Scenario | undefined>, opts: RunLoopOptions): Promise<LoopResult> {
  const clock = opts.clockS ?? defaultClockS;
  const start = clock();
  const samples: RunSample[] = [];
  const counts = { A: 0, B: 0 };
  const warmCounts = { A: 0, B: 0 };
  for (let i = 0; i < order.length; i++) {
    if (opts.signal?.aborted) return { samples, interrupted: true, elapsedS: clock() - start };
    const { side, warmup } = order[i];
    const scenario = sides[side];
    if (!scenario) throw new Error(`no scenario for side ${side}`);
    const index = warmup ? -warmCounts[side]++ : ++counts[side];
    opts.onProgress?.({ kind: 'run_start', position: i + 1, total: order.length, side, index, warmup });
    const { record, targetDied } = await opts.execute(scenario, opts.signal);
    if (opts.signal?.aborted && !record.complete) return { samples, interrupted: true, elapsedS: clock() - start };
    const sample = sampleFromRun(record, side, index, targetDied);
    if (warmup) sample.warmup = true;
    samples.push(sample);
    const elapsedS = clock() - start;
    opts.onProgress?.({ kind: 'run_done', position: i + 1, total: order.length, sample, elapsedS, etaS: (elapsedS / (i + 1)) * (order.length - i - 1) });
  }
  return { samples, interrupted: false, elapsedS: clock() - start };
}

export interface GateOptions extends RunLoopOptions {
  /** A/B mode: both sides run here. Baseline mode: A's samples come from the file. */
  a: GateSide | { description: SideDescription; samples: RunSample[] };
  b: GateSide;
  runsPerSide: number;
  order: RunOrder;
  /** Unmeasured runs per side before the measured ones (default 1). */
  warmupRuns?: number;
  specs: MetricSpec[];
  alpha: number;
  failOnInconclusive: boolean;
  environment: Environment;
  cpdiagVersion: string;
  /** Warnings found before running (e.g. a baseline from another machine). */
  warnings?: string[];
  now?: () => Date;
}

/** Warnings about the plan itself, before anything runs. */
export function planWarnings(runsPerSide: number, alpha: number, baselineRuns?: number): string[] {
  const warnings: string[] = [];
  const needed = minRunsForAlpha(alpha);
  const smallest = Math.min(runsPerSide, baselineRuns ?? runsPerSide);
  if (smallest < needed) {
    warnings.push(`with ${smallest} runs per side no difference can reach p < ${alpha}: nothing can be called a regression or an improvement; use --runs ${needed} or more (or a larger --alpha)`);
  }
  return warnings;
}

export async function runGate(opts: GateOptions): Promise<GateDocument> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const baselineMode = 'samples' in opts.a;
  const order = baselineMode ? Array<'A' | 'B'>(opts.runsPerSide).fill('B') : scheduleRuns(opts.runsPerSide, opts.order);
  const aScenario = 'scenario' in opts.a ? opts.a.scenario : undefined;
  const loop = await runInOrder(planRuns(order, opts.warmupRuns ?? DEFAULT_WARMUP_RUNS), { A: aScenario, B: opts.b.scenario }, opts);
  const measured = loop.samples.filter((s) => !s.warmup);
  const A = 'samples' in opts.a ? opts.a.samples.filter((s) => !s.warmup) : measured.filter((s) => s.side === 'A');
  const B = measured.filter((s) => s.side === 'B');
  const warnings = [...(opts.warnings ?? []), ...planWarnings(opts.runsPerSide, opts.alpha, baselineMode ? A.length : undefined)];
  for (const s of measured) {
    if (s.target_died) warnings.push(`${s.side} run ${s.index}: the target exited during the run`);
    else if (!s.complete) warnings.push(`${s.side} run ${s.index}: the run did not complete`);
  }
  let metrics: GateDocument['metrics'] = [];
  let verdict: { outcome: GateDocument['outcome']; exitCode: number; summary: string };
  if (loop.interrupted) {
    verdict = { outcome: 'inconclusive', exitCode: EXIT.INTERRUPTED, summary: `INTERRUPTED after ${measured.length} of ${order.length} measured runs: no verdict` };
  } else {
    metrics = compareSides(opts.specs, A, B, opts.alpha);
    verdict = decideOutcome(metrics, B, opts.failOnInconclusive);
  }
  return {
    schema: GATE_SCHEMA,
    cpdiag_version: opts.cpdiagVersion,
    started_at: startedAt,
    finished_at: now().toISOString(),
    environment: opts.environment,
    mode: baselineMode ? 'baseline' : 'ab',
    scenario: opts.b.scenario.name ?? 'scenario',
    fingerprint: fingerprintScenario(opts.b.scenario),
    a: opts.a.description,
    b: opts.b.description,
    runs_per_side: opts.runsPerSide,
    warmup_runs: opts.warmupRuns ?? DEFAULT_WARMUP_RUNS,
    order: order.join(''),
    alpha: opts.alpha,
    metrics,
    outcome: verdict.outcome,
    exit_code: verdict.exitCode,
    summary: verdict.summary,
    warnings,
    runs: loop.samples,
    duration_s: loop.elapsedS,
    complete: !loop.interrupted,
  };
}

export interface BaselineOptions extends RunLoopOptions {
  scenario: Scenario;
  target: string;
  runs: number;
  warmupRuns?: number;
  environment: Environment;
  cpdiagVersion: string;
  now?: () => Date;
}

/** Records `runs` runs of one side. Interrupted: throws (a partial baseline is not written). */
export async function recordBaseline(opts: BaselineOptions): Promise<BaselineDocument> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const loop = await runInOrder(planRuns(Array<'A' | 'B'>(opts.runs).fill('A'), opts.warmupRuns ?? DEFAULT_WARMUP_RUNS), { A: opts.scenario, B: undefined }, opts);
  const measured = loop.samples.filter((s) => !s.warmup);
  if (loop.interrupted) throw new CpdiagError(`interrupted after ${measured.length} of ${opts.runs} runs: no baseline written`, EXIT.INTERRUPTED);
  const died = measured.filter((s) => s.target_died);
  if (died.length > 0) {
    throw new CpdiagError(`the target exited during ${died.length} of ${opts.runs} baseline runs: no baseline written`, EXIT.TARGET_FAILED, 'a baseline must come from a healthy build');
  }
  const workload = workloadOf(opts.scenario);
  return {
    schema: BASELINE_SCHEMA,
    cpdiag_version: opts.cpdiagVersion,
    started_at: startedAt,
    finished_at: now().toISOString(),
    environment: opts.environment,
    scenario: opts.scenario.name ?? 'scenario',
    fingerprint: fingerprintScenario(opts.scenario),
    workload,
    target: opts.target,
    runs: measured,
  };
}
