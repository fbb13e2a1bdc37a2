// A recorded baseline in a terminal: per metric, the median and the spread across runs, so the
// reader sees how noisy the workload is before gating on it.
import type { ChalkInstance } from 'chalk';
import { median } from '../analysis/percentiles.js';
import type { BaselineDocument } from '../gate/gate-document.js';
import type { GateMetricName } from '../gate/metric-spec.js';
import { fmtBytes, fmtMs, fmtRate, textTable } from './format.js';

const SHOWN: [GateMetricName, (v: number) => string][] = [
  ['p50', fmtMs],
  ['p95', fmtMs],
  ['p99', fmtMs],
  ['throughput', (v) => `${fmtRate(v)} req/s`],
  ['error_rate', (v) => `${(v * 100).toFixed(2)}%`],
  ['rss_slope', (v) => `${fmtBytes(v)}/s`],
  ['fd_slope', (v) => `${Number(v.toPrecision(3))}/s`],
  ['thread_slope', (v) => `${Number(v.toPrecision(3))}/s`],
];

export function renderBaselineText(doc: BaselineDocument, c: ChalkInstance): string {
  const rows: string[][] = [];
  for (const [metric, fmt] of SHOWN) {
    const values = doc.runs.map((r) => r.values[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length === 0) continue;
    const m = median(values);
    const spread = m !== 0 && metric !== 'error_rate' && !metric.endsWith('_slope') ? `±${((((Math.max(...values) - Math.min(...values)) / 2) / Math.abs(m)) * 100).toFixed(1)}%` : '';
    rows.push([metric, fmt(m), `${fmt(Math.min(...values))} – ${fmt(Math.max(...values))}`, spread]);
  }
  return [
    c.bold(`cpdiag baseline: ${doc.scenario}`) + c.dim(`  ${doc.runs.length} runs of ${doc.target}, ${doc.fingerprint}`),
    '',
    textTable(['metric', 'median', 'range', 'half-range'], rows).split('\n').map((l) => `  ${l}`).join('\n'),
  ].join('\n');
}
