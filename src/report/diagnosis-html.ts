// The diagnosis as an HTML section, shared by the run, sweep and inspect pages: each cause with its
// evidence for and against and the first line of its fix.
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { formatConfidence } from '../format.js';
import { ALSO_SEEN_HEADING, ANSWERED_HEADING, CAVEAT_HEADING, alsoSeenText, answeredText, noCauseVerdict } from './diagnosis-text.js';
import { escapeHtml as esc, listHtml } from './html-page.js';

export function renderDiagnosisHtml(d: Diagnosis | null | undefined, heading = 'Probable causes'): string {
  if (!d) return '';
  const verdict = noCauseVerdict(d);
  const none = `${verdict.lead}${verdict.rest}`;
  const causes = d.causes
    .map((c) => `<li><b>${esc(c.title)}</b> <span class="dim">(${esc(c.confidence_label)} ${formatConfidence(c.confidence)}, ${esc(c.id)})</span>${listHtml([
      ...c.evidence.map((e) => `✔ ${e.text}`),
      ...c.against.map((e) => `✘ ${e.text}`),
    ])}<p class="fix">Fix: ${esc(c.fix.split('\n')[0])}</p></li>`)
    .join('');
  const caveats = (d.caveats ?? []).map((k) => `<p class="warn"><b>${esc(CAVEAT_HEADING)}</b> ${esc(k.text)}</p>`).join('');
  const answered = d.answered_by_sweep?.length ? `<p class="dim">${esc(ANSWERED_HEADING)}</p>${listHtml(d.answered_by_sweep.map(answeredText))}` : '';
  const also = d.also_seen?.length ? `<p class="dim">${esc(ALSO_SEEN_HEADING)}</p>${listHtml(d.also_seen.map(alsoSeenText))}` : '';
  const undecided = d.insufficient_causes ?? [];
  const insufficient = undecided.length
    ? `<p class="dim">Insufficient data to judge ${undecided.length} other cause${undecided.length === 1 ? '' : 's'}: ${esc(undecided.map((u) => u.id).join(', '))}.</p>`
    : '';
  return `<section><h2>${esc(heading)}</h2>${caveats}${d.causes.length ? `<ol>${causes}</ol>` : `<p>${esc(none)}</p>`}${answered}${also}${insufficient}</section>`;
}
