// The recommendation: one value and, in one sentence with the numbers, why. Pure functions over
// the steps' headline numbers, so that the wording is unit-tested.
import { compareCapacities, type CapacityComparison } from '../analysis/capacity-comparison.js';
import { NEAR_BEST_TOLERANCE } from '../analysis/ramp-rules.js';
import { median } from '../analysis/percentiles.js';
import { scalingEfficiency } from '../diagnose/scaling-efficiency.js';
import { formatNumber, formatPercent, formatPercentChange } from '../format.js';

/**
 * A value within 5% of the best capacity is as good as the best: run-to-run noise on a shared
 * machine is about that (ramp-rules' NEAR_BEST_TOLERANCE, which also sets the ladder's resolution).
 * With repeats the rule widens by the measured noise (analysis/capacity-comparison.ts).
 */
export const NEAR_BEST_SHARE = 1 - NEAR_BEST_TOLERANCE;
/**
 * Flat: across at least a 4× range of pools, the best capacity is under 1.5× the capacity at the
 * smallest pool. A pool-bound workload doubles its capacity with each doubling of the pool until
 * another limit binds, so 4× the pool for under 1.5× the capacity means that limit (the CPU, the
 * GIL) binds from the start. (Linear-scaling efficiency over the whole range would also call a
 * curve that grows 8× and then saturates "flat".)
 */
export const FLAT_MAX_GAIN = 1.5;
/**
 * Within a flat curve, values within 15% of its level count as equal (1-s levels on a shared
 * machine vary that much). The level is the median of the values' capacities, not the best: the
 * best of several draws of the same ceiling is the luckiest one, and measured against it one
 * unlucky small pool (a 0.6 s level 16% low) would send the recommendation to the largest pool.
 */
export const FLAT_NEAR_BEST_SHARE = 0.85;
export const FLAT_MIN_RANGE = 4;
/**
 * The smallest pool cpdiag recommends: with one worker, one slow client or one slow request
 * blocks every other request (cheroot's pool never grows).
 */
export const MIN_RECOMMENDED_POOL = 2;
/**
 * Context switches per request below this are not worth a clause: the counts come from the main
 * thread's /proc status, which for a Python server sees few of its workers' switches.
 */
const MIN_CTX_PER_REQUEST = 0.5;
/** A change below this is not called a rise in the "beyond" clause. */
const MATERIAL_RISE = 0.1;

export interface StepView {
  value: number;
  /** Capacity at this value: with several runs, their geometric mean. */
  capacity_rps: number | null;
  /** Every run's capacity at this value (the planned step and its repeats); default [capacity_rps]. */
  runs_rps?: readonly number[];
  /** p99 at the capacity level. */
  p99_ms: number;
  ctx_per_request?: number;
}

export interface PoolRecommendation {
  value: number | null;
  reason: string;
  flat: boolean;
  still_growing: boolean;
  /** The values as good as the best: low is the recommendation; high null when the range is open above. */
  range?: { low: number; high: number | null };
  /** The best value and how much more it served than the recommendation (margin: ± share, null without repeats). */
  best?: { value: number; gain: number; margin: number | null };
  /** The comparison behind the range (the non-flat, non-growing case). */
  comparison?: CapacityComparison;
}

export function recommendPool(
  views: readonly StepView[],
  opts: {
    setting: string;
    sloP99Ms: number;
    stillGrowing: boolean;
    isPool: boolean;
    /**
     * A measured value placed by another rule to recommend instead of the smallest within noise of
     * the best: where the plateau starts by the roofline knee (plateau-start.ts).
     */
    lowerEnd?: number;
  },
): PoolRecommendation {
  const key = `server.${opts.setting}`;
  const ok = views.filter((v) => v.capacity_rps !== null && v.capacity_rps > 0).sort((a, b) => a.value - b.value);
  if (ok.length === 0) {
    return { value: null, flat: false, still_growing: false, reason: `no ${key} value met the SLO (p99 < ${formatNumber(opts.sloP99Ms)} ms, errors < 1%) at any load measured, so there is nothing to recommend` };
  }
  const best = Math.max(...ok.map((v) => v.capacity_rps!));
  const slo = `at p99 < ${formatNumber(opts.sloP99Ms)} ms`;
  const values = ok.map((v) => v.value);
  const caps = ok.map((v) => v.capacity_rps!);
  const range = Math.max(...values) / Math.min(...values);
  const eff = scalingEfficiency(values, caps);
  const flat = opts.isPool && ok.length >= 3 && range >= FLAT_MIN_RANGE && best <= FLAT_MAX_GAIN * caps[0];

  if (flat) {
    // On a flat curve the differences are noise, so "as good as the best" is looser.
    const level = median(caps);
    const near = ok.filter((v) => v.capacity_rps! >= FLAT_NEAR_BEST_SHARE * level);
    const rec = near.find((v) => v.value >= MIN_RECOMMENDED_POOL) ?? near[0];
    const lo = Math.min(...caps);
    const floorNote = rec.value >= MIN_RECOMMENDED_POOL && near[0].value < MIN_RECOMMENDED_POOL ? ` (not ${near[0].value}, so that one slow request cannot block every other)` : '';
    const top = near[near.length - 1];
    return {
      value: rec.value,
      flat: true,
      still_growing: false,
      range: { low: rec.value, high: top.value },
      best: { value: ok.find((v) => v.capacity_rps === best)!.value, gain: best / rec.capacity_rps! - 1, margin: null },
      reason: `${key} = ${rec.value}: capacity stays flat at ${formatNumber(lo)}–${formatNumber(best)} requests/s ${slo} from ${values[0]} to ${values[values.length - 1]} threads (${formatPercent(Math.max(0, eff ?? 0))} of linear scaling), so more threads do not help — the work is CPU-bound (the GIL); a small pool${floorNote} keeps memory and context switches down`,
    };
  }

  if (opts.stillGrowing) {
    const last = ok[ok.length - 1];
    const prev = ok[ok.length - 2];
    const gain = prev ? last.capacity_rps! / prev.capacity_rps! - 1 : undefined;
    return {
      value: last.value,
      flat: false,
      still_growing: true,
      range: { low: last.value, high: null },
      reason: `${key} = ${last.value}: capacity ${formatNumber(last.capacity_rps!)} requests/s ${slo}, and it still grows at the largest value measured${gain !== undefined && prev ? ` (+${formatPercent(gain)} from ${prev.value})` : ''} — the pool is the limit here, so measure larger values before settling`,
    };
  }

  // The smallest value whose capacity is within noise of the best (analysis/capacity-comparison.ts),
  // unless the caller placed the lower end by another rule.
  const comparison = compareCapacities(ok.map((v) => ({ value: v.value, capacities_rps: v.runs_rps ?? [v.capacity_rps!] })))!;
  const placed = opts.lowerEnd !== undefined && ok.some((v) => v.value === opts.lowerEnd) ? opts.lowerEnd : undefined;
  const recValue = placed ?? comparison.values.find((c) => c.within_noise)!.value;
  const rec = ok.find((v) => v.value === recValue)!;
  const bestCompared = comparison.values.find((c) => c.value === comparison.best)!;
  const recCompared = comparison.values.find((c) => c.value === recValue)!;
  const highest = comparison.values.filter((c) => c.within_noise).pop()!;
  const gainToBest = bestCompared.capacity_rps / recCompared.capacity_rps - 1;
  const margin = recCompared.margin;
  const extras = {
    range: { low: rec.value, high: Math.max(highest.value, comparison.best, rec.value) },
    best: { value: comparison.best, gain: gainToBest, margin },
    comparison,
  };
  const beyond = ok.filter((v) => v.value > rec.value);
  let reason = `${key} = ${rec.value}: capacity ${formatNumber(rec.capacity_rps!)} requests/s ${slo}`;
  if (beyond.length > 0) {
    const top = beyond[beyond.length - 1];
    const bestBeyond = Math.max(...beyond.map((v) => v.capacity_rps!));
    const bestAt = beyond.find((v) => v.capacity_rps === bestBeyond)!.value;
    const gain = bestBeyond / rec.capacity_rps! - 1;
    const growth = gain <= 0 ? 'capacity does not grow' : `capacity grows under ${Math.max(1, Math.ceil(gain * 100))}%`;
    const costs: string[] = [];
    if (Number.isFinite(top.p99_ms) && Number.isFinite(rec.p99_ms) && rec.p99_ms > 0 && top.p99_ms / rec.p99_ms - 1 >= MATERIAL_RISE) {
      costs.push(`p99 at capacity rises ${formatPercent(top.p99_ms / rec.p99_ms - 1)} (${formatNumber(rec.p99_ms)} → ${formatNumber(top.p99_ms)} ms at ${top.value})`);
    }
    if (rec.ctx_per_request && top.ctx_per_request && rec.ctx_per_request >= MIN_CTX_PER_REQUEST && top.ctx_per_request / rec.ctx_per_request - 1 >= MATERIAL_RISE) {
      const ratio = top.ctx_per_request / rec.ctx_per_request;
      costs.push(`context switches per request ${ratio >= 1.9 ? (ratio >= 2.2 ? `grow ${formatNumber(ratio)}×` : 'double') : `rise ${formatPercent(ratio - 1)}`} (${formatNumber(rec.ctx_per_request)} → ${formatNumber(top.ctx_per_request)})`);
    }
    const upTo = beyond.length === 1 ? `at ${top.value}` : `up to ${top.value}`;
    const bestText = beyond.length === 1 ? `${formatNumber(bestBeyond)} requests/s` : `best ${formatNumber(bestBeyond)} requests/s at ${bestAt}`;
    reason += `; beyond ${rec.value}, ${growth} (${upTo}: ${bestText})${costs.length ? ` while ${costs.join(' and ')}` : ''}`;
  } else if (ok.length > 1) {
    reason += `, the best of ${ok.length} values measured`;
  }
  return { value: rec.value, flat: false, still_growing: false, reason, ...extras };
}

/**
 * The range in one sentence: "16–24: capacity within noise of the best; 24 gives +4% ± 6%", "24: no
 * smaller value is within noise of the best (16 serves 21% less)", or, open above, "12 or more: why".
 */
export function describeRange(rec: PoolRecommendation, opts: { openAboveBecause?: string } = {}): string | undefined {
  if (rec.value === null || !rec.range) return undefined;
  const { low, high } = rec.range;
  if (high === null || opts.openAboveBecause) return `${low} or more: ${opts.openAboveBecause ?? 'capacity still grows at the largest value measured'}`;
  const best = rec.best;
  const gain = best && best.value !== low
    ? `; ${best.value} gives ${formatPercentChange(1 + best.gain)}${best.margin !== null ? ` ± ${formatPercent(best.margin)}` : ' (one run each: no noise estimate, so no ±)'}`
    : '';
  if (high > low) return `${low}–${high}: capacity within noise of the best${gain}`;
  const below = rec.comparison?.values.filter((c) => c.value < low).pop();
  const less = below ? ` (${below.value} serves ${formatPercent(1 - 1 / (1 + below.best_gain))} less than the best)` : '';
  return `${low}: no smaller value is within noise of the best${less}`;
}


export interface TimeoutView {
  value: number;
  slow_attempted: number;
  slow_failed: number;
  worker_seconds_held: number;
  normal_p99_ms: number;
  normal_error_rate: number;
}

/**
 * socket_timeout: the largest value at which normal clients still meet the SLO (a longer timeout
 * is kinder to slow but honest clients); when none does, the one with the best normal p99.
 */
export function recommendTimeout(views: readonly TimeoutView[], opts: { sloP99Ms: number; maxErrorRate: number }): { value: number | null; reason: string } {
  const sorted = [...views].sort((a, b) => a.value - b.value);
  if (sorted.length === 0) return { value: null, reason: 'no socket_timeout value was measured' };
  const meets = (v: TimeoutView) => v.normal_p99_ms <= opts.sloP99Ms && v.normal_error_rate <= opts.maxErrorRate;
  const good = sorted.filter(meets);
  const describe = (v: TimeoutView) =>
    `normal clients p99 ${formatNumber(v.normal_p99_ms)} ms with ${formatPercent(v.normal_error_rate)} errors, ${
      v.slow_attempted > 0 ? `slow clients cut off in ${v.slow_failed} of ${v.slow_attempted} attempts` : 'no slow client was cut off (each kept its worker to the end)'
    }, workers held ${formatNumber(v.worker_seconds_held)} worker-s`;
  if (good.length === 0) {
    const best = [...sorted].sort((a, b) => a.normal_p99_ms - b.normal_p99_ms)[0];
    return {
      value: best.value,
      reason: `server.socket_timeout = ${best.value}: no value kept normal clients within p99 < ${formatNumber(opts.sloP99Ms)} ms; this one came closest (${describe(best)}) — the slow clients hold too many workers: raise thread_pool or put a buffering proxy in front`,
    };
  }
  const rec = good[good.length - 1];
  const above = sorted.find((v) => v.value > rec.value);
  let reason = `server.socket_timeout = ${rec.value}: ${describe(rec)}`;
  if (above) reason += `; at ${above.value} s normal p99 goes to ${formatNumber(above.normal_p99_ms)} ms as slow clients hold ${formatNumber(above.worker_seconds_held)} worker-s`;
  else if (good.length === sorted.length) reason += `; every value measured kept normal clients within the SLO, so the longest is kindest to slow clients`;
  return { value: rec.value, reason };
}

export interface GridView {
  value: number;
  value2: number;
  capacity_rps: number | null;
  p99_ms: number;
}

/** Grid: the smallest (value, value2) pair within 5% of the best capacity. */
export function recommendGrid(cells: readonly GridView[], opts: { setting: string; setting2: string; sloP99Ms: number }): { value: number | null; value2: number | null; reason: string } {
  const ok = cells.filter((c) => c.capacity_rps !== null && c.capacity_rps > 0);
  if (ok.length === 0) return { value: null, value2: null, reason: `no pair of ${opts.setting} and ${opts.setting2} met the SLO at any load measured` };
  const best = Math.max(...ok.map((c) => c.capacity_rps!));
  const near = ok.filter((c) => c.capacity_rps! >= NEAR_BEST_SHARE * best).sort((a, b) => a.value - b.value || a.value2 - b.value2);
  const rec = near[0];
  return {
    value: rec.value,
    value2: rec.value2,
    reason: `server.${opts.setting} = ${rec.value} with server.${opts.setting2} = ${rec.value2}: capacity ${formatNumber(rec.capacity_rps!)} requests/s at p99 < ${formatNumber(opts.sloP99Ms)} ms, within ${formatPercent(1 - NEAR_BEST_SHARE)} of the best of ${ok.length} pairs (${formatNumber(best)} requests/s) with the smallest values`,
  };
}
