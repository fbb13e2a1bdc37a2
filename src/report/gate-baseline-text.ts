// A recorded baseline in a terminal: per metric, the median and the spread across runs, so the
// reader sees how noisy the workload is before gating on it.
import type { ChalkInstance } from 'chalk';
import { median } from '../analysis/percentiles.js';
import type { BaselineDocument } from '../gate/gate-document.js';
import type { GateMetricName } from '../gate/metric-spec.js';
import { formatPercent } from '../format.js';
import { formatMetricValue } from './gate-format.js';
import { textTable } from './table.js';

const SHOWN: GateMetricName[] = ['p50', 'p95', 'p99', 'throughput', 'error_rate', 'rss_slope', 'fd_slope', 'thread_slope'];

export function renderBaselineText(doc: BaselineDocument, c: ChalkInstance): string {
  const rows: string[][] = [];
  for (const metric of SHOWN) {
    const fmt = (v: number) => formatMetricValue(metric, v);
    const values = doc.runs.map((r) => r.values[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length === 0) continue;
    const m = median(values);
    const spread = m !== 0 && metric !== 'error_rate' && !metric.endsWith('_slope') ? `±${formatPercent((Math.max(...values) - Math.min(...values)) / 2 / Math.abs(m))}` : '';
    rows.push([metric, fmt(m), `${fmt(Math.min(...values))} – ${fmt(Math.max(...values))}`, spread]);
  }
  return [
    c.bold(`cpdiag baseline: ${doc.scenario}`) + c.dim(`  ${doc.runs.length} runs of ${doc.target}, ${doc.fingerprint}`),
    '',
    textTable(['metric', 'median', 'range', 'half-range'], rows).split('\n').map((l) => `  ${l}`).join('\n'),
  ].join('\n');
}
