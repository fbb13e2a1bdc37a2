// The model comparison as Markdown (report.md): the recommendation per workload, the table, what
// each model did past its capacity.
import type { CompareDocument } from '../compare/compare-document.js';
import { compareSubtitle, compareTableRows, pastCapacityLines } from './compare-text.js';
import { markdownTable } from './table.js';
import { renderDiagnosisMarkdown } from './diagnosis-markdown.js';

export function renderCompareMarkdown(doc: CompareDocument): string {
  const out: string[] = [];
  out.push(`# cpdiag compare models${doc.complete ? '' : ' (incomplete)'}`, '', compareSubtitle(doc, (t) => `\`${t}\``), '');
  out.push('## Recommendation', '', ...doc.recommendations.map((r) => `- **${r.workload}**: ${r.reason}`), '');
  if (doc.caveats?.length) out.push(...doc.caveats.map((c) => `> Caveat: ${c}`), '');
  const t = compareTableRows(doc);
  out.push('## Models', '', markdownTable(t.header, t.rows), '');
  out.push('Capacity: goodput at the highest concurrency within the SLO, below the first level that failed it; max rps: the highest throughput at any level (the ceiling of the model). p99 @50% / @90%: interpolated at that share of the capacity. RSS, PSS, threads, processes: the highest of the process tree over the step. CPU ms/req: the tree\'s CPU at the capacity level per request.', '');
  out.push('## Past capacity', '', ...pastCapacityLines(doc).map((l) => `- ${l}`), '');
  if (doc.diagnosis) out.push(renderDiagnosisMarkdown(doc.diagnosis), '');
  if (doc.events.length) out.push('## Events', '', ...doc.events.map((e) => `- ${e.kind}: ${e.message}`), '');
  return `${out.join('\n')}\n`;
}
