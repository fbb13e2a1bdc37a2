// Where a finished gate goes besides the terminal: the report folder (gate.json, summary.md),
// a JUnit file, and GitHub's step summary. Reporters return text; this is the one place that
// writes, and a write that fails is an error the user sees, never swallowed.
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { renderGateJunit } from '../report/gate-junit.js';
import { renderGateMarkdown } from '../report/gate-markdown.js';
import type { GateDocument } from './gate-document.js';

/** Writes atomically (temp file + rename) so a reader never sees half a file. */
export function writeFileAtomic(path: string, text: string, what: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw new CpdiagError(`cannot write ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.USAGE);
  }
}

export interface GateOutputTargets {
  reportDir?: string;
  junitFile?: string;
  /** $GITHUB_STEP_SUMMARY, when set. */
  stepSummaryFile?: string;
}

/** Returns the paths written, for the closing message. */
export function writeGateOutputs(doc: GateDocument, targets: GateOutputTargets): string[] {
  const written: string[] = [];
  const markdown = renderGateMarkdown(doc);
  if (targets.reportDir) {
    writeFileAtomic(join(targets.reportDir, 'gate.json'), JSON.stringify(doc, null, 1) + '\n', 'the gate report');
    writeFileAtomic(join(targets.reportDir, 'summary.md'), markdown, 'the gate summary');
    written.push(`${targets.reportDir}/`);
  }
  if (targets.junitFile) {
    writeFileAtomic(targets.junitFile, renderGateJunit(doc), 'the JUnit report');
    written.push(targets.junitFile);
  }
  if (targets.stepSummaryFile) {
    try {
      // Appended, not replaced: other steps of the same job write their sections too.
      appendFileSync(targets.stepSummaryFile, markdown + '\n');
      written.push(targets.stepSummaryFile);
    } catch (e) {
      throw new CpdiagError(`cannot append to GITHUB_STEP_SUMMARY ${targets.stepSummaryFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.USAGE);
    }
  }
  return written;
}
