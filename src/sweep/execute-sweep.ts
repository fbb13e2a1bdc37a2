// The whole sweep: one step per value (a grid: per pair), a refinement pass around the knee, the
// analysis across steps and the diagnosis, returned as the sweep document — saved through
// `progress` after every level and step, so that Ctrl-C or a crash keeps every finished step; its
// files are the output stage's. Progress goes out as events.
import { captureEnvironment } from '../environment.js';
import { findSetting, resolveSettings } from '../config/settings.js';
import { CPDIAG_VERSION } from '../version.js';
import { diagnose } from '../diagnose/diagnose.js';
import type { DocumentSink } from '../document-sink.js';
import { SWEEP_SCHEMA, type SweepDocument, type SweepLevel, type SweepRecommendation, type SweepStep } from './sweep-document.js';
import { analyzeSweep, sweepKnee } from './analyze-sweep.js';
import { findingsFromSweep } from './findings-from-sweep.js';
import { refineValues } from './plan-values.js';
import { runSweepStep } from './run-step.js';
import type { SweepSpec } from './sweep-spec.js';
import { roundTo } from '../numbers.js';
import { isRestartable } from '../target/target-kinds.js';

export interface SweepProgress {
  stepIndex: number;
  stepCount: number;
  value: number;
  value2?: number;
  /** What the load is doing now ("450 req/s offered"). */
  load?: string;
  etaS: number;
  elapsedS: number;
}

export interface ExecuteSweepOptions {
  spec: SweepSpec;
  /** Where the document is saved as it grows (the output stage's sweep.json); none: nothing is written. */
  progress?: DocumentSink<SweepDocument>;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  onStep?: (step: SweepStep, doc: SweepDocument) => void;
}

export interface SweepOutcome {
  doc: SweepDocument;
  interrupted: boolean;
  allFailed: boolean;
}

/** Levels never shrink below half their planned length to meet the budget: p99 needs the requests. */
const MIN_LEVEL_SCALE = 0.5;
/** A first guess of one step's seconds, for the ETA before any step has finished. */
const FIRST_STEP_GUESS_S = 7;
/** A first guess of one repeat's seconds (a target start and about five 1-s levels), for the budget. */
const FIRST_REPEAT_GUESS_S = 6;

/**
 * The values to measure again: the first pass's recommendation, the next smaller measured value,
 * and the best (or, when the recommendation is the best, the next larger value), each with the
 * capacity measured there (the repeat's ladder starts just below it). None when there is no
 * comparison to sharpen: no recommendation, a flat curve (more threads never help), or capacity
 * still growing at the largest value.
 */
export function repeatCandidates(steps: readonly SweepStep[], rec: SweepRecommendation): { value: number; capacityRps: number }[] {
  if (rec.value === null || !rec.candidates || !rec.best) return [];
  const measured = rec.candidates.filter((c) => c.capacity_rps > 0);
  const i = measured.findIndex((c) => c.value === rec.value);
  if (i < 0) return [];
  const picks = [measured[i - 1], measured[i], rec.best.value !== rec.value ? measured.find((c) => c.value === rec.best!.value) : measured[i + 1]];
  const ok = new Set(steps.filter((s) => s.status === 'ok').map((s) => s.value));
  return picks
    .filter((c): c is NonNullable<typeof c> => c !== undefined && ok.has(c.value))
    .filter((c, j, all) => all.findIndex((x) => x.value === c.value) === j)
    .map((c) => ({ value: c.value, capacityRps: c.capacity_rps }));
}

export async function executeSweep(opts: ExecuteSweepOptions): Promise<SweepOutcome> {
  const { spec } = opts;
  const startMs = performance.now();
  const elapsedS = () => (performance.now() - startMs) / 1000;
  const baseSettings = resolveSettings(spec.scenario.settings);
  const targetSpec = spec.scenario.target;
  const doc: SweepDocument = {
    schema: SWEEP_SCHEMA,
    cpdiag_version: CPDIAG_VERSION,
    started_at: new Date().toISOString(),
    complete: false,
    environment: captureEnvironment(),
    scenario: spec.scenario.name ?? spec.name,
    preset: spec.preset,
    setting: spec.setting,
    ...(spec.setting2 ? { setting2: spec.setting2, values2: spec.values2 } : {}),
    values: [...spec.values],
    target: { kind: targetSpec.kind, ...('command' in targetSpec ? { command: targetSpec.command } : {}) },
    base_settings: baseSettings,
    load: {
      ramp: spec.ramp.levels && spec.ramp.levels.length === 1 ? 'fixed' : spec.ramp.mode,
      mix: spec.scenario.mix,
      level_s: spec.ramp.levelS,
      warmup_s: spec.ramp.warmupS,
      max_levels: spec.ramp.maxLevels,
      ...(spec.scenario.slow_clients ? { slow_clients: spec.scenario.slow_clients.map((s) => ({ count: s.count, spec: { upload_bytes_per_s: s.upload_bytes_per_s, read_bytes_per_s: s.read_bytes_per_s, idle_hold_s: s.idle_hold_s }, request: { method: s.request?.method ?? 'POST', path: s.request?.path ?? '/upload', body_bytes: s.request?.body_bytes } })) } : {}),
      ...(spec.ramp.levels && spec.ramp.levels.length === 1 ? { fixed_rate_rps: spec.ramp.levels[0] } : {}),
    },
    slo: { p99_ms: spec.sloP99Ms, error_rate: spec.maxErrorRate },
    steps: [],
    knee: null,
    usl: null,
    recommendation: null,
    events: [],
    budget: { planned_s: spec.budgetS, wall_s: 0 },
  };
  if (!isRestartable(targetSpec)) {
    doc.events.push({ t_s: 0, kind: 'note', message: 'an attached target cannot be restarted per value: every step measured the same process, so the setting was NOT applied' });
  }
  const writer = opts.progress;
  writer?.update(doc, true);

  const pairs: { value: number; value2?: number; origin: SweepStep['origin']; repeatCapacityRps?: number }[] = [];
  for (const v of spec.values) {
    if (spec.values2) for (const v2 of spec.values2) pairs.push({ value: v, value2: v2, origin: 'plan' });
    else pairs.push({ value: v, origin: 'plan' });
  }

  let serviceTimeMs: number | undefined;
  let interrupted = false;
  const runPair = async (pair: (typeof pairs)[number], index: number, count: number) => {
    const settings = resolveSettings(spec.scenario.settings, { [spec.setting]: pair.value }, spec.setting2 ? { [spec.setting2]: pair.value2 } : {});
    const done = doc.steps.filter((s) => s.status !== 'interrupted');
    const perStepS = done.length > 0 ? done.reduce((a, s) => a + s.duration_s, 0) / done.length : FIRST_STEP_GUESS_S;
    const progress = (load?: string) =>
      opts.onProgress?.({ stepIndex: index, stepCount: count, value: pair.value, value2: pair.value2, load, elapsedS: elapsedS(), etaS: perStepS * (count - index) });
    progress();
    // Budget: when the planned steps would overrun it at the pace so far, later steps get shorter
    // levels (never under half): a slow, loaded machine still finishes near its budget. No room is
    // reserved for refinement and repeats this way: measured, a step's time is mostly target start,
    // settling and drains, so halving its levels saved little and cost every capacity precision.
    let stepSpec = spec;
    if (spec.budgetS !== undefined && done.length > 0 && pair.origin === 'plan') {
      const remaining = count - index;
      const left = spec.budgetS - elapsedS();
      const projected = remaining * perStepS;
      if (projected > left) {
        const scale = Math.max(MIN_LEVEL_SCALE, Math.min(1, left / projected));
        stepSpec = { ...spec, ramp: { ...spec.ramp, levelS: roundTo(spec.ramp.levelS * scale) } };
        if (!doc.events.some((e) => e.message.startsWith('levels shortened'))) {
          doc.events.push({ t_s: roundTo(elapsedS()), kind: 'note', message: `levels shortened to ${stepSpec.ramp.levelS} s from ${spec.setting}=${pair.value} on to stay within the ${spec.budgetS} s budget` });
        }
      }
    }
    const step = await runSweepStep({
      spec: stepSpec,
      value: pair.value,
      value2: pair.value2,
      settings,
      origin: pair.origin,
      previous: doc.steps,
      serviceTimeMs,
      repeatCapacityRps: pair.repeatCapacityRps,
      signal: opts.signal,
      onLevelStart: (load) => progress(load),
      onLevel: (_level: SweepLevel) => writer?.update(doc),
    });
    if (serviceTimeMs === undefined && step.service_time_ms !== undefined) serviceTimeMs = step.service_time_ms;
    doc.steps.push(step);
    if (step.status === 'failed' && step.error) doc.events.push({ t_s: roundTo(elapsedS()), kind: 'error', message: step.error });
    if (step.status === 'interrupted') interrupted = true;
    doc.budget.wall_s = roundTo(elapsedS());
    writer?.update(doc, true);
    opts.onStep?.(step, doc);
  };

  for (let i = 0; i < pairs.length && !interrupted; i++) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    await runPair(pairs[i], i, pairs.length);
  }

  // Refinement: the midpoints around the capacity knee, if the budget allows.
  if (!interrupted && spec.refine && !spec.setting2 && !opts.signal?.aborted) {
    const ok = doc.steps.filter((s) => s.status === 'ok').sort((a, b) => a.value - b.value);
    const knee = sweepKnee(ok, spec.setting === 'thread_pool');
    const def = findSetting(spec.setting)!;
    const extra = !knee || knee.still_growing || knee.value === null ? [] : refineValues(ok.map((s) => ({ value: s.value, capacity_rps: s.capacity_rps })), knee.value, def);
    const perStepS = ok.length > 0 ? ok.reduce((a, s) => a + s.duration_s, 0) / ok.length : FIRST_STEP_GUESS_S;
    const count = pairs.length + extra.length;
    for (let j = 0; j < extra.length && !interrupted; j++) {
      if (spec.budgetS !== undefined && elapsedS() + perStepS > spec.budgetS) {
        doc.events.push({ t_s: roundTo(elapsedS()), kind: 'note', message: `refinement at ${spec.setting}=${extra.slice(j).join(', ')} skipped: it would not fit the ${spec.budgetS} s budget` });
        break;
      }
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      doc.values.push(extra[j]);
      await runPair({ value: extra[j], origin: 'refine' }, pairs.length + j, count);
    }
    doc.values.sort((a, b) => a - b);
  }

  const analyzeOptions = {
    setting: spec.setting,
    setting2: spec.setting2,
    sloP99Ms: spec.sloP99Ms,
    maxErrorRate: spec.maxErrorRate,
    mixPaths: spec.scenario.mix.map((m) => `${m.method} ${m.path}`),
    levelS: spec.ramp.levelS,
    plannedValues: spec.values,
  };

  // Repeats: the capacity search again, REPEATS_PER_CANDIDATE times, at the leading candidates —
  // the value the first pass recommends, the next smaller one, and the best (or, when the
  // recommendation is the best, the next larger one) — in turns, so that a noisy minute of the
  // machine falls on every candidate alike. They give the comparison its noise estimate.
  if (!interrupted && spec.repeats > 0 && !spec.setting2 && !opts.signal?.aborted) {
    const first = analyzeSweep(doc.steps, analyzeOptions);
    const candidates = repeatCandidates(doc.steps, first.recommendation);
    const done = doc.steps.filter((s) => s.status === 'ok');
    let perRepeatS = FIRST_REPEAT_GUESS_S;
    const count = doc.steps.length + candidates.length * spec.repeats;
    let k = 0;
    outer: for (let r = 0; r < spec.repeats; r++) {
      for (const c of candidates) {
        if (spec.budgetS !== undefined && elapsedS() + perRepeatS > spec.budgetS) {
          doc.events.push({ t_s: roundTo(elapsedS()), kind: 'note', message: `repeats skipped from ${spec.setting}=${c.value} (round ${r + 1} of ${spec.repeats}) on: they would not fit the ${spec.budgetS} s budget` });
          break outer;
        }
        if (opts.signal?.aborted) {
          interrupted = true;
          break outer;
        }
        const before = elapsedS();
        await runPair({ value: c.value, origin: 'repeat', repeatCapacityRps: c.capacityRps }, done.length + k, count);
        k++;
        perRepeatS = Math.max(perRepeatS * 0.5, elapsedS() - before);
        if (interrupted) break outer;
      }
    }
  }

  // Analysis and diagnosis are made even when interrupted: the finished steps stand.
  const analysis = analyzeSweep(doc.steps, analyzeOptions);
  doc.knee = analysis.knee;
  doc.usl = analysis.usl;
  if (analysis.theory) doc.theory = analysis.theory;
  if (analysis.resources) doc.resources = analysis.resources;
  doc.recommendation = analysis.recommendation;
  if (interrupted) doc.recommendation.cannot_tell.unshift('the sweep was interrupted: values after the last finished step were not measured');
  doc.findings = findingsFromSweep({ setting: spec.setting, steps: doc.steps, recommendedValue: doc.recommendation.value, cores: doc.environment.cores, sloP99Ms: spec.sloP99Ms, maxErrorRate: spec.maxErrorRate, machineLimited: doc.recommendation.machine_limit !== undefined });
  doc.diagnosis = diagnose(doc.findings);
  doc.complete = !interrupted;
  doc.finished_at = new Date().toISOString();
  doc.budget.wall_s = roundTo(elapsedS());
  if (interrupted) doc.events.push({ t_s: roundTo(elapsedS()), kind: 'interrupted', message: `interrupted: ${doc.steps.filter((s) => s.status === 'ok').length} finished step(s) kept` });
  const allFailed = doc.steps.length > 0 && doc.steps.every((s) => s.status === 'failed');
  return { doc, interrupted, allFailed };
}
