// The diagnosis as Markdown, for summary.md and CI comments.
import type { Diagnosis } from '../types.js';

export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = [];
  if (d.causes.length === 0) {
    out.push('No probable cause found: every signal cpdiag could measure is within its normal range.', '');
  } else {
    out.push('| # | cause | confidence | symptom |', '| --- | --- | --- | --- |');
    d.causes.forEach((c, i) => out.push(`| ${i + 1} | ${escapeCell(c.title)} (\`${c.id}\`) | ${c.confidence_label} (${c.confidence.toFixed(2)}) | ${escapeCell(c.symptom)} |`));
    out.push('');
    d.causes.forEach((c, i) => {
      out.push(`### ${i + 1}. ${c.title}`, '');
      for (const e of c.evidence) out.push(`- ✔ ${e.text}`);
      for (const e of c.against) out.push(`- ✘ ${e.text}`);
      const [summary, ...rest] = c.fix.split('\n');
      out.push('', `**Fix:** ${summary}`);
      if (rest.length > 0) out.push('', '```', ...rest.map((l) => l.replace(/^ {4}/, '')), '```');
      if (c.source) out.push('', `_Source: ${c.source}_`);
      out.push('');
    });
  }
  const undecided = d.insufficient_causes ?? [];
  if (undecided.length > 0) {
    out.push('<details><summary>Insufficient data to judge ' + `${undecided.length} cause${undecided.length === 1 ? '' : 's'}</summary>`, '');
    for (const u of undecided) out.push(`- \`${u.id}\` (${escapeCell(u.title)}): missing ${u.missing.join(', ')}. Would show: ${u.would_show}`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
