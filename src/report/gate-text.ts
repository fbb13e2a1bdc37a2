// The gate in a terminal: the outcome first, then one row per budget, then why.
import type { ChalkInstance } from 'chalk';
import type { GateDocument } from '../gate/gate-document.js';
import { textTable } from './table.js';
import { METRIC_HEADER, metricRow, planLine, RUNS_NEEDED_NOTE, sidesLine } from './gate-format.js';

export function renderGateText(doc: GateDocument, c: ChalkInstance): string {
  const colour = doc.outcome === 'regression' ? c.red.bold : doc.outcome === 'inconclusive' ? c.yellow.bold : c.green.bold;
  const lines = [
    `${c.bold(`cpdiag gate: ${doc.scenario}`)}  ${colour(doc.summary)}`,
    c.dim(`  ${sidesLine(doc)}`),
    c.dim(`  ${planLine(doc)}`),
  ];
  if (doc.metrics.length > 0) {
    lines.push('', textTable(METRIC_HEADER, doc.metrics.map((r) => metricRow(r, doc))).split('\n').map((l) => `  ${l}`).join('\n'));
    const notable = doc.metrics.filter((r) => r.verdict !== 'no_change');
    if (notable.length) {
      lines.push('');
      for (const r of notable) lines.push(`  ${r.verdict === 'regression' ? c.red('✗') : r.verdict === 'improvement' ? c.green('✓') : c.yellow('?')} ${r.reason}`);
    }
    lines.push('', c.dim(`  ${RUNS_NEEDED_NOTE}`));
  }
  for (const w of doc.warnings) lines.push(c.yellow(`  ! ${w}`));
  return lines.join('\n');
}
