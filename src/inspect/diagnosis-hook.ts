// The one place inspect calls the diagnosis engine (src/diagnose/diagnose.ts), so that the
// inspection stands alone in tests and a failing detector cannot take the inspection down with it:
// the figures are still worth printing.
import { diagnose } from '../diagnose/diagnose.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Findings } from '../diagnose/findings.js';

export interface DiagnosisOutcome {
  diagnosis: Diagnosis | null;
  note?: string;
}

export async function diagnoseInspection(findings: Findings): Promise<DiagnosisOutcome> {
  try {
    return { diagnosis: diagnose(findings) };
  } catch (e) {
    return { diagnosis: null, note: `diagnosis failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
