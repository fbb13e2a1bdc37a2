// The diagnosis: causes ranked with their evidence. Owned by diagnose/.

import type { DetectorResult, Evidence } from './detector-result.js';

export const DIAGNOSIS_SCHEMA = 'cpdiag.diagnosis/1';

export interface RankedCause {
  id: string;
  symptom: string;
  title: string;
  /** Calibrated: the precision causes with this score had in the labelled corpus (0..1). */
  confidence: number;
  confidence_label: 'high' | 'medium' | 'low';
  /** The raw score of the ranking formula, before calibration (docs/diagnosis.md). */
  score?: number;
  evidence: Evidence[];
  against: Evidence[];
  fix: string;
  /** Where the knowledge behind this cause comes from. */
  source?: string;
}

export interface AnsweredCause {
  id: string;
  title: string;
  confidence: number;
  confidence_label: RankedCause['confidence_label'];
  evidence: Evidence[];
  /** "server.thread_pool = 8 is this sweep's recommendation: …" */
  answer: string;
}

export interface Diagnosis {
  schema: typeof DIAGNOSIS_SCHEMA;
  causes: RankedCause[];
  /** Detectors that could not answer, and what they lacked. */
  insufficient: { detector: string; missing: string[] }[];
  detectors: DetectorResult[];
  /**
   * Another fault's evidence, measured beside the cause named first and not named as a cause: a
   * cause ranked below the first is named only at a calibrated confidence of
   * SECOND_CAUSE_MIN_CONFIDENCE ("high") or more, which the labelled corpus (two-fault cases
   * included) has not shown (docs/diagnosis.md, Calibration). Listed per detector: one whose answer some
   * lower-ranked cause requires, that fired in full and that the first cause does not weigh — with
   * the causes it could point to, highest raw score first. A fact, not a diagnosis.
   */
  also_seen?: { detector: string; evidence: Evidence[]; could_be: string[] }[];
  /**
   * What limits the measurement itself rather than the server (e.g. other processes held the
   * machine's CPU): said beside the causes, never ranked among them (diagnose/machine-caveat.ts).
   */
  caveats?: { signal: string; text: string }[];
  /**
   * In a sweep: causes whose remedy is the swept setting (causes.ts, remedy_setting) that the
   * evidence at the recommended value would have named. The sweep measured that remedy at every
   * size, so its recommendation is the answer, not a fix to apply on top of it; the evidence is
   * kept (it describes the recommended value's operating point) and ranks no other cause.
   */
  answered_by_sweep?: AnsweredCause[];
  /** Causes that could be neither shown nor ruled out: every detector they hinge on lacked data. */
  insufficient_causes?: { id: string; symptom: string; title: string; missing: string[]; would_show: string }[];
}
