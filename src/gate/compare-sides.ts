// Turns the runs of both sides into one verdict per budget, and the gate's outcome. Latency,
// throughput and errors go through compareMetric (significance AND beyond the tolerance, as
// Pinpoint). Growth slopes are judged differently: their baseline is zero, so a ratio means
// nothing, and each run already carries its own drift test (Theil–Sen interval, materiality,
// persistence; src/analysis/drift.ts). A slope budget is a ceiling on B's own growth.
import { median } from '../analysis/percentiles.js';
import { EXIT } from '../exit-codes.js';
import type { GateOutcome, MetricResult } from './gate-document.js';
import type { MetricSpec } from './metric-spec.js';
import type { RunSample } from './run-sample.js';
import { compareMetric, type MetricComparison } from './statistics.js';
import { formatBytes, formatNumber } from '../format.js';

export interface GateVerdict {
  outcome: GateOutcome;
  exitCode: number;
  summary: string;
}

function valuesOf(samples: readonly RunSample[], spec: MetricSpec): number[] {
  return samples.map((s) => s.values[spec.metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** Per value of valuesOf: whether it is only a lower bound (censored latency); undefined when none is. */
function lowerBoundsOf(samples: readonly RunSample[], spec: MetricSpec): boolean[] | undefined {
  const kept = samples.filter((s) => { const v = s.values[spec.metric]; return v !== undefined && Number.isFinite(v); });
  const flags = kept.map((s) => s.lower_bounds?.[spec.metric] === true);
  return flags.some(Boolean) ? flags : undefined;
}

function baseResult(spec: MetricSpec, a: number[], b: number[]): MetricResult {
  return {
    label: spec.label,
    metric: spec.metric,
    spec: spec.text,
    direction: spec.direction,
    tolerance: spec.tolerance,
    tolerance_kind: spec.kind,
    unit: spec.unit,
    verdict: 'inconclusive',
    reason: '',
    a_values: a,
    b_values: b,
    a_median: a.length ? median(a) : null,
    b_median: b.length ? median(b) : null,
    ratio: null,
    ratio_ci: null,
    diff: null,
    diff_ci: null,
    p_value: null,
    runs_needed: null,
  };
}

function withComparison(result: MetricResult, c: MetricComparison, keepRatio: boolean): MetricResult {
  return {
    ...result,
    ratio: keepRatio && Number.isFinite(c.ratio) ? c.ratio : null,
    ratio_ci: keepRatio && Number.isFinite(c.ratio_ci[0]) && Number.isFinite(c.ratio_ci[1]) ? c.ratio_ci : null,
    diff: c.diff,
    diff_ci: c.diff_ci,
    p_value: c.p_value,
    runs_needed: c.runs_needed,
    runs_needed_detail: c.runs_needed_detail,
  };
}

/**
 * A relative budget on a metric whose baseline median is zero (e.g. no latency values because
 * every request failed) cannot be applied; compareMetric refuses it, so it is answered here.
 */
function compareValues(spec: MetricSpec, a: number[], b: number[], alpha: number): MetricResult {
  const result = baseResult(spec, a, b);
  if (a.length === 0 || b.length === 0) {
    const side = a.length === 0 ? 'A' : 'B';
    return { ...result, verdict: 'inconclusive', reason: `${spec.label}: side ${side} produced no value (no successful run)` };
  }
  if (spec.kind === 'relative' && median(a) === 0) {
    return { ...result, verdict: 'inconclusive', reason: `${spec.label}: A's median is 0, so a relative budget cannot apply; use an absolute one` };
  }
  const c = compareMetric(a, b, {
    name: spec.label,
    direction: spec.direction,
    tolerance: spec.tolerance,
    toleranceKind: spec.kind === 'relative' ? 'relative' : 'absolute',
    alpha,
  });
  return { ...withComparison(result, c, true), verdict: c.verdict, reason: c.reason };
}

function fmtSlope(spec: MetricSpec, v: number): string {
  return spec.metric === 'rss_slope' ? `${formatBytes(v)}/s` : `${formatNumber(v)}/s`;
}

/**
 * Slope budgets. Regression: at least half of B's runs show drift (each a significant, material,
 * persistent growth by itself) and B's median slope is above the ceiling. One drifting run in
 * six is what noise does now and then, so it is inconclusive at most. Improvement: A drifted in
 * most runs and B in none.
 */
function compareSlope(spec: MetricSpec, A: readonly RunSample[], B: readonly RunSample[], alpha: number): MetricResult {
  const a = valuesOf(A, spec);
  const b = valuesOf(B, spec);
  const result = baseResult(spec, a, b);
  const aDrift = A.filter((s) => s.drifting[spec.metric]).length;
  const bDrift = B.filter((s) => s.drifting[spec.metric]).length;
  result.a_drifting = aDrift;
  result.b_drifting = bDrift;
  if (b.length === 0) {
    return { ...result, reason: `${spec.label}: B's runs had too few process samples for a slope (need 6 probes after warm-up)` };
  }
  const withStats = a.length > 0 ? withComparison(result, compareMetric(a, b, { name: spec.label, direction: spec.direction, tolerance: spec.tolerance, toleranceKind: 'absolute', alpha }), false) : result;
  const bMedian = median(b);
  const majority = Math.ceil(b.length / 2);
  const aNote = a.length ? `; A: ${aDrift} of ${a.length} runs, median ${fmtSlope(spec, median(a))}` : '';
  const bText = `B grew materially in ${bDrift} of ${b.length} runs, median ${fmtSlope(spec, bMedian)}`;
  if (bDrift >= majority && bMedian > spec.tolerance) {
    const old = a.length && aDrift >= Math.ceil(a.length / 2) ? ' (A grows too: the leak predates this change)' : '';
    return { ...withStats, verdict: 'regression', reason: `${spec.label}: ${bText}, above the ceiling of ${fmtSlope(spec, spec.tolerance)}${aNote}${old}` };
  }
  if (a.length && aDrift >= Math.ceil(a.length / 2) && bDrift === 0) {
    return { ...withStats, verdict: 'improvement', reason: `${spec.label}: A grew in ${aDrift} of ${a.length} runs, B in none` };
  }
  if (bDrift >= 2 && bMedian > spec.tolerance) {
    return { ...withStats, verdict: 'inconclusive', reason: `${spec.label}: ${bText}; not most runs — more runs or longer runs would tell${aNote}` };
  }
  return { ...withStats, verdict: 'no_change', reason: `${spec.label}: no material growth (${bText})${aNote}` };
}

export function compareSides(specs: readonly MetricSpec[], A: readonly RunSample[], B: readonly RunSample[], alpha: number): MetricResult[] {
  return specs.map((spec) => {
    if (spec.kind === 'slope') return compareSlope(spec, A, B, alpha);
    // A censored latency (timeouts) enters the rank test at its lower bound: it ranks among the
    // slowest, which is where it belongs; the reports show it as "> value".
    const result = compareValues(spec, valuesOf(A, spec), valuesOf(B, spec), alpha);
    const aBounds = lowerBoundsOf(A, spec);
    const bBounds = lowerBoundsOf(B, spec);
    if (aBounds) result.a_lower_bounds = aBounds;
    if (bBounds) result.b_lower_bounds = bBounds;
    return result;
  });
}

/**
 * The gate's outcome. A crashed B target is a regression whatever the metrics say. Inconclusive
 * passes (exit 0) unless the caller asked to fail on it: a gate that fails whenever it cannot
 * tell teaches people to ignore it.
 */
export function decideOutcome(results: readonly MetricResult[], B: readonly RunSample[], failOnInconclusive: boolean): GateVerdict {
  const died = B.filter((s) => s.target_died).length;
  const regressions = results.filter((r) => r.verdict === 'regression');
  const inconclusive = results.filter((r) => r.verdict === 'inconclusive');
  if (regressions.length > 0 || died > 0) {
    const parts = regressions.map((r) => r.label);
    if (died > 0) parts.push(`B's target exited in ${died} run${died === 1 ? '' : 's'}`);
    return { outcome: 'regression', exitCode: EXIT.REGRESSION, summary: `REGRESSION: ${parts.join(', ')}` };
  }
  if (inconclusive.length > 0) {
    const list = inconclusive.map((r) => r.label).join(', ');
    return {
      outcome: 'inconclusive',
      exitCode: failOnInconclusive ? EXIT.INCONCLUSIVE : EXIT.OK,
      summary: `INCONCLUSIVE: ${list} (${failOnInconclusive ? 'failing as asked by --fail-on-inconclusive' : 'passing; --fail-on-inconclusive would fail'})`,
    };
  }
  const improved = results.filter((r) => r.verdict === 'improvement').map((r) => r.label);
  return { outcome: 'pass', exitCode: EXIT.OK, summary: `PASS: no regression beyond the budgets${improved.length ? `; improved: ${improved.join(', ')}` : ''}` };
}
