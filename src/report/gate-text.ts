// The gate in a terminal, the verdict first: the outcome, then why (each budget that changed),
// then the sides and the plan, then one row per budget (columns dropped to fit the width).
import type { ChalkInstance } from 'chalk';
import type { GateDocument } from '../gate/gate-document.js';
import { METRIC_HEADER, metricRow, planLine, RUNS_NEEDED_NOTE, sidesLine } from './gate-format.js';
import { DEFAULT_VIEW, fitTable, hiddenColumnsNote, wrapText, type TextView } from './text-layout.js';

/** Which gate columns stay longest in a narrow terminal (the metric and its verdict always do). */
const COLUMN_PRIORITY: Record<string, number> = {
  'change [95% CI]': 6, 'B (median)': 5, 'A (median)': 4, budget: 3, p: 2, 'runs needed': 1,
};

/** The verdict line and the reason for every budget that did not come out "no change". */
export function gateAnswerLines(doc: GateDocument, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string[] {
  const colour = doc.outcome === 'regression' ? c.red.bold : doc.outcome === 'inconclusive' ? c.yellow.bold : c.green.bold;
  const lines = wrapText(colour(doc.summary), view.width, `${c.bold(`cpdiag gate: ${doc.scenario}`)}  `, '  ');
  for (const r of doc.metrics.filter((m) => m.verdict !== 'no_change')) {
    const mark = r.verdict === 'regression' ? c.red('✗') : r.verdict === 'improvement' ? c.green('✓') : c.yellow('?');
    lines.push(...wrapText(r.reason, view.width, `  ${mark} `));
  }
  return lines;
}

export function renderGateText(doc: GateDocument, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const w = view.width;
  const lines = gateAnswerLines(doc, c, view);
  if (view.quiet) return lines.join('\n');
  lines.push(...wrapText(c.dim(sidesLine(doc)), w, '  ', '    '), ...wrapText(c.dim(planLine(doc)), w, '  ', '    '));
  if (doc.metrics.length > 0) {
    const table = fitTable(METRIC_HEADER.map((h) => ({ header: h, priority: COLUMN_PRIORITY[h] })), doc.metrics.map((r) => metricRow(r, doc)), w, '  ');
    lines.push('', ...table.lines);
    const note = hiddenColumnsNote(table.hidden, 'summary.md or --json');
    if (note) lines.push(...wrapText(c.dim(note), w, '  '));
    lines.push('', ...wrapText(c.dim(RUNS_NEEDED_NOTE), w, '  ', '  '));
  }
  for (const warning of doc.warnings) lines.push(...wrapText(c.yellow(`! ${warning}`), w, '  ', '    '));
  return lines.join('\n');
}
