// Cells shared by the gate's text, Markdown and JUnit reports, so the three say the same thing.
import type { GateDocument, MetricResult } from '../gate/gate-document.js';
import { fmtBytes, fmtMs, fmtRate } from './format.js';

export const VERDICT_WORD: Record<MetricResult['verdict'], string> = {
  regression: 'REGRESSION',
  improvement: 'improved',
  no_change: 'no change',
  inconclusive: 'inconclusive',
};

export function fmtMetricValue(r: MetricResult, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  switch (r.metric) {
    case 'throughput': case 'goodput': case 'capacity':
      return `${fmtRate(v)} req/s`;
    case 'error_rate':
      return `${(v * 100).toFixed(2)}%`;
    case 'rss_slope':
      return `${fmtBytes(v)}/s`;
    case 'fd_slope': case 'thread_slope':
      return `${Number(v.toPrecision(3))}/s`;
    default:
      return fmtMs(v);
  }
}

function signedPercent(r: number): string {
  const v = (r - 1) * 100;
  return `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
}

/** "+12.3% [+8.1, +16.0]" for ratios; the absolute shift for error rates and slopes. */
export function fmtChange(r: MetricResult): string {
  if (r.ratio !== null && r.tolerance_kind === 'relative') {
    const ci = r.ratio_ci ? ` [${signedPercent(r.ratio_ci[0])}, ${signedPercent(r.ratio_ci[1])}]` : '';
    return `${signedPercent(r.ratio)}${ci}`;
  }
  if (r.diff !== null) {
    const sign = r.diff >= 0 ? '+' : '';
    const ci = r.diff_ci ? ` [${fmtShift(r, r.diff_ci[0])}, ${fmtShift(r, r.diff_ci[1])}]` : '';
    return `${sign}${fmtShift(r, r.diff)}${ci}`;
  }
  return '–';
}

function fmtShift(r: MetricResult, v: number): string {
  if (r.metric === 'error_rate') return `${(v * 100).toFixed(2)}pp`;
  return fmtMetricValue(r, v);
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
    fmtMetricValue(r, r.a_median),
    fmtMetricValue(r, r.b_median) + drift,
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
  return `${runs}, α ${doc.alpha}, ${doc.duration_s.toFixed(0)} s`;
}
