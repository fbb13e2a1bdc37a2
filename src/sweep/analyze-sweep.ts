// Across the steps of a sweep: where capacity stops growing (model-free), the USL fit of capacity
// against the pool, the queueing-theory cross-check, how resources scale with the setting, and
// the recommendation with what the data cannot tell. Pure: steps in, document fields out.
import { median } from '../analysis/percentiles.js';
import { capacityKneeDetail, fitUsl, uslPredict, type UslFit } from '../analysis/usl.js';
import { findUslPeak, USL_PEAK_SEED, type UslPeak } from '../analysis/usl-peak.js';
import { mulberry32 } from '../random.js';
import { NEAR_BEST_TOLERANCE } from '../analysis/ramp-rules.js';
import type { SweepDocument, SweepRecommendation, SweepStep } from './sweep-document.js';
import { describeRange, recommendGrid, recommendPool, recommendTimeout } from './recommend.js';
import { findMachineLimit } from './machine-limit.js';
import { plateauStart } from './plateau-start.js';
import { fitRoofline } from './roofline-fit.js';
import { stepServiceLatency, theoryNumbers, theorySentence } from './theory-check.js';
import { roundTo } from '../numbers.js';
import { formatBytes, formatNumber, formatPercent } from '../format.js';

export interface SweepAnalysis {
  knee: SweepDocument['knee'];
  usl: SweepDocument['usl'];
  theory?: SweepDocument['theory'];
  recommendation: SweepRecommendation;
  resources?: SweepDocument['resources'];
}

export interface AnalyzeOptions {
  setting: string;
  setting2?: string;
  sloP99Ms: number;
  maxErrorRate: number;
  /** Request paths of the mix, for the "cannot tell" list. */
  mixPaths: string[];
  levelS: number;
  /** The values the sweep set out to measure, to say which are missing when too few finished. */
  plannedValues?: number[];
}

export function analyzeSweep(steps: readonly SweepStep[], opts: AnalyzeOptions): SweepAnalysis {
  const ok = steps.filter((s) => s.status === 'ok' && s.levels.length > 0);
  const failed = steps.filter((s) => s.status === 'failed');
  const cannot: string[] = [];
  if (failed.length > 0) cannot.push(`${failed.length} step${failed.length === 1 ? '' : 's'} failed (${failed.map((s) => s.error).join('; ')}), so those values are unmeasured`);
  cannot.push(`how another request mix behaves: every step offered ${opts.mixPaths.join(', ')} at steady rates for about ${opts.levelS} s per level, not production traffic with its bursts and slow paths`);

  if (opts.setting2) {
    const rec = recommendGrid(ok.map((s) => ({ value: s.value, value2: s.value2 ?? NaN, capacity_rps: s.capacity_rps, p99_ms: s.latency_ms.p99 })), { setting: opts.setting, setting2: opts.setting2, sloP99Ms: opts.sloP99Ms });
    return {
      knee: null,
      usl: null,
      recommendation: { setting: opts.setting, value: rec.value, setting2: opts.setting2, value2: rec.value2, reason: rec.reason, cannot_tell: cannot },
    };
  }

  if (opts.setting === 'socket_timeout' && ok.some((s) => s.timeout)) {
    const views = ok.filter((s) => s.timeout).map((s) => ({ value: s.value, ...s.timeout! }));
    const rec = recommendTimeout(views, { sloP99Ms: opts.sloP99Ms, maxErrorRate: opts.maxErrorRate });
    cannot.push('how real slow clients pause: the simulated ones trickle bytes at a fixed rate; a client pausing longer than the timeout is cut off whatever its intent');
    return { knee: null, usl: null, recommendation: { setting: opts.setting, value: rec.value, reason: rec.reason, cannot_tell: cannot } };
  }

  const isPool = opts.setting === 'thread_pool';
  // One row per value: the planned (or refined) step stands for its value, with the capacity of
  // all its runs (repeats included) as their geometric mean.
  const groups = groupByValue(ok);
  const sorted = groups.map((g) => g.step);
  const values = sorted.map((s) => s.value);
  if (values.length < MIN_VALUES_TO_RECOMMEND) {
    const missing = (opts.plannedValues ?? []).filter((v) => !values.includes(v));
    const have = values.length === 0 ? 'no step finished' : `only ${values.length} value${values.length === 1 ? '' : 's'} finished (${opts.setting} = ${values.join(', ')})`;
    return {
      knee: sweepKnee(sorted, isPool),
      usl: null,
      recommendation: {
        setting: opts.setting,
        value: null,
        reason: `no recommendation: ${have}, and at least ${MIN_VALUES_TO_RECOMMEND} measured values are needed to see where capacity stops growing${missing.length ? `; ${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} not measured` : ''}`,
        cannot_tell: cannot,
      },
      resources: resourceScaling(sorted),
    };
  }
  const knee = sweepKnee(sorted, isPool);
  let usl: (UslFit & { peak?: UslPeak }) | null = null;
  if (isPool) {
    const points = sorted.filter((s) => (s.capacity_rps ?? 0) > 0).map((s) => ({ n: s.value, x: s.capacity_rps! }));
    const fit = fitUsl(points);
    usl = { ...fit, peak: findUslPeak(points, fit, { rng: mulberry32(USL_PEAK_SEED), seed: USL_PEAK_SEED }) };
    if (!fit.ok) cannot.push(`the shape of the scaling curve: the data do not support a USL fit (${fit.reason ?? 'no reason given'})`);
  }
  const views = groups.map((g) => ({ value: g.step.value, capacity_rps: g.step.capacity_rps, runs_rps: g.runs, p99_ms: g.step.latency_ms.p99, ctx_per_request: g.step.ctx_per_request }));
  const poolOpts = { setting: opts.setting, sloP99Ms: opts.sloP99Ms, stillGrowing: knee?.still_growing ?? false, isPool };
  const withinNoise = recommendPool(views, poolOpts);
  // The plateau: the value within noise of the best and every value above it (where capacity no
  // longer grows enough to matter). Did the machine run out of CPU there? Where the plateau starts
  // is then the roofline knee's to say; otherwise the knee can only raise the comparison's answer
  // (plateau-start.ts).
  const limit = withinNoise.value !== null && withinNoise.range && !withinNoise.still_growing
    ? findMachineLimit(ok, values.filter((v) => v >= withinNoise.range!.low), { p99Ms: opts.sloP99Ms, maxErrorRate: opts.maxErrorRate })
    : null;
  const start = withinNoise.comparison ? plateauStart({ knee, withinNoise: withinNoise.comparison.values.filter((c) => c.within_noise).map((c) => c.value), machineLimited: limit !== null }) : null;
  const pool = start && start.value !== withinNoise.value ? recommendPool(views, { ...poolOpts, lowerEnd: start.value }) : withinNoise;
  if (pool.still_growing) cannot.push(`whether capacity keeps growing beyond ${values[values.length - 1]}: it was still growing there`);
  const recommendation: SweepRecommendation = { setting: opts.setting, value: pool.value, reason: pool.reason, cannot_tell: cannot };
  const resources = resourceScaling(sorted);

  if (pool.value !== null && pool.range) {
    if (limit) {
      recommendation.machine_limit = { busy_share: roundTo(limit.busy_share), target_share: roundTo(limit.target_share), cpdiag_share: roundTo(limit.cpdiag_share), other_share: roundTo(limit.other_share), text: limit.text };
      cannot.push(`where the knee is on a machine of the target's own: ${limit.text}`);
    }
    // Open above when the machine was the limit: the answer is a lower bound ("16 or more"), and
    // where the roofline placed it is said with it. (A knee-placed start comes from a roofline fit,
    // so fitted_n is set.)
    const kneeN = start?.by === 'knee' ? knee?.fitted_n ?? null : null;
    const because = limit && kneeN !== null ? `the plateau starts at N ≈ ${formatNumber(kneeN)} on this machine (roofline knee), where ${limit.text}` : limit?.text;
    const text = describeRange(pool, { openAboveBecause: because });
    recommendation.range = { low: pool.range.low, high: limit ? null : pool.range.high, text: text ?? '' };
    if (pool.best) recommendation.best = { value: pool.best.value, gain: roundTo(pool.best.gain), margin: pool.best.margin === null ? null : roundTo(pool.best.margin) };
    if (pool.comparison) {
      recommendation.test = kneeN === null
        ? pool.comparison.test
        : limit
          ? `this machine's CPU was the limit on the plateau, so the range starts at the roofline knee (the smallest measured value at or past 95% of N ≈ ${formatNumber(kneeN)}), not at the smallest value within noise of the best${withinNoise.value !== pool.value ? ` (${withinNoise.value})` : ''}: there the runs scatter with what other processes leave the target, a contention the comparison would read as noise. The comparison: ${pool.comparison.test}`
          : `the range starts at the roofline knee (${pool.value}: the smallest value within noise of the best at or past 95% of N ≈ ${formatNumber(kneeN)}), not at ${withinNoise.value}, the smallest value within noise of the best: ${withinNoise.value} lies on the rising line below the plateau by the roofline, and the comparison could not tell it from the best with the few runs it had (its noise estimate has few degrees of freedom). The comparison: ${pool.comparison.test}`;
      recommendation.candidates = pool.comparison.values.map((c) => ({ value: c.value, runs_rps: c.capacities_rps.map((x) => roundTo(x)), capacity_rps: roundTo(c.capacity_rps), within_noise: c.within_noise }));
    }
    const cost = isPool ? costOfGoingUp(pool.value, pool.range.high ?? values[values.length - 1], resources) : undefined;
    if (cost) recommendation.cost = cost;
    const models = isPool && usl ? modelsNote({ usl, knee, recommended: pool.value, best: pool.best?.value, sorted, byKnee: start?.by === 'knee', machineLimited: limit !== null }) : undefined;
    if (models) recommendation.models = models;
  }

  let theory: SweepDocument['theory'];
  const recStep = sorted.find((s) => s.value === pool.value);
  if (isPool && recStep && recStep.capacity_rps) {
    const serviceMs = lightLoadServiceMs(recStep) ?? sorted.find((s) => s.service_time_ms)?.service_time_ms;
    const t = serviceMs ? theoryNumbers(recStep.capacity_rps, serviceMs, opts.sloP99Ms, stepServiceLatency(recStep)) : undefined;
    if (t) {
      theory = t;
      recommendation.theory = theorySentence(t, recStep.value);
    }
  }
  if (knee && knee.value !== null && !knee.still_growing) {
    const i = values.indexOf(knee.value);
    if (i >= 0 && i + 1 < values.length) cannot.push(`the exact knee between ${values[i]} and ${values[i + 1]}: values in between were not measured${values.length > 1 ? '' : ''}`);
  }
  const rssRising = sorted.filter((s) => s.drift?.rss_bytes?.drifting).map((s) => s.value);
  if (rssRising.length > 0) {
    cannot.push(`whether memory leaks: RSS rose during the ramp at ${opts.setting} = ${rssRising.join(', ')}, but within a ramp it grows with the load; confirm with \`cpdiag run\` at a constant rate`);
  }
  if (isPool && pool.flat) cannot.push('whether a different workload (more I/O per request) would scale: this one is limited by CPU, not by the pool');

  return { knee, usl, theory, recommendation, resources };
}

/**
 * Fewer measured values than this: no recommendation. Two points make a line, not a knee: with
 * one or two values there is no telling whether capacity stops growing (an interrupted sweep with
 * one finished step used to recommend that step).
 */
export const MIN_VALUES_TO_RECOMMEND = 3;

interface ValueGroup {
  /** The step that stands for the value (its first planned or refined step), capacity_rps set to the runs' geometric mean. */
  step: SweepStep;
  /** Capacity of every run at the value. */
  runs: number[];
}

/** The finished steps by value, ascending; repeats fold into their value's capacity. */
export function groupByValue(ok: readonly SweepStep[]): ValueGroup[] {
  const byValue = new Map<number, SweepStep[]>();
  for (const s of ok) byValue.set(s.value, [...(byValue.get(s.value) ?? []), s]);
  return [...byValue.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, steps]) => {
      const main = steps.find((s) => s.origin !== 'repeat') ?? steps[0];
      const runs = steps.map((s) => s.capacity_rps).filter((c): c is number => c !== null && c > 0);
      if (runs.length <= 1) return { step: main, runs };
      const geometric = Math.exp(runs.reduce((a, c) => a + Math.log(c), 0) / runs.length);
      return { step: { ...main, capacity_rps: roundTo(geometric) }, runs };
    });
}

/** RSS and threads per unit of the setting, and what going from the recommendation to `upTo` adds. */
function costOfGoingUp(from: number, upTo: number, resources: SweepDocument['resources']): SweepRecommendation['cost'] | undefined {
  const rss = resources?.rss_bytes_per_unit;
  const threads = resources?.threads_per_unit;
  if (rss === undefined && threads === undefined) return undefined;
  const per = [rss !== undefined ? `${formatBytes(Math.max(0, rss))} RSS` : '', threads !== undefined ? `${formatNumber(Math.max(0, threads))} OS thread${formatNumber(Math.max(0, threads)) === '1' ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  const span = upTo > from ? `; going from ${from} to ${upTo} adds about ${[rss !== undefined ? formatBytes(Math.max(0, rss) * (upTo - from)) : '', threads !== undefined ? `${formatNumber(Math.max(0, threads) * (upTo - from))} threads` : ''].filter(Boolean).join(' and ')}` : '';
  return { rss_bytes_per_unit: rss, threads_per_unit: threads, text: `each worker above ${from} costs about ${per}${span}` };
}

/** A USL fit this good describes the curve well enough to argue with the knee. */
export const USL_GOOD_R2 = 0.95;

/**
 * When the USL fit is good and the knee (roofline or gain rule) and the fit disagree on where
 * capacity stops growing, a sentence with both and why the recommendation is what it is. The fit's
 * answer is the smallest measured value whose fitted capacity is within NEAR_BEST_TOLERANCE of the
 * fit's best over the measured values.
 */
function modelsNote(input: { usl: UslFit & { peak?: UslPeak }; knee: SweepDocument['knee']; recommended: number; best?: number; sorted: readonly SweepStep[]; byKnee: boolean; machineLimited: boolean }): string | undefined {
  const { usl, knee } = input;
  if (!usl.ok || !(usl.r2 >= USL_GOOD_R2) || !knee || knee.value === null || knee.still_growing) return undefined;
  const values = input.sorted.map((s) => s.value);
  const predicted = values.map((v) => uslPredict(usl, v));
  const top = Math.max(...predicted);
  const fitAnswer = values.find((_, i) => predicted[i] >= (1 - NEAR_BEST_TOLERANCE) * top);
  if (fitAnswer === undefined || fitAnswer === knee.value) return undefined;
  const peak = usl.peak?.n_star != null ? `, ${usl.peak.text}` : '';
  const follows = input.recommended === fitAnswer ? 'agrees with the fit' : input.recommended === knee.value ? 'agrees with the knee' : 'sides with neither';
  const why = input.byKnee
    ? `it is where the roofline knee puts the start of the plateau (the smallest measured value at or past the knee${input.machineLimited ? '' : ` that is also within noise of the best measured${input.best !== undefined ? ` (${input.best})` : ''}`}), and the USL fit does not override a measurement`
    : `it is the smallest value whose measured capacity is within noise of the best measured${input.best !== undefined ? ` (${input.best})` : ''}, and neither model overrides a measurement`;
  return `the USL fit (R² ${formatNumber(usl.r2)}) and the capacity knee disagree: the fit comes within ${formatPercent(NEAR_BEST_TOLERANCE)} of its best at ${fitAnswer}${peak}, the knee (${knee.method}) is at ${knee.value}. The recommendation, ${input.recommended}, ${follows}: ${why}`;
}

/** Above this mean log error (≈ 35% typical deviation) the roofline does not describe the steps. */
export const ROOFLINE_MAX_LOG_ERROR = 0.3;

/**
 * Where capacity stops growing. For the pool, the roofline fit min(a·N, P) (robust to one noisy
 * step): the knee is the smallest measured value at or beyond 95% of N_k = P/a. Otherwise, and
 * when the roofline does not describe the data, analysis' model-free rule: the first value after
 * which capacity grows less than 5% per doubling.
 */
export function sweepKnee(steps: readonly SweepStep[], isPool: boolean): SweepDocument['knee'] {
  const sorted = steps.filter((s) => s.status === 'ok' && s.levels.length > 0).sort((a, b) => a.value - b.value);
  if (sorted.length < 2) return null;
  const values = sorted.map((s) => s.value);
  const caps = sorted.map((s) => s.capacity_rps ?? 0);
  const detail = capacityKneeDetail(values, caps);
  const gainRule = detail.still_growing ? null : detail.value;
  const roof = isPool ? fitRoofline(sorted.map((s) => ({ n: s.value, x: s.capacity_rps ?? 0 }))) : null;
  if (roof && roof.log_error <= ROOFLINE_MAX_LOG_ERROR) {
    const fitted = { fitted_n: roof.knee_n === null ? null : roundTo(roof.knee_n), per_worker_rps: roundTo(roof.per_worker_rps), plateau_rps: Number.isFinite(roof.plateau_rps) ? roundTo(roof.plateau_rps) : null, gain_rule_value: gainRule };
    if (roof.knee_n === null) {
      return { value: values[values.length - 1], still_growing: true, method: 'roofline min(a·N, P)', reason: `capacity still grows about ${formatNumber(roof.per_worker_rps)} requests/s per worker at the largest value measured (${values[values.length - 1]})`, ...fitted };
    }
    const plateau = roof.plateau_rps;
    const value = sorted.find((s) => s.value >= 0.95 * roof.knee_n! && (s.capacity_rps ?? 0) >= 0.8 * plateau)?.value ?? sorted.find((s) => s.value >= 0.95 * roof.knee_n!)?.value ?? values[values.length - 1];
    return {
      value,
      still_growing: false,
      method: 'roofline min(a·N, P)',
      reason: `capacity grows about ${formatNumber(roof.per_worker_rps)} requests/s per worker up to a plateau of ${formatNumber(plateau)} requests/s; the two meet at N ≈ ${formatNumber(roof.knee_n)} (typical deviation from the fit ${formatPercent(roof.log_error)})`,
      ...fitted,
    };
  }
  return { value: detail.value, still_growing: detail.still_growing, method: 'capacity gain per doubling < 5%', reason: detail.reason, gain_rule_value: gainRule };
}

/** Mean service latency at the lightest level of a step (open loop: from the actual send). */
function lightLoadServiceMs(step: SweepStep): number | undefined {
  if (step.service_time_ms) return step.service_time_ms;
  const lightest = [...step.levels].sort((a, b) => (a.offered_rps ?? a.throughput_rps) - (b.offered_rps ?? b.throughput_rps))[0];
  const mean = lightest?.service_latency_ms?.mean ?? lightest?.latency_ms.mean;
  return mean && Number.isFinite(mean) ? mean : undefined;
}

/**
 * Least-squares slope of each step's median RSS / threads / fds against the setting: for
 * thread_pool, the memory and threads one more worker costs.
 */
export function resourceScaling(steps: readonly SweepStep[]): SweepDocument['resources'] | undefined {
  const rows = steps.filter((s) => s.probes.length > 0).map((s) => ({
    x: s.value,
    rss: median(s.probes.map((p) => p.rss_bytes)),
    threads: median(s.probes.map((p) => p.threads)),
    fds: median(s.probes.map((p) => p.fds)),
  }));
  if (rows.length < 3) return undefined;
  const slope = (key: 'rss' | 'threads' | 'fds') => {
    const mx = rows.reduce((a, r) => a + r.x, 0) / rows.length;
    const my = rows.reduce((a, r) => a + r[key], 0) / rows.length;
    let sxy = 0;
    let sxx = 0;
    for (const r of rows) {
      sxy += (r.x - mx) * (r[key] - my);
      sxx += (r.x - mx) ** 2;
    }
    return sxx > 0 ? roundTo(sxy / sxx) : undefined;
  };
  return { rss_bytes_per_unit: slope('rss'), threads_per_unit: slope('threads'), fds_per_unit: slope('fds') };
}
