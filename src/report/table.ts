// Plain tables shared by the text and Markdown reporters (the cells come spelled by src/format.ts).
import { fitTable } from './text-layout.js';

/** A fixed-width text table; the first column left-aligned, the rest right-aligned (text-layout's fitTable, unbounded). */
export function textTable(header: string[], rows: string[][]): string {
  return fitTable(header.map((h) => ({ header: h })), rows).lines.join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
