// The rules of a load ramp, in one place: where latency's floor is, whether a level is within the
// SLO, which level is the capacity, when the ramp stops, and when a level's tail is a pause
// outside the server (a stall) rather than the pool's knee. The ramp (sweep/run-step.ts), the step
// summary (sweep/summarize-step.ts) and the knee (knee.ts) all call these, and the reports print
// what they computed, so the floor a report shows is the floor the ramp stopped by and the knee's
// reason names. Pure functions of their inputs; each threshold is a named constant with its why.

import { erlangC } from './queueing.js';
import { formatMs, formatPercent, formatRate } from '../format.js';

/** One level of a ramp as the rules see it. A closed-loop level has offered = throughput. */
export interface RampPoint {
  offered_rps: number;
  throughput_rps: number;
  p99_ms: number;
  p50_ms?: number;
  error_rate?: number;
  /**
   * Completed ÷ offered requests of the level, when the load generator accounts for overload
   * (responses completing after the level's window do not count). Without it, throughput ÷ offered.
   */
  completion_ratio?: number;
  /**
   * Where the level sits in the ramp when that is not its offered rate: a closed-loop level's
   * connection count (its "offered" rate is its throughput, which falls when the server collapses).
   */
  load_order?: number;
}

/** The level's place in load order: its load_order when given, else its offered rate. */
function loadOf(p: RampPoint): number {
  return p.load_order ?? p.offered_rps;
}

// ---- within the SLO ------------------------------------------------------------------------

/**
 * A request error rate above 1% is not "serving" the load: the default error limit of an SLO, and
 * a ramp stop rule (past it, the latency of the requests that still succeed says little).
 */
export const DEFAULT_MAX_ERROR_RATE = 0.01;

/** A level "kept up" when it achieved at least 95% of the offered rate (5% absorbs pacing jitter). */
export const KEEP_UP_RATIO = 0.95;

/** The SLO a level is judged against. Without p99Ms only errors and keeping up count. */
export interface SloLimits {
  p99Ms?: number;
  /** Default DEFAULT_MAX_ERROR_RATE. */
  maxErrorRate?: number;
}

/** p99 within the SLO's limit (a level without a p99, such as one with no success, is not). */
export function isP99WithinSlo(p99Ms: number, slo: SloLimits): boolean {
  if (!Number.isFinite(p99Ms)) return false;
  return slo.p99Ms === undefined || p99Ms <= slo.p99Ms;
}

/** The error rate within the SLO's limit. */
export function isErrorRateWithinSlo(errorRate: number | undefined, slo: SloLimits): boolean {
  return (errorRate ?? 0) <= (slo.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE);
}

/**
 * The level achieved (nearly) the rate it was offered: its completion ratio when the generator
 * measured one, else throughput ÷ offered.
 */
export function keptUp(p: RampPoint): boolean {
  if (p.completion_ratio !== undefined && Number.isFinite(p.completion_ratio)) return p.completion_ratio >= KEEP_UP_RATIO;
  return p.throughput_rps >= KEEP_UP_RATIO * p.offered_rps;
}

/** Within the SLO: p99 and errors within their limits, and the offered rate held. */
export function isWithinSlo(p: RampPoint, slo: SloLimits): boolean {
  return Number.isFinite(p.offered_rps) && isP99WithinSlo(p.p99_ms, slo) && isErrorRateWithinSlo(p.error_rate, slo) && keptUp(p);
}

// ---- capacity ------------------------------------------------------------------------------

/**
 * Two capacities within 5% of each other are "as good": run-to-run noise of a 1-s level on a shared
 * machine is about that. The sweep's "near best" rule and the ladder's resolution (it bisects until
 * neighbouring levels are closer than this) are the same number, so the ladder never places a
 * capacity more coarsely than the recommendation compares them.
 */
export const NEAR_BEST_TOLERANCE = 0.05;

/**
 * The index (into `points`) of the first level, in load order, that fails the SLO (p99, errors,
 * or the completion ratio, see isWithinSlo); null when every level is within it. Of equal loads,
 * the first failing one in the caller's order.
 */
export function findFirstFailureIndex(points: readonly RampPoint[], slo: SloLimits): number | null {
  let first: number | null = null;
  points.forEach((p, i) => {
    if (!Number.isFinite(loadOf(p)) || isWithinSlo(p, slo)) return;
    if (first === null || loadOf(p) < loadOf(points[first])) first = i;
  });
  return first;
}

/**
 * The capacity level: the highest load below the first level (in load order) that fails the SLO,
 * as an index into `points` (the first of equal loads), or null when the lightest level already
 * failed. Not "the highest level within the SLO": a level that passes above one that failed
 * (100: 5 ms, 200: 8 ms, 300: 300 ms, 400: 9 ms → 200, not 400) was luck — the server did not hold
 * the SLO at 300, so it cannot be trusted to at 400. The step's capacity_rps is that level's served
 * rate, the knee's capacity_at_slo_rps its offered rate: two views of one level.
 */
export function findCapacityIndex(points: readonly RampPoint[], slo: SloLimits): number | null {
  const failure = findFirstFailureIndex(points, slo);
  const limit = failure === null ? Infinity : loadOf(points[failure]);
  let best: number | null = null;
  points.forEach((p, i) => {
    if (!(loadOf(p) < limit) || !isWithinSlo(p, slo)) return;
    if (best === null || loadOf(p) > loadOf(points[best])) best = i;
  });
  return best;
}

// ---- the floor -----------------------------------------------------------------------------

/** The floor is read from the lightest levels, where queueing is negligible. */
export const FLOOR_LEVELS = 3;

/**
 * The p99 floor is at most this many service times (when the service time was measured). Without
 * it, a first level that is already past the knee would be its own floor (an open loop's
 * throughput keeps up with the offered rate even then, since late responses still count), and the
 * ladder would climb on.
 */
export const FLOOR_PER_SERVICE_TIME = 2;

/**
 * The p99 at light load: the lowest p99 among the FLOOR_LEVELS lightest levels, capped at
 * FLOOR_PER_SERVICE_TIME × the service time when it is known. The lowest, not the median: noise on
 * a tail is one-sided (a pause, a co-tenant or a GC only ever add latency; nothing serves a request
 * faster than its service time), and a ladder that starts near the knee (a big pool at half its
 * predicted capacity) or that bisected below its top has loaded levels among its lightest three,
 * which pull a median up — so far that the "floor" can sit above the knee's own p99. NaN without
 * a level with a p99.
 */
export function findFloorP99Ms(points: readonly RampPoint[], serviceTimeMs?: number): number {
  const measured = points.filter((p) => Number.isFinite(p.offered_rps) && Number.isFinite(p.p99_ms));
  const lightest = [...measured].sort((a, b) => a.offered_rps - b.offered_rps).slice(0, FLOOR_LEVELS);
  const cap = serviceTimeMs !== undefined && serviceTimeMs > 0 ? FLOOR_PER_SERVICE_TIME * serviceTimeMs : Infinity;
  const floor = Math.min(...lightest.map((p) => p.p99_ms), cap);
  return lightest.length === 0 || !Number.isFinite(floor) ? NaN : floor;
}

// ---- stop ----------------------------------------------------------------------------------

/** Stop: p99 beyond 10× the floor means queueing dominates; measuring further only hurts. */
export const STOP_P99_FACTOR = 10;
/** Stop (and "broken" for the knee): achieved below 90% of offered, the server or the generator cannot hold the rate. */
export const STOP_KEEP_UP_RATIO = 0.9;
/**
 * Stop: beyond this multiple of the SLO's p99 the capacity within the SLO is known and the knee
 * passed: further levels only lengthen the queue (and the drain after the level).
 */
export const STOP_SLO_FACTOR = 4;

/**
 * Why a level no longer counts as served — errors above the limit, or the rate not held (achieved
 * under STOP_KEEP_UP_RATIO) — or null. The knee ignores the ramp past the first such level.
 */
export function servingFailure(p: RampPoint, maxErrorRate: number = DEFAULT_MAX_ERROR_RATE): string | null {
  if ((p.error_rate ?? 0) > maxErrorRate) return `errors reached ${formatPercent(p.error_rate ?? 0)}`;
  if (p.throughput_rps < STOP_KEEP_UP_RATIO * p.offered_rps) return `it achieved only ${formatRate(p.throughput_rps)} rps`;
  return null;
}

export interface StopRampOptions {
  maxErrorRate?: number;
  /** With an SLO, p99 over STOP_SLO_FACTOR × it stops the ramp too. */
  sloP99Ms?: number;
}

/**
 * Why the ramp should stop after its latest point (the last of `points`, in the order measured),
 * or null to go on: p99 over STOP_P99_FACTOR × the floor (see findFloorP99Ms), errors over the
 * limit, achieved under STOP_KEEP_UP_RATIO of offered, or p99 over STOP_SLO_FACTOR × the SLO.
 */
export function rampStopReason(points: readonly RampPoint[], floorP99Ms: number, opts: StopRampOptions = {}): string | null {
  if (points.length === 0) return null;
  const last = points[points.length - 1];
  const maxErrorRate = opts.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE;
  const at = `at ${formatRate(last.offered_rps)} rps`;
  if (Number.isFinite(floorP99Ms) && floorP99Ms > 0 && last.p99_ms > STOP_P99_FACTOR * floorP99Ms) {
    return `p99 ${formatMs(last.p99_ms)} is over ${STOP_P99_FACTOR}× the floor of ${formatMs(floorP99Ms)} ${at}`;
  }
  if ((last.error_rate ?? 0) > maxErrorRate) {
    return `error rate ${formatPercent(last.error_rate ?? 0)} exceeds ${formatPercent(maxErrorRate)} ${at}`;
  }
  if (last.throughput_rps < STOP_KEEP_UP_RATIO * last.offered_rps) {
    return `achieved ${formatRate(last.throughput_rps)} rps of ${formatRate(last.offered_rps)} offered (below ${formatPercent(STOP_KEEP_UP_RATIO)}): the rate cannot be held`;
  }
  if (opts.sloP99Ms !== undefined && last.p99_ms > STOP_SLO_FACTOR * opts.sloP99Ms) {
    return `p99 ${formatMs(last.p99_ms)} is over ${STOP_SLO_FACTOR}× the SLO of ${formatMs(opts.sloP99Ms)} ${at}`;
  }
  return null;
}

// ---- stall ---------------------------------------------------------------------------------

/** Levels re-measured per step because the latency contradicted an idle pool (a pause outside the server). */
export const MAX_STALL_RETRIES = 2;
/** "Idle": mean busy workers under this share of the pool. */
export const STALL_BUSY_SHARE = 0.8;
/** The client's mean latency must exceed the server's own time per request (Little) by this factor. */
export const STALL_LATENCY_FACTOR = 2;
/** Far below its CPU limit: under 70% of one core (a GIL-bound server tops out near 100%). */
export const STALL_MAX_CPU_PERCENT = 70;
/** The measured p99 must exceed the M/M/c p99 by this factor to be called implausible. */
export const IMPLAUSIBLE_TAIL_FACTOR = 5;
/** Only at moderate utilisation: near ρ = 1 any tail is plausible. */
export const IMPLAUSIBLE_MAX_UTILISATION = 0.75;
/** The p99 of an exponential service time, in means: −ln(0.01) ≈ 4.6. */
const EXPONENTIAL_P99_PER_MEAN = 4.6;
/** The tail the M/M/c p99 wait is computed for. */
const P99_TAIL_SHARE = 0.01;

/** What the stall rules read of a level (a sweep level has all of it). */
export interface StallLevel {
  offered_rps?: number;
  throughput_rps: number;
  latency_ms: { mean: number; p99: number };
  /** Latency from the actual send (no queueing in the generator counted), when known. */
  service_latency_ms?: { mean: number };
  errors: { rate: number };
  saturation?: { busy_mean: number; queue_p99: number; samples: number };
  cpu_percent_mean?: number;
}

/**
 * A level whose latency says overload while the server's own stats deny it: the pool mostly idle,
 * nothing waiting in its queue, and the time a request spent in the server by Little's law
 * (W = mean busy workers / throughput) under half the mean latency the client saw. The time went
 * elsewhere — a machine-wide pause, the load generator starved of CPU. Only judged with stats (the
 * bundled server), and never when the level had errors (those are real). A CPU-bound server past
 * its limit does not qualify: its requests spend the time inside, so W grows with the latency.
 * Failing that, implausibleTail.
 */
export function looksLikeStall(level: StallLevel, workers: number, maxErrorRate: number, serviceTimeMs?: number): boolean {
  if (level.errors.rate > maxErrorRate || !(level.throughput_rps > 0)) return false;
  const sat = level.saturation;
  if (sat && sat.samples >= 3) {
    const inServerMs = (sat.busy_mean / level.throughput_rps) * 1000;
    const clientMeanMs = level.service_latency_ms?.mean ?? level.latency_ms.mean;
    if (sat.busy_mean < STALL_BUSY_SHARE * workers && sat.queue_p99 === 0 && clientMeanMs > STALL_LATENCY_FACTOR * inServerMs) return true;
  }
  return implausibleTail(level, workers, serviceTimeMs);
}

/**
 * Queueing theory as a plausibility check: at utilisation ρ = λS/N below 0.75, M/M/c puts the p99
 * at about 4.6·S (an exponential service tail) plus the Erlang C p99 wait ln(C/0.01)/(Nμ − λ). A
 * p99 five times that, from a server using under 70% of a core, is a pause, not the pool's knee.
 */
export function implausibleTail(level: StallLevel, workers: number, serviceTimeMs?: number): boolean {
  if (!serviceTimeMs || !(serviceTimeMs > 0)) return false;
  if (level.cpu_percent_mean === undefined || level.cpu_percent_mean >= STALL_MAX_CPU_PERCENT) return false;
  const lambda = level.offered_rps ?? level.throughput_rps;
  const s = serviceTimeMs / 1000;
  const rho = (lambda * s) / workers;
  if (!(rho < IMPLAUSIBLE_MAX_UTILISATION)) return false;
  const c = erlangC(workers, lambda * s);
  const waitP99S = c > P99_TAIL_SHARE ? Math.log(c / P99_TAIL_SHARE) / (workers / s - lambda) : 0;
  const expectedP99Ms = EXPONENTIAL_P99_PER_MEAN * serviceTimeMs + waitP99S * 1000;
  return level.latency_ms.p99 > IMPLAUSIBLE_TAIL_FACTOR * expectedP99Ms;
}
