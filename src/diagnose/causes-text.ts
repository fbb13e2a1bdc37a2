// The cause table for people: `cpdiag causes` (grouped by symptom) and `cpdiag causes ID` (one in
// full). Returns text; the command prints it.
import type { ChalkInstance } from 'chalk';
import { CAUSES, SYMPTOMS, type CauseDefinition, type CauseSignal, type SymptomId } from './causes.js';
import { fillFix } from './fill-fix.js';

export function renderCauseTable(c: ChalkInstance): string {
  const lines: string[] = [];
  const width = Math.max(...CAUSES.map((x) => x.id.length));
  for (const symptom of Object.keys(SYMPTOMS) as SymptomId[]) {
    const members = CAUSES.filter((x) => x.symptoms.includes(symptom));
    if (members.length === 0) continue;
    lines.push(c.bold(SYMPTOMS[symptom]));
    for (const m of members) lines.push(`  ${c.cyan(m.id.padEnd(width))}  ${m.title}`);
    lines.push('');
  }
  lines.push(c.dim('`cpdiag causes ID` shows one cause in full: evidence for and against, the fix, the source.'));
  return lines.join('\n');
}

export function renderCause(cause: CauseDefinition, c: ChalkInstance): string {
  const lines = [
    `${c.bold(cause.title)}  ${c.dim(`[${cause.id}]`)}`,
    `${c.dim('symptom:')} ${cause.symptoms.map((s) => SYMPTOMS[s]).join('; ')}`,
    '',
    wrap(cause.cause, 96),
    '',
    c.bold('Evidence for'),
    ...cause.supports.map((s) => signalLine(s, c)),
  ];
  if (cause.rules_out.length > 0) lines.push('', c.bold('Evidence against'), ...cause.rules_out.map((s) => signalLine(s, c)));
  // No measurements here: the snippets' values are filled with what to measure (fill-fix.ts).
  const fix = fillFix(cause.fix);
  lines.push('', `${c.bold('Would show it:')} ${cause.would_show}`, '', c.bold('Fix'), wrap(fix.summary, 96));
  if (fix.cherrypy) lines.push('', c.dim('CherryPy:'), ...fix.cherrypy.split('\n').map((l) => `    ${l}`));
  if (fix.nginx) lines.push('', c.dim('nginx:'), ...fix.nginx.split('\n').map((l) => `    ${l}`));
  if (fix.apache) lines.push('', c.dim('Apache:'), ...fix.apache.split('\n').map((l) => `    ${l}`));
  lines.push('', `${c.dim('source:')} ${cause.source}`);
  return lines.join('\n');
}

function signalLine(s: CauseSignal, c: ChalkInstance): string {
  const req = s.required ? c.yellow(' (required)') : '';
  return `  - ${c.cyan(s.detector)} = ${s.status}, weight ${s.weight}${req}: ${s.why}`;
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out.join('\n');
}
