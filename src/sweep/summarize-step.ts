// A step's headline numbers from its ramp levels: the latency knee, the capacity within the SLO,
// the latency there, the pool's saturation there, and drift of resources over the whole step.
import { findLatencyKnee } from '../analysis/knee.js';
import { findCapacityIndex, type RampPoint } from '../analysis/ramp-rules.js';
import { estimateDrift } from '../analysis/drift.js';
import type { DriftEstimate } from '../analysis/drift.js';
import type { LatencySummaryMs } from '../load/load-result.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { SweepLevel, SweepStep } from './sweep-document.js';
import { roundTo } from '../numbers.js';

export interface StepSlo {
  p99Ms: number;
  maxErrorRate: number;
}

/**
 * A ramp point for analysis: a closed-loop level has no offered rate, so its throughput stands in
 * (and its connection count gives its place in load order). The completion ratio, when the load
 * generator measured one (overload accounting), is what "kept up" reads.
 */
export function rampPoint(level: SweepLevel): RampPoint {
  return {
    offered_rps: level.offered_rps ?? level.throughput_rps,
    ...completionRatioOf(level),
    throughput_rps: level.throughput_rps,
    p99_ms: level.latency_ms.p99,
    p50_ms: level.latency_ms.p50,
    error_rate: level.errors.rate,
    // Closed loop: load order is the connection count (throughput falls when the server collapses).
    ...(level.offered_rps === undefined && level.connections !== undefined ? { load_order: level.connections } : {}),
  };
}

export type StepSummary = Pick<SweepStep, 'capacity_rps' | 'max_throughput_rps' | 'latency_ms' | 'knee' | 'saturation' | 'ctx_per_request' | 'cpu_percent_mean' | 'drift' | 'threads_by_state_mean' | 'timeout'> & {
  capacityLevelIndex: number | null;
};

export const EMPTY_LATENCY: LatencySummaryMs = { min: NaN, mean: NaN, p50: NaN, p90: NaN, p95: NaN, p99: NaN, p999: NaN, max: NaN };

/**
 * The step's numbers from its levels, by ramp-rules: the floor (capped by the service time when it
 * was measured, as during the ramp), the capacity level, the knee.
 */
export function summarizeStep(levels: readonly SweepLevel[], probes: readonly ProbeSample[], slo: StepSlo, serviceTimeMs?: number): StepSummary {
  const points = levels.map(rampPoint);
  const knee = findLatencyKnee(points, { sloP99Ms: slo.p99Ms, maxErrorRate: slo.maxErrorRate, serviceTimeMs });
  // The capacity level: the highest-load level within the SLO (closed-loop levels have
  // offered = throughput, so the keep-up rule holds for them trivially).
  const capIndex = findCapacityIndex(points, { p99Ms: slo.p99Ms, maxErrorRate: slo.maxErrorRate });
  const lowestIndex = levels.length ? points.reduce((best, p, i) => (p.offered_rps < points[best].offered_rps ? i : best), 0) : null;
  const ref = capIndex ?? lowestIndex;
  const refLevel = ref !== null ? levels[ref] : undefined;
  const summary: StepSummary = {
    capacity_rps: capIndex !== null ? roundTo(levels[capIndex].goodput_rps || levels[capIndex].throughput_rps) : null,
    max_throughput_rps: roundTo(Math.max(0, ...levels.map((l) => l.throughput_rps))),
    latency_ms: refLevel?.latency_ms ?? EMPTY_LATENCY,
    knee: {
      knee_rps: knee.knee_rps,
      floor_p99_ms: knee.floor_p99_ms,
      capacity_at_slo_rps: knee.capacity_at_slo_rps,
      method: knee.method,
      reason: knee.reason,
    },
    capacityLevelIndex: capIndex,
    saturation: refLevel?.saturation,
    ctx_per_request: refLevel?.ctx_per_request,
    cpu_percent_mean: refLevel?.cpu_percent_mean,
  };
  const drift = stepDrift(probes, levels.reduce((a, l) => a + l.requests, 0));
  if (drift) summary.drift = drift;
  const states = meanThreadStates(probes);
  if (states) summary.threads_by_state_mean = states;
  const withSlow = levels.filter((l) => l.slow_clients);
  if (withSlow.length > 0) {
    const attempted = withSlow.reduce((a, l) => a + (l.slow_clients?.attempted ?? 0), 0);
    const failed = withSlow.reduce((a, l) => a + (l.slow_clients?.failed ?? 0), 0);
    const requests = levels.reduce((a, l) => a + l.requests, 0);
    const errors = levels.reduce((a, l) => a + l.errors.total, 0);
    summary.timeout = {
      slow_attempted: attempted,
      slow_failed: failed,
      slow_failure_rate: attempted > 0 ? roundTo(failed / attempted) : 0,
      worker_seconds_held: roundTo(levels.reduce((a, l) => a + (l.worker_seconds ?? 0), 0)),
      normal_p99_ms: Math.max(...levels.map((l) => l.latency_ms.p99)),
      normal_error_rate: requests > 0 ? roundTo(errors / requests) : 0,
    };
  }
  return summary;
}

/**
 * RSS, fds and threads over the whole step (all levels), with growth per request. The fds counted
 * exclude sockets: the ramp raises the number of connections by design (an open loop opens more
 * as latency grows), which is not a leak; leaked sockets show as CLOSE_WAIT, judged elsewhere.
 */
export function stepDrift(probes: readonly ProbeSample[], requests: number): SweepStep['drift'] | undefined {
  if (probes.length < 6) return undefined;
  const t = probes.map((p) => p.t_s);
  const out: Partial<Record<DriftEstimate['metric'], DriftEstimate>> = {};
  out.rss_bytes = estimateDrift('rss_bytes', t, probes.map((p) => p.rss_bytes), { requests });
  // By type, not fds − sockets: the total and the types are read a moment apart, and under a
  // ramp the socket count moves in between.
  const nonSocket = (p: ProbeSample) => (p.fds_by_type ? p.fds_by_type.file + p.fds_by_type.pipe + p.fds_by_type.anon_inode + p.fds_by_type.other : p.fds);
  const fds = estimateDrift('fds', t, probes.map(nonSocket), { requests });
  out.fds = { ...fds, reason: `non-socket fds: ${fds.reason ?? ''}`.trim() };
  out.threads = estimateDrift('threads', t, probes.map((p) => p.threads), { requests });
  return out;
}

/** Mean thread count per /proc state letter over the samples (R running, S sleeping, D blocked in I/O). */
export function meanThreadStates(probes: readonly ProbeSample[]): Record<string, number> | undefined {
  if (probes.length === 0) return undefined;
  const sums: Record<string, number> = {};
  for (const p of probes) for (const [k, v] of Object.entries(p.threads_by_state ?? {})) sums[k] = (sums[k] ?? 0) + v;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) out[k] = roundTo(v / probes.length);
  return Object.keys(out).length ? out : undefined;
}

/**
 * The level's completion ratio (completed ÷ offered) when the load generator accounted for
 * overload (`overload.completion_ratio`, added to load results by the overload accounting of issue
 * 11); absent otherwise, and the ramp rules fall back to throughput ÷ offered.
 */
function completionRatioOf(level: SweepLevel): { completion_ratio?: number } {
  const ratio = (level as SweepLevel & { overload?: { completion_ratio?: number } }).overload?.completion_ratio;
  return typeof ratio === 'number' && Number.isFinite(ratio) ? { completion_ratio: ratio } : {};
}
