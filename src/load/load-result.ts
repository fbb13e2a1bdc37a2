// What a load phase produced: latency summaries, time windows, errors. Owned by load/.

import type { ErrorKind } from './error-kind.js';
import type { LoadPlan } from './load-plan.js';

/** Errors of a load phase: the total, the share of requests, and counts by kind. */
export interface ErrorCounts {
  total: number;
  rate: number;
  by_kind: Partial<Record<ErrorKind, number>>;
}

export interface LatencySummaryMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One time window of a load phase. */
export interface SeriesWindow {
  /** Seconds since the start of recording (window start). */
  t_s: number;
  duration_s: number;
  requests: number;
  throughput_rps: number;
  /** Open loop: the offered rate in this window. */
  offered_rps?: number;
  latency_ms: LatencySummaryMs;
  errors: Partial<Record<ErrorKind, number>>;
  /** Requests the open-loop generator had to delay because no connection was free. */
  delayed_sends?: number;
}

/** What a finished (or interrupted) load phase produced. */
export interface LoadResult {
  plan: LoadPlan;
  started_at: string;
  duration_s: number;
  requests: number;
  /** Completed responses (any status) per second over the recording. */
  throughput_rps: number;
  /** Successful (2xx/3xx) responses per second. */
  goodput_rps: number;
  /** Open loop: from the intended send time. Closed loop: from the actual send. */
  latency_ms: LatencySummaryMs;
  /** Open loop only: from the actual send time (service time as the client sees it). */
  service_latency_ms?: LatencySummaryMs;
  /** Compressed base64 HDR histograms in microseconds. */
  histograms: { latency_us: string; service_us?: string };
  errors: ErrorCounts;
  series: SeriesWindow[];
  /** Open loop: sends delayed because the pool was exhausted, and the send lag p99. */
  generator?: { delayed_sends: number; send_lag_p99_ms: number; achieved_rate_rps: number };
  /** Per mix entry. */
  by_request?: Record<string, { requests: number; latency_ms: LatencySummaryMs; errors: number }>;
  /** Closed loop: connections asked for, and how many got at least one response. */
  connections?: { requested: number; served: number };
  /** Slow-client outcomes (timeout sweep). */
  slow_clients?: { attempted: number; completed: number; failed: number; by_kind: Partial<Record<ErrorKind, number>> };
  interrupted: boolean;
}
