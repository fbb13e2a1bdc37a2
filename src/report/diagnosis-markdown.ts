// The diagnosis as Markdown, for summary.md and CI comments.
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { formatConfidence } from '../format.js';
import { ALSO_SEEN_HEADING, ANSWERED_HEADING, CAVEAT_HEADING, alsoSeenText, answeredText, noCauseVerdict } from './diagnosis-text.js';

export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = [];
  for (const k of d.caveats ?? []) out.push(`> **${CAVEAT_HEADING}** ${k.text}`, '');
  if (d.causes.length === 0) {
    const v = noCauseVerdict(d);
    out.push(`${v.lead}${v.rest}`, '');
  } else {
    out.push('| # | cause | confidence | symptom |', '| --- | --- | --- | --- |');
    d.causes.forEach((c, i) => out.push(`| ${i + 1} | ${escapeCell(c.title)} (\`${c.id}\`) | ${c.confidence_label} (${formatConfidence(c.confidence)}) | ${escapeCell(c.symptom)} |`));
    out.push('');
    d.causes.forEach((c, i) => {
      out.push(`### ${i + 1}. ${c.title}`, '');
      for (const e of c.evidence) out.push(`- ✔ ${e.text}`);
      for (const e of c.against) out.push(`- ✘ ${e.text}`);
      out.push(...renderFix(c.fix));
      if (c.source) out.push('', `_Source: ${c.source}_`);
      out.push('');
    });
  }
  if (d.answered_by_sweep?.length) {
    out.push(ANSWERED_HEADING, '');
    for (const a of d.answered_by_sweep) out.push(`- ${answeredText(a)}`);
    out.push('');
  }
  if (d.also_seen?.length) {
    out.push(ALSO_SEEN_HEADING, '');
    for (const a of d.also_seen) out.push(`- ${alsoSeenText(a)}`);
    out.push('');
  }
  const undecided = d.insufficient_causes ?? [];
  if (undecided.length > 0) {
    out.push('<details><summary>Insufficient data to judge ' + `${undecided.length} cause${undecided.length === 1 ? '' : 's'}</summary>`, '');
    for (const u of undecided) out.push(`- \`${u.id}\` (${escapeCell(u.title)}): missing ${u.missing.join(', ')}. Would show: ${u.would_show}`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

/**
 * The fix text is a summary line, then labelled snippets ("CherryPy:", "nginx:") whose lines are
 * indented four spaces; each snippet becomes a fenced block in its language.
 */
function renderFix(fix: string): string[] {
  const [summary, ...rest] = fix.split('\n');
  const out = ['', `**Fix:** ${summary}`];
  let open = false;
  for (const line of rest) {
    if (line.startsWith('    ')) {
      out.push(line.slice(4));
      continue;
    }
    if (open) out.push('```');
    const lang = /^nginx/i.test(line) ? 'nginx' : /^cherrypy/i.test(line) ? 'python' : '';
    out.push('', `${line.replace(/:$/, '')}:`, '', '```' + lang);
    open = true;
  }
  if (open) out.push('```');
  return out;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
