import type { ChalkInstance } from 'chalk';
import type { RunRecord } from '../run/run-record.js';
import { renderDiagnosisText } from './diagnosis-text.js';
import { summarizeRunFacts } from './run-summary.js';

/** The terminal summary of a run. */
export function renderRunText(run: RunRecord, c: ChalkInstance): string {
  const facts = summarizeRunFacts(run);
  const width = Math.max(...facts.rows.map(([k]) => k.length));
  const lines = [c.bold(`cpdiag run: ${run.scenario}`) + (run.complete ? '' : c.yellow('  (incomplete)'))];
  for (const [k, v] of facts.rows) lines.push(`  ${c.dim(k.padEnd(width))}  ${v}`);
  if (facts.errorsByKind.length) lines.push(`  ${c.dim('errors by kind'.padEnd(width))}  ${facts.errorsByKind.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const e of run.events) lines.push(c.yellow(`  ! ${e.message}`));
  if (run.diagnosis) lines.push('', renderDiagnosisText(run.diagnosis, c));
  return lines.join('\n');
}
