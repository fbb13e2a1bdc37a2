// Detectors → table → ranked causes. Every detector runs; every cause is scored by the same
// formula from the table's weights; nothing depends on the order of the table or the detectors.
//
// For a cause with supports S and rules_out R, and detector answers d (status, strength):
//   match(x)    = x.status matches d.status: strength for an 'issue' match, 1 for a 'none' match, else 0
//   support     = Σ_{s∈S} w_s · match(s)  /  Σ_{s∈S} w_s          (0..1; missing data counts as 0)
//   against     = Σ_{r∈R} w_r · match(r)                          (each w_r is a share taken away)
//   confidence  = clamp(support − against, 0, 1)
// A cause is reported only when every required support matched (so it has at least one 'issue');
// when a required detector answered otherwise it is dropped (the evidence says no); when the
// required detectors that did not match all lacked data, it goes to insufficient_causes.
import type { DetectorResult, Evidence } from './detector-result.js';
import { DIAGNOSIS_SCHEMA, type Diagnosis, type RankedCause } from './diagnosis.js';
import type { Findings } from './findings.js';
import { CAUSES, SYMPTOMS, formatFix, type CauseDefinition, type CauseSignal } from './causes.js';
import { DETECTORS } from './detector-registry.js';
import { fillFix } from './fill-fix.js';
import { clamp01 } from './detector-result.js';
import { roundTo } from '../numbers.js';

/** At or above: the measurements point at this cause clearly. */
export const HIGH_CONFIDENCE = 0.6;
/** At or above: a real candidate worth checking; below is a weak lead. */
export const MEDIUM_CONFIDENCE = 0.35;
/** Below this a supported cause has been argued away by the evidence against it: not reported. */
export const MIN_REPORTED_CONFIDENCE = 0.05;

export function diagnose(findings: Findings): Diagnosis {
  const detectors = runDetectors(findings);
  return diagnoseFromResults(detectors, findings);
}

export function runDetectors(findings: Findings): DetectorResult[] {
  return DETECTORS.map(({ id, detect }) => {
    const result = detect(findings);
    // A detector reporting under another name would silently disconnect it from the table.
    if (result.detector !== id) throw new Error(`detector ${id} answered as ${result.detector}`);
    return result;
  });
}

/**
 * The table applied to detector answers (separate so that tests can seed answers directly). The
 * findings, when given, fill the fixes' snippets (fill-fix.ts).
 */
export function diagnoseFromResults(detectors: DetectorResult[], findings?: Findings): Diagnosis {
  const byId = new Map(detectors.map((d) => [d.detector, d]));
  const causes: RankedCause[] = [];
  const insufficientCauses: NonNullable<Diagnosis['insufficient_causes']> = [];

  for (const cause of CAUSES) {
    const verdict = judgeCause(cause, byId, findings);
    if (verdict.kind === 'ranked') causes.push(verdict.cause);
    else if (verdict.kind === 'insufficient') {
      insufficientCauses.push({ id: cause.id, symptom: SYMPTOMS[cause.symptoms[0]], title: cause.title, missing: verdict.missing, would_show: cause.would_show });
    }
  }
  causes.sort((a, b) => b.confidence - a.confidence || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  insufficientCauses.sort((a, b) => (a.id < b.id ? -1 : 1));

  return {
    schema: DIAGNOSIS_SCHEMA,
    causes,
    insufficient: detectors.filter((d) => d.status === 'insufficient').map((d) => ({ detector: d.detector, missing: d.missing ?? [] })),
    detectors,
    insufficient_causes: insufficientCauses,
  };
}

type Verdict = { kind: 'ranked'; cause: RankedCause } | { kind: 'insufficient'; missing: string[] } | { kind: 'dropped' };

function judgeCause(cause: CauseDefinition, byId: Map<string, DetectorResult>, findings?: Findings): Verdict {
  const missing = new Set<string>();
  let contradicted = false;
  let allRequiredMatch = true;
  for (const req of cause.supports.filter((s) => s.required)) {
    const d = byId.get(req.detector);
    if (!d || d.status === 'insufficient') {
      allRequiredMatch = false;
      for (const m of d?.missing ?? [req.detector]) missing.add(m);
    } else if (d.status !== req.status) {
      allRequiredMatch = false;
      contradicted = true;
    }
  }
  if (contradicted) return { kind: 'dropped' };
  if (!allRequiredMatch) return { kind: 'insufficient', missing: [...missing] };

  const confidence = scoreCause(cause, byId);
  if (confidence < MIN_REPORTED_CONFIDENCE) return { kind: 'dropped' };
  const evidence = matchedEvidence(cause.supports, byId);
  const against = matchedEvidence(cause.rules_out, byId);
  return {
    kind: 'ranked',
    cause: {
      id: cause.id,
      symptom: SYMPTOMS[cause.symptoms[0]],
      title: cause.title,
      confidence,
      confidence_label: labelConfidence(confidence),
      evidence,
      against,
      fix: formatFix(fillFix(cause.fix, findings)),
      source: cause.source,
    },
  };
}

/** The documented formula (see the head of this file). */
export function scoreCause(cause: CauseDefinition, byId: Map<string, DetectorResult>): number {
  const total = cause.supports.reduce((s, x) => s + x.weight, 0);
  const support = total > 0 ? cause.supports.reduce((s, x) => s + x.weight * matchValue(x, byId.get(x.detector)), 0) / total : 0;
  const against = cause.rules_out.reduce((s, x) => s + x.weight * matchValue(x, byId.get(x.detector)), 0);
  return roundTo(clamp01(support - against));
}

function matchValue(signal: CauseSignal, d: DetectorResult | undefined): number {
  if (!d || d.status !== signal.status) return 0;
  return signal.status === 'issue' ? d.strength : 1;
}

function matchedEvidence(signals: CauseSignal[], byId: Map<string, DetectorResult>): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  // Two detectors may cite the same measured fact (e.g. the busy share): say it once.
  const facts = new Set<string>();
  for (const s of signals) {
    const d = byId.get(s.detector);
    if (!d || matchValue(s, d) <= 0 || seen.has(d.detector)) continue;
    seen.add(d.detector);
    for (const e of d.evidence) {
      const key = `${e.signal}=${e.value}`;
      if (facts.has(key)) continue;
      facts.add(key);
      out.push(e);
    }
  }
  return out;
}

export function labelConfidence(confidence: number): RankedCause['confidence_label'] {
  if (confidence >= HIGH_CONFIDENCE) return 'high';
  if (confidence >= MEDIUM_CONFIDENCE) return 'medium';
  return 'low';
}
