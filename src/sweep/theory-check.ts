// Queueing theory beside the measurements: Little's law says how many workers a load keeps busy
// (L = λ·S), and a queueing model how many a pool needs so that p99 of the RESPONSE time (wait +
// service) stays within the SLO. Two models: M/M/c (Erlang C, exponential service assumed) and,
// when the step measured its service times, GI/G/c by Allen–Cunneen with that distribution (c_s
// from the measured percentiles; a pool of near-constant handlers waits much less than Erlang C
// says, a heavy-tailed one more). When the service time alone exceeds the SLO for 1% of requests
// or more, no pool meets it, and the numbers say so instead of naming one. They are first-order
// models, so they check a recommendation; they do not make it. Where the measured capacity is far
// below N/S, something other than the pool binds.
import {
  erlangCPoolForResponseTime,
  littleL,
  poolCapacityRps,
  poolForResponseTime,
  serviceMoments,
  serviceSamplePoints,
  type ServiceDistribution,
} from '../analysis/queueing.js';
import type { LatencySummaryMs } from '../load/load-result.js';
import { roundTo } from '../numbers.js';
import { formatMs, formatNumber } from '../format.js';

/** p99: the share of requests allowed a response time beyond the SLO. */
export const SLO_TAIL_SHARE = 0.01;
/** Arrivals in production are taken as Poisson (c_a = 1): independent users, no pacing. */
export const ARRIVAL_CV = 1;

export interface TheoryNumbers {
  service_time_ms: number;
  target_rps: number;
  littles_law_workers: number;
  /** M/M/c (exponential service, Poisson arrivals): the smallest pool with p99 of the response time within the SLO; null when none can. */
  erlang_c_pool: number | null;
  /** Coefficient of variation of the measured service time (absent when only its mean was known). */
  service_cv?: number;
  /** Coefficient of variation of inter-arrival times assumed (1: Poisson). */
  arrival_cv?: number;
  /**
   * The pool the theory check stands on: GI/G/c (Allen–Cunneen) with the measured service times
   * when they were measured, otherwise M/M/c's. Null when no pool meets the SLO (see no_pool).
   */
  pool_for_slo?: number | null;
  /** Which model pool_for_slo comes from. */
  model?: 'M/G/c Allen–Cunneen' | 'M/M/c';
  /** Why no pool meets the SLO ("the service time alone exceeds it for 3% of requests"). */
  no_pool?: string;
}

/**
 * A service-time distribution from a latency summary (ms): piecewise linear through min, p50, p90,
 * p95, p99 and p999. The slowest 0.1% are taken at p999, not stretched to max: max is one request
 * (a GC pause, a page fault), and a single outlier would dominate c_s².
 */
export function serviceDistributionFromSummary(s: LatencySummaryMs): ServiceDistribution | undefined {
  const points: [number, number][] = [
    [0, s.min],
    [0.5, s.p50],
    [0.9, s.p90],
    [0.95, s.p95],
    [0.99, s.p99],
    [0.999, s.p999],
    [1, s.p999],
  ];
  if (!points.every(([, v]) => Number.isFinite(v) && v >= 0) || !(s.p999 > 0)) return undefined;
  // Percentiles from a histogram are non-decreasing; a hand-edited document might not be.
  let floor = 0;
  return { quantiles: points.map(([u, v]) => [u, (floor = Math.max(floor, v)) / 1000]) };
}

/** What stepServiceLatency reads of a sweep level (structural: the sweep document imports this module). */
interface StepLevelLatency {
  requests: number;
  offered_rps?: number;
  throughput_rps: number;
  latency_ms: LatencySummaryMs;
  service_latency_ms?: LatencySummaryMs;
}

/**
 * The service times a step measured: the latency from the actual send at its lightest level
 * (where nothing queues), or the latency there when the level was a closed loop.
 */
export function stepServiceLatency(step: { levels: readonly StepLevelLatency[] }): LatencySummaryMs | undefined {
  const lightest = [...step.levels].filter((l) => l.requests > 0).sort((a, b) => (a.offered_rps ?? a.throughput_rps) - (b.offered_rps ?? b.throughput_rps))[0];
  return lightest ? lightest.service_latency_ms ?? lightest.latency_ms : undefined;
}

export function theoryNumbers(targetRps: number, serviceTimeMs: number, sloP99Ms: number, serviceLatency?: LatencySummaryMs): TheoryNumbers | undefined {
  // Measured numbers and the user's SLO enter queueing maths here: anything it cannot take means "no theory".
  if (!(targetRps > 0 && Number.isFinite(targetRps)) || !(serviceTimeMs > 0 && Number.isFinite(serviceTimeMs)) || !Number.isFinite(sloP99Ms) || !(sloP99Ms > 0)) return undefined;
  const s = serviceTimeMs / 1000;
  const sloS = sloP99Ms / 1000;
  const mmc = erlangCPoolForResponseTime(targetRps, s, sloS, SLO_TAIL_SHARE);
  const out: TheoryNumbers = {
    service_time_ms: roundTo(serviceTimeMs),
    target_rps: roundTo(targetRps),
    littles_law_workers: roundTo(littleL(targetRps, s)),
    erlang_c_pool: mmc,
  };
  const dist = serviceLatency ? serviceDistributionFromSummary(serviceLatency) : undefined;
  if (dist) {
    // The shape (spread, tail) from the percentiles, the scale from the measured mean service time.
    const points = serviceSamplePoints(dist, s);
    const { cv2 } = serviceMoments(points);
    const answer = poolForResponseTime(targetRps, points, ARRIVAL_CV ** 2, sloS, SLO_TAIL_SHARE);
    out.service_cv = roundTo(Math.sqrt(cv2));
    out.arrival_cv = ARRIVAL_CV;
    out.model = 'M/G/c Allen–Cunneen';
    out.pool_for_slo = answer.pool;
    if (answer.pool === null) out.no_pool = `no pool meets this SLO: ${answer.reason} (p99 ${formatMs(sloP99Ms)})`;
  } else {
    out.model = 'M/M/c';
    out.pool_for_slo = mmc;
    if (mmc === null) {
      out.no_pool = serviceTimeMs >= sloP99Ms
        ? `no pool meets this SLO: the mean service time alone (${formatMs(serviceTimeMs)}) exceeds it`
        : `no pool meets this SLO if service times are exponential (their p99 would be 4.6 × ${formatMs(serviceTimeMs)})`;
    }
  }
  return out;
}

/** One sentence comparing a recommended pool with the theory. */
export function theorySentence(t: TheoryNumbers, recommendedPool: number): string {
  const cv = t.service_cv !== undefined ? ` (varying with c_s = ${formatNumber(t.service_cv)})` : '';
  const head = `queueing theory: at ${formatNumber(t.target_rps)} requests/s and a ${formatNumber(t.service_time_ms)} ms service time${cv}, Little's law keeps ${formatNumber(t.littles_law_workers)} workers busy on average`;
  const pool = t.pool_for_slo !== undefined ? t.pool_for_slo : t.erlang_c_pool;
  if (pool === null) {
    return `${head}; ${t.no_pool ?? 'no pool meets this SLO'}, so ${recommendedPool} workers is a capacity choice, not a latency guarantee`;
  }
  let model: string;
  if (t.model === 'M/G/c Allen–Cunneen') {
    const mmc = t.erlang_c_pool === null ? 'none would do' : `${t.erlang_c_pool}`;
    model = `, and with the measured service times (M/G/c, Allen–Cunneen) ${pool} are needed for p99 within the SLO (Erlang C, which assumes exponential service: ${mmc})`;
  } else {
    model = `, and Erlang C needs ${pool} for p99 within the SLO`;
  }
  let verdict: string;
  if (recommendedPool < t.littles_law_workers) {
    verdict = `; ${recommendedPool} is below that: at this load every worker is busy and requests queue, so ${recommendedPool} carries it only at the edge of the SLO — ${pool} would leave headroom`;
  } else if (recommendedPool <= Math.max(pool * 1.5, pool + 2)) {
    verdict = `; ${recommendedPool} agrees`;
  } else {
    const capacity = poolCapacityRps(recommendedPool, t.service_time_ms / 1000);
    verdict = `; ${recommendedPool} is more than that because the measured capacity (${formatNumber(t.target_rps)}) sits below N/S = ${formatNumber(capacity)} requests/s: workers wait for something other than their own I/O (the CPU, the GIL), which lengthens the real service time under load`;
  }
  return head + model + verdict;
}
