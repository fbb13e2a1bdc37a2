// One gate run reduced to the numbers a gate compares. A baseline file stores these samples (not
// whole run records), so it stays small and a later gate can compare any metric it knows.
import { estimateDrift, MIN_DRIFT_SAMPLES, type DriftMetric } from '../analysis/drift.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { RunRecord } from '../run/run-record.js';
import type { GateMetricName } from './metric-spec.js';
import { isLowerBound } from '../load/censored-latency.js';

export interface RunSample {
  side: 'A' | 'B';
  /** 1-based position of this run within its side (warm-up runs count from 0 downwards). */
  index: number;
  /** A warm-up run: made to fill caches and JIT, kept in the record, left out of the comparison. */
  warmup?: boolean;
  started_at: string;
  duration_s: number;
  requests: number;
  /** Every metric the gate knows, so that budgets can change without re-recording a baseline. */
  values: Partial<Record<GateMetricName, number>>;
  /** For slope metrics: whether this run's growth was material and significant (drift analysis). */
  drifting: Partial<Record<GateMetricName, boolean>>;
  /**
   * Latency values that are only lower bounds: requests timed out, and this percentile fell in
   * their (censored) share, so the truth is "> value" (src/load/censored-latency.ts). Absent: none.
   */
  lower_bounds?: Partial<Record<GateMetricName, boolean>>;
  /** The target exited during the run (a crash is a regression of its own). */
  target_died: boolean;
  complete: boolean;
}

const SLOPES: [GateMetricName, DriftMetric, (p: ProbeSample) => number][] = [
  ['rss_slope', 'rss_bytes', (p) => p.rss_bytes],
  ['fd_slope', 'fds', (p) => p.fds],
  ['thread_slope', 'threads', (p) => p.threads],
];

/** Reduces a run record. Probes taken during warm-up (t_s < 0) are left out of the slopes. */
export function sampleFromRun(record: RunRecord, side: 'A' | 'B', index: number, targetDied: boolean): RunSample {
  const values: RunSample['values'] = {};
  const drifting: RunSample['drifting'] = {};
  let lowerBounds: RunSample['lower_bounds'];
  const s = record.summary;
  if (s && s.requests > 0) {
    values.p50 = s.latency_ms.p50;
    values.p90 = s.latency_ms.p90;
    values.p95 = s.latency_ms.p95;
    values.p99 = s.latency_ms.p99;
    values.p999 = s.latency_ms.p999;
    values.mean = s.latency_ms.mean;
    const bounded = (['p50', 'p90', 'p95', 'p99', 'p999', 'mean'] as const).filter((k) => isLowerBound(s.latency_ms, k));
    if (bounded.length > 0) lowerBounds = Object.fromEntries(bounded.map((k) => [k, true]));
  }
  if (s) {
    values.throughput = s.throughput_rps;
    values.capacity = s.throughput_rps;
    values.goodput = s.goodput_rps;
    values.error_rate = s.requests > 0 ? s.errors.rate : s.errors.total > 0 ? 1 : 0;
  }
  const probes = record.probes.filter((p) => p.t_s >= 0);
  for (const [name, metric, pick] of SLOPES) {
    const estimate = estimateDrift(metric, probes.map((p) => p.t_s), probes.map(pick), { requests: s?.requests });
    if (Number.isFinite(estimate.slope_per_s) && estimate.samples >= MIN_DRIFT_SAMPLES) {
      values[name] = estimate.slope_per_s;
      drifting[name] = estimate.drifting;
    }
  }
  return {
    side,
    index,
    started_at: record.started_at,
    duration_s: s?.duration_s ?? 0,
    requests: s?.requests ?? 0,
    values,
    drifting,
    ...(lowerBounds ? { lower_bounds: lowerBounds } : {}),
    target_died: targetDied,
    complete: record.complete,
  };
}
