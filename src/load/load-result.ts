// What a load phase produced: latency summaries, time windows, errors. Owned by load/.

import type { ErrorKind } from './error-kind.js';
import type { LoadPlan } from './load-plan.js';

/** Errors of a load phase: the total, the share of requests, and counts by kind. */
export interface ErrorCounts {
  total: number;
  rate: number;
  by_kind: Partial<Record<ErrorKind, number>>;
}

/**
 * Latency in ms. When requests timed out (or were abandoned unanswered) their latency is unknown,
 * only that it exceeds the age they reached: they are right-censored (src/load/censored-latency.ts).
 * A value listed in `censored.lower_bounds` is then a lower bound — the truth is "> value" — and
 * every report shows it that way. Without censored requests there is no `censored` field.
 */
export interface LatencySummaryMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  censored?: CensoredLatency;
}

/** Right-censored requests of a latency summary. */
export interface CensoredLatency {
  /** Requests with no response, known only to have taken longer than their age. */
  count: number;
  /** count / (completed + count): the top share of the distribution that is only bounded below. */
  share: number;
  /** The smallest censored age: every censored request took longer than this (usually the timeout). */
  at_least_ms: number;
  /** Keys of the summary whose value is a lower bound ("> value"): the percentiles in the censored share, `max`, `mean`. */
  lower_bounds: string[];
}

/**
 * Open loop: what happened to the load offered during the recording window, and whether the
 * server kept up with it. Throughput counts only responses completed inside the window; a server
 * that cannot keep up leaves a backlog, which shows here, not as inflated throughput.
 */
export interface OverloadAccounting {
  /** Requests due to be sent in the window (the offered load × the window). */
  sent: number;
  /** Responses completed inside the window (any status): the throughput's numerator. */
  completed_in_window: number;
  /** Of those, responses to requests due before the window (the warm-up's tail). */
  carried_in: number;
  /** Requests due in the window that failed inside it without a response (refused, reset, timeout…). */
  failed_in_window: number;
  /** Responses to requests due in the window that completed after it (during the drain): not in the throughput. */
  completed_late: number;
  /** Requests due in the window still unanswered when it closed (sent − answered or failed by then). */
  outstanding_at_end: number;
  /** sent − completed_in_window: how far arrivals outran completions over the window (≈ 0 when the server keeps up). */
  backlog: number;
  /**
   * completed_in_window / sent (= throughput / offered rate; 1 when nothing was due). Below capacity it falls short of 1
   * only by the requests in flight at the edges (about rate × service time of them, by Little's
   * law); clearly below that, the server did not keep up with the offered rate.
   */
  completion_ratio: number;
}

/** One time window of a load phase. */
export interface SeriesWindow {
  /** Seconds since the start of recording (window start). */
  t_s: number;
  duration_s: number;
  /** Responses completed inside this window (the drain's late responses are in no window's count). */
  requests: number;
  throughput_rps: number;
  /** Open loop: the offered rate in this window. */
  offered_rps?: number;
  /**
   * Latencies of the responses completed in this window, and timeouts that happened in it
   * (censored). The last window also carries the drain's late responses and timeouts.
   */
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
  /** Responses completed inside the recording window (any status, whenever their request was sent). */
  requests: number;
  /** requests / duration_s: responses completed inside the window per second, never the offered rate. */
  throughput_rps: number;
  /** Successful (2xx/3xx) responses completed inside the window, per second. */
  goodput_rps: number;
  /**
   * Latency of every request due in the window that got a response (also late, during the drain),
   * with timeouts right-censored. Open loop: from the intended send time. Closed loop: from the actual send.
   */
  latency_ms: LatencySummaryMs;
  /** Open loop only: from the actual send time (service time as the client sees it). */
  service_latency_ms?: LatencySummaryMs;
  /**
   * Compressed base64 HDR histograms in microseconds: completed responses, and the censored ages
   * (timeouts) beside them when there were any.
   */
  histograms: { latency_us: string; service_us?: string; latency_censored_us?: string; service_censored_us?: string };
  /** Open loop: the offered load against what the server completed in the window (overload accounting). */
  overload?: OverloadAccounting;
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
