// The diagnosis for a terminal: ranked causes with their numbers and fix, then what could not be
// judged and why. Returns text; the caller prints it.
import type { ChalkInstance } from 'chalk';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { formatConfidence } from '../format.js';

/** How many undecided causes to name before summarising the rest. */
const MAX_INSUFFICIENT_LISTED = 8;

export function renderDiagnosisText(d: Diagnosis, c: ChalkInstance): string {
  const lines: string[] = [c.bold('Diagnosis')];
  if (d.causes.length === 0) {
    const measured = d.detectors.some((r) => r.status !== 'insufficient');
    lines.push(measured
      ? `  ${c.green('No probable cause found:')} every signal cpdiag could measure is within its normal range.`
      : `  ${c.yellow('Nothing to judge:')} every detector lacked data (see below for what was missing).`);
  }
  d.causes.forEach((cause, i) => {
    const label = cause.confidence_label === 'high' ? c.red : cause.confidence_label === 'medium' ? c.yellow : c.dim;
    lines.push(`  ${c.bold(`${i + 1}. ${cause.title}`)}  ${label(`${cause.confidence_label} ${formatConfidence(cause.confidence)}`)}  ${c.dim(`[${cause.id}] ${cause.symptom}`)}`);
    for (const e of cause.evidence) lines.push(`     ${c.green('+')} ${e.text}`);
    for (const e of cause.against) lines.push(`     ${c.red('-')} ${e.text}`);
    const [summary, ...snippet] = cause.fix.split('\n');
    lines.push(`     ${c.cyan('fix:')} ${summary}`);
    for (const l of snippet) lines.push(`          ${c.dim(l)}`);
  });
  const undecided = d.insufficient_causes ?? [];
  if (undecided.length > 0) {
    lines.push('', `  ${c.dim(`Insufficient data to judge ${undecided.length} other cause${undecided.length === 1 ? '' : 's'}:`)}`);
    for (const u of undecided.slice(0, MAX_INSUFFICIENT_LISTED)) {
      lines.push(`     ${c.dim('?')} ${u.id}: missing ${u.missing.join(', ')}`);
    }
    if (undecided.length > MAX_INSUFFICIENT_LISTED) {
      lines.push(`     ${c.dim(`... and ${undecided.length - MAX_INSUFFICIENT_LISTED} more (see --json, insufficient_causes)`)}`);
    }
  }
  return lines.join('\n');
}
