// The diagnosis for a terminal: ranked causes with their numbers and fix, then what could not be
// judged and why. Returns text; the caller prints it. topCauseLine() is the one-line answer the
// run, sweep and inspect views put first.
import type { ChalkInstance } from 'chalk';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { formatConfidence } from '../format.js';
import { DEFAULT_VIEW, displayWidth, truncateText, wrapText, type TextView } from './text-layout.js';

/** How many undecided causes to name before summarising the rest. */
const MAX_INSUFFICIENT_LISTED = 8;
/** With -q or in a narrow terminal, fewer. */
const MAX_INSUFFICIENT_NARROW = 4;

/** "top cause: …" (or that none was found), wrapped to the width: the diagnosis in a line. */
export function topCauseLines(d: Diagnosis | null | undefined, c: ChalkInstance, width: number, indent = '  '): string[] {
  if (!d) return [];
  const top = d.causes[0];
  if (!top) {
    const measured = d.detectors.some((r) => r.status !== 'insufficient');
    const answered = d.answered_by_sweep?.map((a) => a.id) ?? [];
    const text = answered.length > 0
      ? `${c.green('no probable cause found')} beyond ${answered.join(', ')}, which this sweep's recommendation answers`
      : measured ? `${c.green('no probable cause found')} among the signals cpdiag measured` : c.yellow('nothing to judge: every detector lacked data');
    return wrapText(text, width, `${indent}${c.dim('diagnosis:')} `);
  }
  const label = top.confidence_label === 'high' ? c.red : top.confidence_label === 'medium' ? c.yellow : c.dim;
  const more = d.causes.length > 1 ? c.dim(` (+${d.causes.length - 1} more below)`) : '';
  return [
    ...wrapText(`${c.bold(top.title)} ${label(`${top.confidence_label} ${formatConfidence(top.confidence)}`)}${more}`, width, `${indent}${c.dim('top cause:')} `),
    ...wrapText(top.fix.split('\n')[0], width, `${indent}${c.dim('fix:')} `, `${indent}     `),
  ];
}

/**
 * The heading and the line for Diagnosis.also_seen, shared by every view: another fault's
 * evidence, said as a measured fact, never as a ranked cause.
 */
export const ALSO_SEEN_HEADING = 'Also measured, not named as a cause (another fault\'s evidence: a second cause is named only at high confidence, which the labelled corpus has not shown):';

/** The heading of Diagnosis.caveats, shared by every view: what limits the measurement, not the server. */
export const CAVEAT_HEADING = 'Caveat on this measurement:';

export function alsoSeenText(a: NonNullable<Diagnosis['also_seen']>[number]): string {
  return `${a.evidence.map((e) => e.text).join('; ')} (${a.detector}; could be ${a.could_be.join(', ')})`;
}

/** With no cause named but one answered by the sweep: the evidence did point somewhere, and the sweep answered it. */
export const NO_CAUSE_BEYOND_ANSWERED = 'No other probable cause found: what the evidence points to is answered by this sweep (below).';

/**
 * What a diagnosis with no cause says, in every view: the sweep answered what the evidence pointed
 * to; every signal measured was normal; or nothing could be judged. `lead` is the part a view may
 * colour, `rest` follows it.
 */
export function noCauseVerdict(d: Diagnosis): { kind: 'answered' | 'normal' | 'nothing'; lead: string; rest: string } {
  if (d.answered_by_sweep?.length) return { kind: 'answered', lead: NO_CAUSE_BEYOND_ANSWERED, rest: '' };
  if (d.detectors.some((r) => r.status !== 'insufficient')) return { kind: 'normal', lead: 'No probable cause found:', rest: ' every signal cpdiag could measure is within its normal range.' };
  return { kind: 'nothing', lead: 'Nothing to judge:', rest: ' every detector lacked data.' };
}

/**
 * The heading and the line for Diagnosis.answered_by_sweep, shared by every view: a cause whose fix
 * is the swept setting, shown with the sweep's answer instead of as a cause beside it.
 */
export const ANSWERED_HEADING = 'Answered by this sweep (the fix would change the setting it measured):';

export function answeredText(a: NonNullable<Diagnosis['answered_by_sweep']>[number]): string {
  return `${a.title} [${a.id}, ${a.confidence_label} ${formatConfidence(a.confidence)} from ${a.evidence.map((e) => e.text).join('; ')}] — ${a.answer}`;
}

export function renderDiagnosisText(d: Diagnosis, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const w = view.width;
  const lines: string[] = [c.bold('Diagnosis')];
  for (const k of d.caveats ?? []) lines.push(...wrapText(`${c.yellow(CAVEAT_HEADING)} ${k.text}`, w, '  ', '  '));
  if (d.causes.length === 0) {
    const v = noCauseVerdict(d);
    const colour = v.kind === 'nothing' ? c.yellow : c.green;
    lines.push(...wrapText(`${colour(v.lead)}${v.kind === 'nothing' ? ' every detector lacked data (see below for what was missing).' : v.rest}`, w, '  '));
  }
  d.causes.forEach((cause, i) => {
    const label = cause.confidence_label === 'high' ? c.red : cause.confidence_label === 'medium' ? c.yellow : c.dim;
    lines.push(...wrapText(`${c.bold(`${i + 1}. ${cause.title}`)}  ${label(`${cause.confidence_label} ${formatConfidence(cause.confidence)}`)}  ${c.dim(`[${cause.id}] ${cause.symptom}`)}`, w, '  ', '     '));
    for (const e of cause.evidence) lines.push(...wrapText(e.text, w, `     ${c.green('+')} `));
    for (const e of cause.against) lines.push(...wrapText(e.text, w, `     ${c.red('-')} `));
    const [summary, ...snippet] = cause.fix.split('\n');
    lines.push(...wrapText(summary, w, `     ${c.cyan('fix:')} `));
    // Config snippets are copied as they are: never wrapped (that would break them); a line too
    // wide for the terminal is cut, and the reader sent to the whole one.
    const cut = snippet.some((l) => displayWidth(`          ${l}`) > w);
    for (const l of snippet) lines.push(truncateText(`          ${c.dim(l)}`, w));
    if (cut) lines.push(...wrapText(c.dim(`(cut to fit: \`cpdiag causes ${cause.id}\` prints the snippet whole)`), w, '          '));
  });
  if (d.answered_by_sweep?.length) {
    lines.push('', ...wrapText(c.dim(ANSWERED_HEADING), w, '  '));
    for (const a of d.answered_by_sweep) lines.push(...wrapText(answeredText(a), w, `     ${c.green('✓')} `));
  }
  if (d.also_seen?.length) {
    lines.push('', ...wrapText(c.dim(ALSO_SEEN_HEADING), w, '  '));
    for (const a of d.also_seen) lines.push(...wrapText(alsoSeenText(a), w, `     ${c.yellow('•')} `));
  }
  const undecided = d.insufficient_causes ?? [];
  if (undecided.length > 0) {
    const listed = view.width < 80 ? MAX_INSUFFICIENT_NARROW : MAX_INSUFFICIENT_LISTED;
    lines.push('', `  ${c.dim(`Insufficient data to judge ${undecided.length} other cause${undecided.length === 1 ? '' : 's'}:`)}`);
    for (const u of undecided.slice(0, listed)) {
      lines.push(...wrapText(`${u.id}: missing ${u.missing.join(', ')}`, w, `     ${c.dim('?')} `));
    }
    if (undecided.length > listed) {
      lines.push(`     ${c.dim(`... and ${undecided.length - listed} more (see --json, insufficient_causes)`)}`);
    }
  }
  return lines.join('\n');
}
