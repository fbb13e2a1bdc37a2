// `cpdiag diagnose FILE`: a saved document judged again with this version's detectors and cause
// table. The result (schema cpdiag.diagnosis/1) carries the findings it used and names its input.
import { diagnose } from '../diagnose/diagnose.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Findings } from '../diagnose/findings.js';
import { CPDIAG_VERSION } from '../version.js';
import { findingsFromDocument } from './findings-from-document.js';

export type DiagnosisDocument = Diagnosis & {
  cpdiag_version: string;
  input: { file: string; schema: string | undefined };
  findings: Findings;
};

/** `doc` is the parsed file; `file` names it in messages and in the result. */
export function rediagnoseDocument(doc: unknown, file: string): DiagnosisDocument {
  const findings = findingsFromDocument(doc, file);
  const diagnosis = diagnose(findings);
  const schema = (doc as { schema?: string }).schema;
  return { ...diagnosis, cpdiag_version: CPDIAG_VERSION, input: { file, schema }, findings };
}
