import type { RunRecord } from '../run/run-record.js';
import { renderDiagnosisMarkdown } from './diagnosis-markdown.js';
import { formatSeconds } from '../format.js';
import { markdownTable } from './table.js';
import { summarizeRunFacts } from './run-summary.js';

/** summary.md of a run: for a PR comment or $GITHUB_STEP_SUMMARY. */
export function renderRunMarkdown(run: RunRecord): string {
  const facts = summarizeRunFacts(run);
  const parts = [`# cpdiag run: ${run.scenario}`, ''];
  if (!run.complete) parts.push('> **Incomplete run**: interrupted before the end; the numbers cover what was measured.', '');
  parts.push(markdownTable(['', ''], facts.rows.map(([k, v]) => [`**${k}**`, v])), '');
  if (facts.errorsByKind.length) parts.push('Errors by kind: ' + facts.errorsByKind.map(([k, n]) => `${k} ${n}`).join(', '), '');
  for (const e of run.events) parts.push(`- ${e.kind} at ${formatSeconds(e.t_s)}: ${e.message}`);
  if (run.events.length) parts.push('');
  if (run.diagnosis) parts.push('## Probable causes', '', renderDiagnosisMarkdown(run.diagnosis), '');
  parts.push(`<sub>cpdiag ${run.cpdiag_version} · ${run.environment.cpu_model} · ${run.environment.cores} cores · Node ${run.environment.node_version} · ${run.started_at}</sub>`, '');
  return parts.join('\n');
}
