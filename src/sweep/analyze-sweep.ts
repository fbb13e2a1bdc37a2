// Across the steps of a sweep: where capacity stops growing (model-free), the USL fit of capacity
// against the pool, the queueing-theory cross-check, how resources scale with the setting, and
// the recommendation with what the data cannot tell. Pure: steps in, document fields out.
import { median } from '../analysis/percentiles.js';
import { capacityKneeDetail, fitUsl, type UslFit } from '../analysis/usl.js';
import type { SweepDocument, SweepRecommendation, SweepStep } from './sweep-document.js';
import { recommendGrid, recommendPool, recommendTimeout } from './recommend.js';
import { fitRoofline } from './roofline-fit.js';
import { stepServiceLatency, theoryNumbers, theorySentence } from './theory-check.js';
import { roundTo } from '../numbers.js';
import { formatNumber, formatPercent } from '../format.js';

export interface SweepAnalysis {
  knee: SweepDocument['knee'];
  usl: UslFit | null;
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

  const sorted = [...ok].sort((a, b) => a.value - b.value);
  const values = sorted.map((s) => s.value);
  const isPool = opts.setting === 'thread_pool';
  const knee = sweepKnee(sorted, isPool);
  let usl: UslFit | null = null;
  if (isPool) {
    usl = fitUsl(sorted.filter((s) => (s.capacity_rps ?? 0) > 0).map((s) => ({ n: s.value, x: s.capacity_rps! })));
    if (!usl.ok) cannot.push(`the shape of the scaling curve: the data do not support a USL fit (${usl.reason ?? 'no reason given'})`);
  }
  const pool = recommendPool(
    sorted.map((s) => ({ value: s.value, capacity_rps: s.capacity_rps, p99_ms: s.latency_ms.p99, ctx_per_request: s.ctx_per_request })),
    { setting: opts.setting, sloP99Ms: opts.sloP99Ms, stillGrowing: knee?.still_growing ?? false, isPool, kneeValue: knee?.fitted_n ? knee.value : null, plateauRps: knee?.plateau_rps ?? undefined },
  );
  if (pool.still_growing) cannot.push(`whether capacity keeps growing beyond ${values[values.length - 1]}: it was still growing there`);
  const recommendation: SweepRecommendation = { setting: opts.setting, value: pool.value, reason: pool.reason, cannot_tell: cannot };

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

  return { knee, usl, theory, recommendation, resources: resourceScaling(sorted) };
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
