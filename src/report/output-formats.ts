// Every output cpdiag makes of a document, one line each: for a document schema, where the text
// goes and the renderer that makes it. The output stage (output-stage.ts) reads these tables and
// is the only place that writes; a renderer takes the document and returns text.
//
// To add a format: write its renderer (document → string) in src/report/, and add one line to
// OUTPUT_FORMATS. To add a document: its schema and type in DocumentsBySchema, its terminal view
// in TERMINAL_VIEWS, and its files in OUTPUT_FORMATS.
import type { ChalkInstance } from 'chalk';
import { DIAGNOSIS_SCHEMA } from '../diagnose/diagnosis.js';
import type { DiagnosisDocument } from '../document/rediagnose-document.js';
import { BASELINE_SCHEMA, GATE_SCHEMA, type BaselineDocument, type GateDocument } from '../gate/gate-document.js';
import type { InspectDocument } from '../inspect/inspect-document.js';
import { INSPECT_SCHEMA } from '../inspect/inspect-report.js';
import { renderInspect } from './inspect-text.js';
import { RUN_SCHEMA, type RunRecord } from '../run/run-record.js';
import { SWEEP_SCHEMA, type SweepDocument } from '../sweep/sweep-document.js';
import { COMPARE_SCHEMA, type CompareDocument } from '../compare/compare-document.js';
import { renderCompareHtml } from './compare-html.js';
import { renderCompareMarkdown } from './compare-markdown.js';
import { renderCompareText } from './compare-text.js';
import { renderDiagnosisText } from './diagnosis-text.js';
import { renderBaselineText } from './gate-baseline-text.js';
import { renderGateJunit } from './gate-junit.js';
import { metricsFromRun } from './metrics-from-run.js';
import { renderOpenMetrics } from './openmetrics.js';
import { renderGateHtml } from './gate-html.js';
import { renderGateMarkdown } from './gate-markdown.js';
import { renderGateText } from './gate-text.js';
import { renderInspectHtml } from './inspect-html.js';
import { renderInspectJson, renderJson, renderJsonLine } from './json-text.js';
import { renderRunHtml } from './run-html.js';
import { renderRunMarkdown } from './run-markdown.js';
import { renderRunText } from './run-text.js';
import { renderSweepHtml } from './sweep-html.js';
import { renderSweepMarkdown } from './sweep-markdown.js';
import { renderSweepText } from './sweep-text.js';
import type { TextView } from './text-layout.js';

/** The documents cpdiag makes, by the schema each carries. */
export interface DocumentsBySchema {
  [RUN_SCHEMA]: RunRecord;
  [SWEEP_SCHEMA]: SweepDocument;
  [COMPARE_SCHEMA]: CompareDocument;
  [GATE_SCHEMA]: GateDocument;
  [BASELINE_SCHEMA]: BaselineDocument;
  [INSPECT_SCHEMA]: InspectDocument;
  [DIAGNOSIS_SCHEMA]: DiagnosisDocument;
}

export type Schema = keyof DocumentsBySchema;
export type AnyDocument = DocumentsBySchema[Schema];

/** Files the user names on the command line or in the environment, by key. */
export type NamedPath =
  /** --junit FILE */
  | 'junit'
  /** cpdiag baseline -o FILE */
  | 'output'
  /** $GITHUB_STEP_SUMMARY */
  | 'step-summary'
  /** cpdiag run --metrics-file FILE */
  | 'metrics';

/**
 * Where an output goes: a file of this name in the command's report folder; the file the user
 * named (written only when named); or appended to a file that others write too (GitHub's step
 * summary, where every step of a job adds its section).
 */
export type Destination = { file: string } | { path: NamedPath } | { append: NamedPath };

export type OutputFormat<S extends Schema = Schema> = {
  schema: S;
  to: Destination;
  /** What the file is, for messages ("cannot write the JUnit report x.xml: EACCES"). */
  what: string;
  render: (doc: DocumentsBySchema[S]) => string;
  /** The document's own JSON file: rewritten by the executor as the document grows, so Ctrl-C or a crash leaves it readable. */
  progressive?: true;
  /** The document itself (its JSON): `cpdiag report FILE` reads it and does not write it again. */
  source?: true;
};

type AnyOutputFormat = { [S in Schema]: OutputFormat<S> }[Schema];

/** Files, in the order they are written. */
export const OUTPUT_FORMATS: readonly AnyOutputFormat[] = [
  { schema: RUN_SCHEMA, to: { file: 'run.json' }, what: 'the run record', render: renderJson, progressive: true, source: true },
  { schema: RUN_SCHEMA, to: { file: 'summary.md' }, what: 'the run summary', render: renderRunMarkdown },
  { schema: RUN_SCHEMA, to: { file: 'report.html' }, what: 'the HTML report', render: renderRunHtml },
  { schema: RUN_SCHEMA, to: { path: 'metrics' }, what: 'the --metrics-file', render: (doc) => renderOpenMetrics(metricsFromRun(doc)) },
  { schema: SWEEP_SCHEMA, to: { file: 'sweep.json' }, what: 'the sweep document', render: renderJson, progressive: true, source: true },
  { schema: SWEEP_SCHEMA, to: { file: 'report.md' }, what: 'the sweep report', render: renderSweepMarkdown },
  { schema: SWEEP_SCHEMA, to: { file: 'report.html' }, what: 'the HTML report', render: renderSweepHtml },
  { schema: COMPARE_SCHEMA, to: { file: 'compare.json' }, what: 'the comparison document', render: renderJson, progressive: true, source: true },
  { schema: COMPARE_SCHEMA, to: { file: 'report.md' }, what: 'the comparison report', render: renderCompareMarkdown },
  { schema: COMPARE_SCHEMA, to: { file: 'report.html' }, what: 'the HTML report', render: renderCompareHtml },
  { schema: GATE_SCHEMA, to: { file: 'gate.json' }, what: 'the gate report', render: renderJsonLine, source: true },
  { schema: GATE_SCHEMA, to: { file: 'summary.md' }, what: 'the gate summary', render: renderGateMarkdown },
  { schema: GATE_SCHEMA, to: { file: 'report.html' }, what: 'the HTML report', render: renderGateHtml },
  { schema: GATE_SCHEMA, to: { path: 'junit' }, what: 'the JUnit report', render: renderGateJunit },
  { schema: GATE_SCHEMA, to: { append: 'step-summary' }, what: 'GITHUB_STEP_SUMMARY', render: (doc) => `${renderGateMarkdown(doc)}\n` },
  { schema: BASELINE_SCHEMA, to: { path: 'output' }, what: 'the baseline', render: renderJsonLine },
  // inspect prints to the terminal (its JSON with --json); `cpdiag report inspect.json` writes this.
  { schema: INSPECT_SCHEMA, to: { file: 'report.html' }, what: 'the HTML report', render: renderInspectHtml },
  // diagnose prints to the terminal only.
];

/** What a command prints on stdout: the text view (laid out for a TextView), or the JSON (--json). */
export type TerminalView<S extends Schema> = {
  text: (doc: DocumentsBySchema[S], c: ChalkInstance, view?: TextView) => string;
  json: (doc: DocumentsBySchema[S]) => string;
};

export const TERMINAL_VIEWS: { [S in Schema]: TerminalView<S> } = {
  [RUN_SCHEMA]: { text: (doc, c, v) => `${renderRunText(doc, c, v)}\n`, json: renderJsonLine },
  [SWEEP_SCHEMA]: { text: (doc, c, v) => `${renderSweepText(doc, c, v)}\n`, json: renderJsonLine },
  [COMPARE_SCHEMA]: { text: (doc, c, v) => `${renderCompareText(doc, c, v)}\n`, json: renderJsonLine },
  [GATE_SCHEMA]: { text: (doc, c, v) => `${renderGateText(doc, c, v)}\n`, json: renderJsonLine },
  [BASELINE_SCHEMA]: { text: (doc, c, v) => `${renderBaselineText(doc, c, v)}\n`, json: renderJsonLine },
  [INSPECT_SCHEMA]: { text: renderInspect, json: renderInspectJson },
  [DIAGNOSIS_SCHEMA]: { text: (doc, c, v) => `${renderDiagnosisText(doc, c, v)}\n`, json: renderJsonLine },
};
