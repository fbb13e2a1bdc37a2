// The terminal summary of a run, the answer first: throughput, p99 and errors in a line, and the
// top cause; then the facts (target, settings, load, latency, process, workers) and the full
// diagnosis. Returns text.
import type { ChalkInstance } from 'chalk';
import type { RunRecord } from '../run/run-record.js';
import { formatCount, formatMs, formatPercent, formatRate, formatSeconds } from '../format.js';
import { renderDiagnosisText, topCauseLines } from './diagnosis-text.js';
import { summarizeRunFacts } from './run-summary.js';
import { DEFAULT_VIEW, wrapText, type TextView } from './text-layout.js';

/** "1,234 req/s, p99 45 ms, 0 errors (0%) in 10 s" and the top cause. */
export function runAnswerLines(run: RunRecord, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string[] {
  const s = run.summary;
  const lines: string[] = [];
  if (s) {
    const errors = s.errors.total > 0 ? c.yellow(`${formatCount(s.errors.total)} errors (${formatPercent(s.errors.rate)})`) : 'no errors';
    lines.push(...wrapText(`${formatRate(s.throughput_rps)} req/s, p99 ${formatMs(s.latency_ms.p99)}, ${errors} in ${formatSeconds(s.duration_s)}`, view.width, '  '));
  } else {
    lines.push(c.yellow('  no requests were measured'));
  }
  // --compare-direct: what the proxy costs is the answer asked for, in one sentence.
  if (run.proxy_cost) lines.push(...wrapText(run.proxy_cost.sentence, view.width, '  '));
  if (run.static_offload) lines.push(...wrapText(run.static_offload.sentence, view.width, '  '));
  lines.push(...topCauseLines(run.diagnosis, c, view.width));
  return lines;
}

export function renderRunText(run: RunRecord, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const w = view.width;
  const title = c.bold(`cpdiag run: ${run.scenario}`) + (run.complete ? '' : c.yellow('  (incomplete)'));
  const lines = [title, ...runAnswerLines(run, c, view)];
  if (view.quiet) return lines.join('\n');
  const facts = summarizeRunFacts(run);
  const width = Math.max(...facts.rows.map(([k]) => k.length), facts.errorsByKind.length ? 'errors by kind'.length : 0);
  lines.push('');
  const row = (k: string, v: string) => lines.push(...wrapText(v, w, `  ${c.dim(k.padEnd(width))}  `));
  for (const [k, v] of facts.rows) row(k, v);
  if (facts.errorsByKind.length) row('errors by kind', facts.errorsByKind.map(([k, n]) => `${k} ${n}`).join(', '));
  for (const e of run.events) lines.push(...wrapText(c.yellow(`! ${e.message}`), w, '  ', '    '));
  if (run.diagnosis) lines.push('', renderDiagnosisText(run.diagnosis, c, view));
  return lines.join('\n');
}
