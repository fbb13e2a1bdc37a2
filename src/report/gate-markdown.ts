// The gate as Markdown, for $GITHUB_STEP_SUMMARY and a pull-request comment.
import type { GateDocument } from '../gate/gate-document.js';
import { markdownTable } from './table.js';
import { METRIC_HEADER, metricRow, planLine, RUNS_NEEDED_NOTE, sidesLine } from './gate-format.js';

const ICON = { pass: '✅', regression: '❌', inconclusive: '⚠️' } as const;

export function renderGateMarkdown(doc: GateDocument): string {
  const lines = [
    `### ${ICON[doc.outcome]} cpdiag gate: ${doc.scenario} — ${doc.summary}`,
    '',
    `${sidesLine(doc)}  `,
    `${planLine(doc)}; ${doc.environment.cpu_model}, ${doc.environment.cores} cores`,
  ];
  if (doc.metrics.length > 0) {
    lines.push('', markdownTable(METRIC_HEADER, doc.metrics.map((r) => metricRow(r, doc))));
    const notable = doc.metrics.filter((r) => r.verdict !== 'no_change');
    if (notable.length) {
      lines.push('');
      for (const r of notable) lines.push(`- **${r.label}** (${r.verdict.replace('_', ' ')}): ${r.reason}`);
    }
  }
  if (doc.warnings.length) {
    lines.push('', '**Warnings**', '');
    for (const w of doc.warnings) lines.push(`- ${w}`);
  }
  lines.push(
    '',
    `<sub>A regression needs p < α (Mann–Whitney U) and a change beyond the budget; "no change" means the 95% interval excludes a change as large as the budget; "inconclusive" means neither; ${RUNS_NEEDED_NOTE}.</sub>`,
    '',
  );
  return lines.join('\n');
}
