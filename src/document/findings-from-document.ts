// `cpdiag diagnose FILE`: a saved document back to findings. A run record is re-derived from its
// samples (so a newer cpdiag diagnoses an old run with its newer table); sweep and inspect
// documents are diagnosed from the findings they carry.
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { Findings } from '../diagnose/findings.js';
import { INSPECT_SCHEMA } from '../inspect/inspect-report.js';
import { RUN_SCHEMA, type RunRecord } from '../run/run-record.js';
import { SWEEP_SCHEMA } from '../sweep/sweep-document.js';
import { COMPARE_SCHEMA } from '../compare/compare-document.js';
import { findingsFromRun } from '../run/findings-from-run.js';
import { checkShape, findingsShape, runDocumentShape } from './document-shape.js';

const FINDINGS_SOURCES = ['run', 'sweep', 'inspect'];

export function findingsFromDocument(doc: unknown, fileName: string): Findings {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CpdiagError(`${fileName}: not a cpdiag document (expected a JSON object)`, EXIT.USAGE);
  }
  const d = doc as Record<string, unknown>;
  const schema = d.schema;
  if (schema === RUN_SCHEMA) return findingsFromRunDocument(d, fileName);
  if (schema === SWEEP_SCHEMA || schema === INSPECT_SCHEMA || schema === COMPARE_SCHEMA) {
    const f = d.findings;
    if (typeof f !== 'object' || f === null || !FINDINGS_SOURCES.includes(String((f as Findings).source))) {
      throw new CpdiagError(`${fileName}: this ${String(schema)} document carries no findings to diagnose`, EXIT.USAGE, 'rerun it with this cpdiag version, which stores them');
    }
    checkShape(findingsShape, f, fileName, `${String(schema)} document (findings)`);
    return f as Findings;
  }
  const known = [RUN_SCHEMA, SWEEP_SCHEMA, COMPARE_SCHEMA, INSPECT_SCHEMA].join(', ');
  throw new CpdiagError(
    `${fileName}: ${schema === undefined ? 'no "schema" field' : `unsupported schema "${String(schema)}"`} (expected one of ${known})`,
    EXIT.USAGE,
  );
}

function findingsFromRunDocument(d: Record<string, unknown>, fileName: string): Findings {
  // Checked field by field first: garbage in a series or a probe must not read as "healthy".
  checkShape(runDocumentShape, d, fileName, 'run document');
  try {
    return findingsFromRun(d as unknown as RunRecord);
  } catch (e) {
    if (e instanceof CpdiagError) throw new CpdiagError(`${fileName}: ${e.message}`, EXIT.USAGE);
    throw new CpdiagError(`${fileName}: malformed run document (${e instanceof Error ? e.message : String(e)})`, EXIT.USAGE);
  }
}
