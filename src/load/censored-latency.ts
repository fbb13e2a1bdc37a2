// Latency with right-censored observations. A request that timed out (or was still unanswered
// when the open loop gave up on it) has no latency, only an age it is known to exceed: leaving it
// out would make p99 under a stall describe the survivors; recording its age as if it were a
// latency would make the timeout look like a measured response time. Both are kept: completed
// responses in one HDR histogram, censored ages in another, and the percentiles are read from
// both together.
//
// The rule (the usual one for right-censored data with a timeout, where every censored request is
// slower than every completed one): order completed values first and censored ones after them, as
// if each censored request took forever. A percentile whose rank r (of N = completed + censored)
// falls among the completed values is that value. One whose rank falls in the censored share is
// only known from below: its lower bound is the r-th value of completed values and censored ages
// together (each censored request took more than its age), and it is reported as "> that".
// `max` and `mean` are lower bounds as soon as anything is censored.
import type { CensoredLatency, LatencySummaryMs } from './load-result.js';
import {
  createLatencyHistogram,
  emptyLatencySummary,
  recordLatencyUs,
  SUMMARY_PERCENTILES,
  summarizeHistogramMs,
  usToMs,
  type LatencyHistogram,
} from './histogram.js';
import { roundTo } from '../numbers.js';
import { formatMs } from '../format.js';

/** The keys of a latency summary that can be lower bounds. */
export type LatencyKey = keyof Omit<LatencySummaryMs, 'censored'>;

/** Completed latencies and censored ages of one population (a run, a window, a mix entry). */
export class LatencyAccumulator {
  readonly completed: LatencyHistogram = createLatencyHistogram();
  /** Created on the first censored request: most populations have none. */
  censored: LatencyHistogram | undefined;

  recordCompleted(latencyUs: number): void {
    recordLatencyUs(this.completed, latencyUs);
  }

  /** A request known to have taken longer than ageUs (timed out, or abandoned unanswered). */
  recordCensored(ageUs: number): void {
    this.censored ??= createLatencyHistogram();
    recordLatencyUs(this.censored, ageUs);
  }

  summarize(): LatencySummaryMs {
    return summarizeCensoredMs(this.completed, this.censored);
  }
}

/** The value at 1-based rank r of a histogram (the top of r's bucket, as HDR reports percentiles). */
function valueAtRank(h: LatencyHistogram, rank: number): number {
  // getValueAtPercentile rounds the count up: (rank − ½)/N lands on exactly `rank`.
  return h.getValueAtPercentile((100 * (rank - 0.5)) / h.totalCount);
}

/** The 1-based rank of percentile p among n values, as HDR counts it (ceil, at least 1). */
function rankOf(p: number, n: number): number {
  return Math.max(1, Math.ceil((p / 100) * n - 1e-9));
}

/**
 * The summary of completed latencies plus censored ages (see the file comment). Without censored
 * requests it is exactly summarizeHistogramMs(completed), with no `censored` field.
 */
export function summarizeCensoredMs(completed: LatencyHistogram, censored: LatencyHistogram | undefined): LatencySummaryMs {
  const nCensored = censored?.totalCount ?? 0;
  if (!censored || nCensored === 0) return summarizeHistogramMs(completed);
  const nCompleted = completed.totalCount;
  const total = nCompleted + nCensored;
  const both = createLatencyHistogram();
  both.add(completed);
  both.add(censored);
  const out: LatencySummaryMs = nCompleted > 0 ? summarizeHistogramMs(completed) : emptyLatencySummary();
  const lowerBounds: LatencyKey[] = [];
  const minAll = both.minNonZeroValue;
  const maxAll = both.maxValue;
  const clamp = (v: number): number => Math.min(maxAll, Math.max(minAll, v));
  for (const [key, p] of SUMMARY_PERCENTILES) {
    const rank = rankOf(p, total);
    if (rank <= nCompleted) {
      out[key] = usToMs(Math.min(completed.maxValue, Math.max(completed.minNonZeroValue, valueAtRank(completed, rank))));
    } else {
      out[key] = usToMs(clamp(valueAtRank(both, rank)));
      lowerBounds.push(key);
    }
  }
  if (nCompleted === 0) {
    out.min = usToMs(minAll);
    lowerBounds.unshift('min');
  }
  // Every censored request took longer than its age: the mean of completed values and ages
  // together is a lower bound of the true mean, and the largest of them one of the true max.
  out.mean = usToMs(both.mean);
  out.max = usToMs(maxAll);
  lowerBounds.push('max', 'mean');
  const censoredInfo: CensoredLatency = {
    count: nCensored,
    share: roundTo(nCensored / total, 6),
    at_least_ms: usToMs(censored.minNonZeroValue),
    lower_bounds: lowerBounds,
  };
  out.censored = censoredInfo;
  return out;
}

/** True when this summary's value for `key` is only a lower bound ("> value"). */
export function isLowerBound(summary: LatencySummaryMs | undefined, key: LatencyKey): boolean {
  return summary?.censored?.lower_bounds.includes(key) ?? false;
}

/**
 * One latency of a summary for people: formatMs, and "> " before it when the value is only a
 * lower bound (censored). Every report's latency cells go through this (text, Markdown, HTML, gate).
 */
export function formatLatencyMs(summary: LatencySummaryMs | undefined, key: LatencyKey): string {
  const text = formatMs(summary?.[key]);
  return isLowerBound(summary, key) && summary?.[key] !== undefined ? `> ${text}` : text;
}
