// A recorded baseline in a terminal: per metric, the median and the spread across runs, so the
// reader sees how noisy the workload is before gating on it.
import type { ChalkInstance } from 'chalk';
import { median } from '../analysis/percentiles.js';
import type { BaselineDocument } from '../gate/gate-document.js';
import type { GateMetricName } from '../gate/metric-spec.js';
import { formatPercent } from '../format.js';
import { formatMetricValue, isMedianLowerBound } from './gate-format.js';
import { DEFAULT_VIEW, fitTable, wrapText, type TextView } from './text-layout.js';

const SHOWN: GateMetricName[] = ['p50', 'p95', 'p99', 'throughput', 'error_rate', 'rss_slope', 'fd_slope', 'thread_slope'];

export function renderBaselineText(doc: BaselineDocument, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const rows: string[][] = [];
  for (const metric of SHOWN) {
    const runs = doc.runs.filter((r) => r.values[metric] !== undefined && Number.isFinite(r.values[metric]));
    const values = runs.map((r) => r.values[metric]!);
    if (values.length === 0) continue;
    // Censored latencies (timeouts) are lower bounds: "> value" where the median or the top is one.
    const bounds = runs.map((r) => r.lower_bounds?.[metric] === true);
    const fmt = (v: number, lowerBound = false) => formatMetricValue(metric, v, lowerBound);
    const m = median(values);
    const hi = Math.max(...values);
    const spread = m !== 0 && metric !== 'error_rate' && !metric.endsWith('_slope') ? `±${formatPercent((hi - Math.min(...values)) / 2 / Math.abs(m))}` : '';
    rows.push([metric, fmt(m, isMedianLowerBound(values, bounds, m)), `${fmt(Math.min(...values), values.some((v, i) => bounds[i] && v === Math.min(...values)))} – ${fmt(hi, values.some((v, i) => bounds[i] && v === hi))}`, spread]);
  }
  const p = (metric: GateMetricName) => rows.find((r) => r[0] === metric)?.[1];
  // The answer: what was recorded, in the two figures a gate mostly budgets.
  const answer = [p('p99') && `p99 ${p('p99')}`, p('throughput') && `throughput ${p('throughput')}`].filter(Boolean).join(', ');
  const lines = wrapText(`${c.bold(`cpdiag baseline: ${doc.scenario}`)}  ${answer ? `median ${answer}` : ''}`, view.width, '', '  ');
  if (view.quiet) return lines.join('\n');
  lines.push(...wrapText(c.dim(`${doc.runs.length} runs of ${doc.target}, ${doc.fingerprint}`), view.width, '  ', '    '), '');
  lines.push(...fitTable([{ header: 'metric' }, { header: 'median' }, { header: 'range', priority: 2 }, { header: 'half-range', priority: 1 }], rows, view.width, '  ').lines);
  return lines.join('\n');
}
