// How saturated was the worker pool? Sampled pool states (busy workers, queued requests, the
// kernel's accept queue) reduced to a few numbers a detector can compare with thresholds.

import { quantile } from './percentiles.js';

export interface SaturationSummary {
  workers: number;
  /** Share of samples in which every worker was busy. */
  all_busy_share: number;
  busy_mean: number;
  queue_p50: number;
  queue_p99: number;
  queue_max: number;
  listen_queue_max?: number;
  samples: number;
}

export interface PoolSample {
  busy: number;
  queue: number;
  threads?: number;
  listen_queue?: number;
}

/**
 * Summarises pool samples for a pool of `workers`. A sample counts as all-busy when busy ≥
 * workers (the stats can briefly report one more during a hand-off). Queue quantiles interpolate
 * linearly (type 7, see percentiles.ts). With no samples the shares and quantiles are
 * 0 and samples is 0, which callers treat as insufficient data.
 */
export function summarizeSaturation(samples: readonly PoolSample[], workers: number): SaturationSummary {
  if (!(Number.isInteger(workers) && workers > 0)) {
    throw new RangeError(`saturation: workers must be a positive integer, got ${workers}`);
  }
  const valid = samples.filter((s) => Number.isFinite(s.busy) && Number.isFinite(s.queue));
  if (valid.length === 0) {
    return { workers, all_busy_share: 0, busy_mean: 0, queue_p50: 0, queue_p99: 0, queue_max: 0, samples: 0 };
  }
  const allBusy = valid.filter((s) => s.busy >= workers).length;
  const busyMean = valid.reduce((sum, s) => sum + s.busy, 0) / valid.length;
  const queues = valid.map((s) => s.queue);
  const summary: SaturationSummary = {
    workers,
    all_busy_share: allBusy / valid.length,
    busy_mean: busyMean,
    queue_p50: quantile(queues, 0.5),
    queue_p99: quantile(queues, 0.99),
    queue_max: queues.reduce((m, q) => Math.max(m, q), -Infinity),
    samples: valid.length,
  };
  const listen = valid.map((s) => s.listen_queue).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (listen.length > 0) summary.listen_queue_max = listen.reduce((m, q) => Math.max(m, q), -Infinity);
  return summary;
}
