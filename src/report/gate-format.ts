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

/** One value of a gate metric, in its unit: the gate's tables, the baseline listing and JUnit. */
export function formatMetricValue(metric: GateMetricName, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
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

export function metricRow(r: MetricResult, doc: GateDocument): string[] {
  const drift = r.b_drifting !== undefined ? ` (grew in ${r.b_drifting}/${r.b_values.length})` : '';
  return [
    r.label,
    r.spec.slice(r.spec.indexOf(' ') + 1),
    formatMetricValue(r.metric, r.a_median),
    formatMetricValue(r.metric, r.b_median) + drift,
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
