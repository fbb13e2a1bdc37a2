// A finished document on stdout as the user asked for it: the text view fitted to the terminal's
// width (or only its answer with -q), or the JSON with --json.
import type { AnyDocument } from '../report/output-formats.js';
import { renderTerminal } from '../report/output-stage.js';
import { out, terminalWidth } from './output.js';

export interface PrintOptions {
  json: boolean;
  /** -q: only the answer (recommendation, verdict, top cause). */
  quiet?: boolean;
}

export function printDocument(doc: AnyDocument, o: PrintOptions): void {
  process.stdout.write(renderTerminal(doc, { json: o.json, chalk: out, width: terminalWidth(process.stdout), quiet: o.quiet }));
}
