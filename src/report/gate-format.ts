// Cells shared by the gate's text, Markdown and JUnit reports, so the three say the same thing.
import type { GateDocument, MetricResult } from '../gate/gate-document.js';
import type { GateMetricName } from '../gate/metric-spec.js';
import { formatBytes, formatMs, formatNumber, formatPercent, formatPercentChange, formatPercentPoints, formatRate, formatSeconds } from '../format.js';

export const VERDICT_WORD: Record<MetricResult['verdict'], string> = {
  regression: 'REGRESSION',
  improvement: 'improved',
  no_change: 'no change',
  inconclusive: 'inconclusive',
};

/**
 * One value of a gate metric, in its unit: the gate's tables, the baseline listing and JUnit.
 * A lower bound (a censored latency: requests timed out) reads "> value".
 */
export function formatMetricValue(metric: GateMetricName, v: number | null | undefined, lowerBound = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (lowerBound) return `> ${formatMetricValue(metric, v)}`;
  switch (metric) {
    case 'throughput': case 'goodput': case 'capacity':
      return `${formatRate(v)} req/s`;
    case 'error_rate':
      return formatPercent(v);
    case 'rss_slope':
      return `${formatBytes(v)}/s`;
    case 'fd_slope': case 'thread_slope':
      return `${formatNumber(v)}/s`;
    default:
      return formatMs(v);
  }
}

/** "+12.3% [+8.1, +16.0]" for ratios; the absolute shift for error rates and slopes. */
export function fmtChange(r: MetricResult): string {
  if (r.ratio !== null && r.tolerance_kind === 'relative') {
    const ci = r.ratio_ci ? ` [${formatPercentChange(r.ratio_ci[0])}, ${formatPercentChange(r.ratio_ci[1])}]` : '';
    return `${formatPercentChange(r.ratio)}${ci}`;
  }
  if (r.diff !== null) {
    const ci = r.diff_ci ? ` [${fmtShift(r, r.diff_ci[0])}, ${fmtShift(r, r.diff_ci[1])}]` : '';
    return `${fmtShift(r, r.diff)}${ci}`;
  }
  return '–';
}

/** A signed shift: percentage points for error rates, the metric's own unit otherwise. */
function fmtShift(r: MetricResult, v: number): string {
  if (r.metric === 'error_rate') return formatPercentPoints(v);
  return `${v >= 0 ? '+' : ''}${formatMetricValue(r.metric, v)}`;
}

export function fmtP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function fmtRunsNeeded(r: MetricResult, runsPerSide: number): string {
  if (r.runs_needed === null) return '–';
  return r.runs_needed > runsPerSide ? `${r.runs_needed} (have ${runsPerSide})` : String(r.runs_needed);
}

/** What "runs needed" means, under the table (the same words in text and Markdown). */
export const RUNS_NEEDED_NOTE =
  '"runs needed" = runs per side at which, at the noise seen, a change of twice the budget is called a regression and an unchanged metric passes as no change, each at least 80% of the time (predicted from the exact test; docs/analysis.md)';

/**
 * Whether a side's median is only a lower bound: it is exact when every lower-bound value lies
 * above it (their true values are larger still), and bounded below as soon as one lies at or under it.
 */
export function isMedianLowerBound(values: readonly number[], bounds: readonly boolean[] | undefined, median: number | null): boolean {
  if (!bounds || median === null) return false;
  return values.some((v, i) => bounds[i] === true && v <= median);
}

/** A side's median cell, "> value" when it is only a lower bound. */
export function formatMedian(r: MetricResult, side: 'a' | 'b'): string {
  const values = side === 'a' ? r.a_values : r.b_values;
  const bounds = side === 'a' ? r.a_lower_bounds : r.b_lower_bounds;
  const median = side === 'a' ? r.a_median : r.b_median;
  return formatMetricValue(r.metric, median, isMedianLowerBound(values, bounds, median));
}

/** One side's runs, each "> value" where it is only a lower bound (JUnit's detail). */
export function formatRunValues(r: MetricResult, side: 'a' | 'b'): string {
  const values = side === 'a' ? r.a_values : r.b_values;
  const bounds = side === 'a' ? r.a_lower_bounds : r.b_lower_bounds;
  return values.map((v, i) => formatMetricValue(r.metric, v, bounds?.[i] === true)).join(', ');
}

export function metricRow(r: MetricResult, doc: GateDocument): string[] {
  const drift = r.b_drifting !== undefined ? ` (grew in ${r.b_drifting}/${r.b_values.length})` : '';
  return [
    r.label,
    r.spec.slice(r.spec.indexOf(' ') + 1),
    formatMedian(r, 'a'),
    formatMedian(r, 'b') + drift,
    fmtChange(r),
    fmtP(r.p_value),
    VERDICT_WORD[r.verdict],
    fmtRunsNeeded(r, doc.runs_per_side),
  ];
}

export const METRIC_HEADER = ['metric', 'budget', 'A (median)', 'B (median)', 'change [95% CI]', 'p', 'verdict', 'runs needed'];

export function sidesLine(doc: GateDocument): string {
  return doc.mode === 'baseline'
    ? `A = baseline ${doc.a.baseline_file ?? ''} (${doc.a.description}), B = ${doc.b.description}`
    : `A = ${doc.a.description}, B = ${doc.b.description}`;
}

export function planLine(doc: GateDocument): string {
  const runs = doc.mode === 'baseline' ? `${doc.runs_per_side} runs of B against the baseline's runs` : `${doc.runs_per_side} runs per side, order ${doc.order}`;
  return `${runs}, α ${doc.alpha}, ${formatSeconds(doc.duration_s)}`;
}
