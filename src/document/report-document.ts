// `cpdiag report FILE`: a saved document checked to be one cpdiag renders reports for (run, sweep,
// compare, gate, inspect), and to have the parts its renderers read, so a hand-edited or truncated file is
// one line and exit 2 rather than a renderer's TypeError.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { GATE_SCHEMA } from '../gate/gate-document.js';
import { INSPECT_SCHEMA } from '../inspect/inspect-report.js';
import { RUN_SCHEMA } from '../run/run-record.js';
import { SWEEP_SCHEMA } from '../sweep/sweep-document.js';
import { COMPARE_SCHEMA } from '../compare/compare-document.js';
import type { DocumentsBySchema } from '../report/output-formats.js';

export const REPORTED_SCHEMAS = [RUN_SCHEMA, SWEEP_SCHEMA, COMPARE_SCHEMA, GATE_SCHEMA, INSPECT_SCHEMA] as const;
export type ReportedSchema = (typeof REPORTED_SCHEMAS)[number];
export type ReportedDocument = DocumentsBySchema[ReportedSchema];

type Shape = 'list' | 'object' | 'string' | 'number';

/** The parts each renderer reads (dotted paths; `[]` checks every element of a list). */
const REQUIRED: Record<ReportedSchema, [string, Shape][]> = {
  [RUN_SCHEMA]: [
    ['scenario', 'string'], ['started_at', 'string'], ['environment', 'object'], ['settings', 'object'], ['target', 'object'],
    ['load', 'object'], ['load.mix', 'list'], ['series', 'list'], ['series[].latency_ms', 'object'], ['series[].errors', 'object'],
    ['probes', 'list'], ['events', 'list'],
  ],
  [SWEEP_SCHEMA]: [
    ['setting', 'string'], ['started_at', 'string'], ['environment', 'object'], ['target', 'object'], ['load', 'object'], ['load.mix', 'list'],
    ['slo', 'object'], ['steps', 'list'], ['steps[].levels', 'list'], ['steps[].probes', 'list'], ['steps[].latency_ms', 'object'],
    ['steps[].knee', 'object'], ['budget', 'object'], ['events', 'list'],
  ],
  [COMPARE_SCHEMA]: [
    ['started_at', 'string'], ['environment', 'object'], ['environment.load_average', 'list'], ['target', 'object'], ['models', 'list'],
    ['workloads', 'list'], ['levels', 'list'], ['slo', 'object'], ['steps', 'list'], ['steps[].levels', 'list'], ['summaries', 'list'],
    ['recommendations', 'list'], ['budget', 'object'], ['events', 'list'],
  ],
  [GATE_SCHEMA]: [
    ['scenario', 'string'], ['started_at', 'string'], ['environment', 'object'], ['a', 'object'], ['b', 'object'], ['metrics', 'list'],
    ['metrics[].a_values', 'list'], ['metrics[].b_values', 'list'], ['metrics[].spec', 'string'], ['warnings', 'list'], ['runs', 'list'],
    ['summary', 'string'], ['outcome', 'string'],
  ],
  [INSPECT_SCHEMA]: [
    ['started_at', 'string'], ['environment', 'object'], ['process', 'object'], ['process.cmdline', 'list'], ['window', 'object'],
    ['threads', 'object'], ['threads.by_state', 'object'], ['threads.by_activity', 'list'], ['threads.activity_mean', 'object'],
    ['threads.detail', 'list'], ['fds', 'object'], ['fds.by_type', 'object'], ['sockets', 'object'], ['sockets.by_state', 'object'],
    ['sockets.top_peers', 'list'], ['listen', 'list'], ['memory', 'object'], ['drift', 'object'], ['notes', 'list'], ['unreadable', 'list'],
  ],
};

function shapeOf(v: unknown): Shape | 'missing' | 'other' {
  if (v === undefined || v === null) return 'missing';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  return 'other';
}

/** The problems of `value` at `path` ("a.b[].c"), as "a.b[3].c is missing". */
function problemsAt(value: unknown, path: string, want: Shape, where = ''): string[] {
  const [head, ...rest] = path.split('.');
  const each = head.endsWith('[]');
  const key = each ? head.slice(0, -2) : head;
  const v = (value as Record<string, unknown>)[key];
  const here = where ? `${where}.${key}` : key;
  if (rest.length === 0 && !each) {
    const got = shapeOf(v);
    return got === want ? [] : [`${here} is ${got === 'missing' ? 'missing' : `not a ${want === 'list' ? 'list' : want}`}`];
  }
  if (each) {
    if (!Array.isArray(v)) return [`${here} is not a list`];
    for (let i = 0; i < v.length; i++) {
      if (shapeOf(v[i]) !== 'object') return [`${here}[${i}] is not an object`];
      const p = rest.length ? problemsAt(v[i], rest.join('.'), want, `${here}[${i}]`) : [];
      if (p.length) return p; // the first bad element says enough
    }
    return [];
  }
  if (shapeOf(v) !== 'object') return [`${here} is ${v === undefined || v === null ? 'missing' : 'not an object'}`];
  return problemsAt(v, rest.join('.'), want, here);
}

/** `doc` (the parsed file) as a document cpdiag renders reports for; exit 2 otherwise. */
export function checkReportDocument(doc: unknown, file: string): ReportedDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CpdiagError(`${file}: not a cpdiag document (expected a JSON object)`, EXIT.USAGE);
  }
  const schema = (doc as { schema?: unknown }).schema;
  if (!REPORTED_SCHEMAS.includes(schema as ReportedSchema)) {
    throw new CpdiagError(
      `${file}: ${schema === undefined ? 'no "schema" field' : `no report for schema "${String(schema)}"`} (cpdiag report renders ${REPORTED_SCHEMAS.join(', ')})`,
      EXIT.USAGE,
    );
  }
  // A list that is missing fails its own check and every check of its elements: said once.
  const problems = [...new Set(REQUIRED[schema as ReportedSchema].flatMap(([path, shape]) => problemsAt(doc, path, shape)))];
  if (problems.length) {
    throw new CpdiagError(`${file}: malformed ${String(schema)} document: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`, EXIT.USAGE);
  }
  return doc as ReportedDocument;
}
