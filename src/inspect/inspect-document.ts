// The document `cpdiag inspect --json` prints (schema cpdiag.inspect/1): the report with the
// findings it was judged on, so that `cpdiag diagnose inspect.json` can judge it again.
import type { Findings } from '../diagnose/findings.js';
import type { InspectReport } from './inspect-report.js';

export type InspectDocument = InspectReport & { findings: Findings };

export function buildInspectDocument(result: { report: InspectReport; findings: Findings }): InspectDocument {
  return { ...result.report, findings: result.findings };
}
