// Detectors → table → ranked causes. Every detector runs; every cause is scored by the same
// formula from the table's weights; nothing depends on the order of the table or the detectors.
//
// For a cause with supports S and rules_out R, and detector answers d (status, strength):
//   match(x)    = for an 'issue' signal: d's strength when d answered issue, else 0;
//                 for a 'none' signal: 1 when d answered none, 1 − strength when it answered issue
//                 (so the score moves smoothly as a strength crosses zero), 0 when it lacked data
//   support     = Σ_{s∈S} w_s · match(s)  /  Σ_{s∈S'} w_s           (0..1)
//                 S' = S without the optional supports whose detector lacked data (evidence only
//                 a sweep or an inspection can give must not cap a single run's score); any other
//                 missing data counts as 0
//   against     = Σ_{r∈R} w_r · match(r)                          (each w_r is a share taken away)
//   gate        = min over required 'issue' supports of min(1, strength / REQUIRED_FULL)
//   score       = clamp(support − against, 0, 1) × gate, then at most the cause's cap when the
//                 detector its cap names did not answer issue (causes cpdiag cannot observe)
//   confidence  = calibrate(score, rank): the observed precision, in the labelled corpus, of causes
//                 with that score ranked first (or not first) (calibration.ts; docs/diagnosis.md
//                 has the reliability table)
// A cause is reported only when every required support matched (so it has at least one 'issue')
// and its confidence reaches MIN_REPORTED_CONFIDENCE; when a required detector answered
// otherwise it is dropped (the evidence says no); when the required detectors that did not match
// all lacked data, it goes to insufficient_causes.
import type { DetectorResult, Evidence } from './detector-result.js';
import { DIAGNOSIS_SCHEMA, type Diagnosis, type RankedCause } from './diagnosis.js';
import type { Findings } from './findings.js';
import { machineCaveats } from './machine-caveat.js';
import { CAUSES, SYMPTOMS, formatFix, type CauseDefinition, type CauseSignal } from './causes.js';
import { DETECTORS } from './detector-registry.js';
import { fillFix } from './fill-fix.js';
import { clamp01 } from './detector-result.js';
import { roundTo } from '../numbers.js';
import { formatRate } from '../format.js';
import { calibrateScore, type Calibration } from './calibration.js';

/**
 * Labels on the calibrated confidence (an observed precision): "high" is where held-back corpus
 * cases named that cause correctly at least 9 times in 10; "medium" is a real lead, wrong about
 * as often as right at its lower end.
 */
export const HIGH_CONFIDENCE = 0.9;
export const MEDIUM_CONFIDENCE = 0.5;
/**
 * Below this calibrated confidence a cause is not reported: in the corpus, causes scored this low
 * were right too rarely to show (and healthy services would otherwise name a cause).
 */
export const MIN_REPORTED_CONFIDENCE = 0.2;
/**
 * A cause ranked below the first is named only from this calibrated confidence: "high". Naming a
 * second fault is a claim of its own, and the corpus's map for causes ranked below the first
 * (fitted on two-fault cases and single-fault alternatives) stays below "high" (0.89 at most over
 * four generations): not enough to name one. The evidence of lower-ranked causes that the first
 * does not weigh is listed instead (Diagnosis.also_seen). docs/diagnosis.md, Calibration, has the
 * figures.
 */
export const SECOND_CAUSE_MIN_CONFIDENCE = HIGH_CONFIDENCE;
/** A required detector's strength from which it carries its cause fully (below, in proportion). */
export const REQUIRED_FULL = 0.5;

export interface DiagnoseOptions {
  /** The score → confidence maps (default: the fitted table); 'raw' reports raw scores (the bench). */
  calibration?: Calibration | 'raw';
  /** Lowest confidence reported (default MIN_REPORTED_CONFIDENCE). */
  minReported?: number;
}

export function diagnose(findings: Findings, opts: DiagnoseOptions = {}): Diagnosis {
  const detectors = runDetectors(findings);
  return diagnoseFromResults(detectors, { ...opts, findings });
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
export function diagnoseFromResults(detectors: DetectorResult[], opts: DiagnoseOptions & { findings?: Findings } = {}): Diagnosis {
  const byId = new Map(detectors.map((d) => [d.detector, d]));
  const causes: RankedCause[] = [];
  const insufficientCauses: NonNullable<Diagnosis['insufficient_causes']> = [];

  const scored: { cause: CauseDefinition; score: number }[] = [];
  const answered: NonNullable<Diagnosis['answered_by_sweep']> = [];
  const swept = opts.findings?.source === 'sweep' ? opts.findings.recommended : undefined;
  for (const cause of CAUSES) {
    const verdict = judgeCause(cause, byId);
    // A cause whose remedy is the setting this sweep measured is answered by its recommendation:
    // judged as a first cause would be, listed apart, and out of the ranking of the others.
    if (verdict.kind === 'scored' && swept && cause.remedy_setting === swept.setting) {
      const confidence = opts.calibration === 'raw' ? verdict.score : calibrateScore(verdict.score, 'first', opts.calibration);
      if (confidence >= (opts.minReported ?? MIN_REPORTED_CONFIDENCE)) {
        answered.push({ id: cause.id, title: cause.title, confidence, confidence_label: labelConfidence(confidence), evidence: matchedEvidence(cause.supports, byId), answer: sweepAnswer(swept, opts.findings!) });
      }
    } else if (verdict.kind === 'scored') scored.push({ cause, score: verdict.score });
    else if (verdict.kind === 'insufficient') {
      insufficientCauses.push({ id: cause.id, symptom: SYMPTOMS[cause.symptoms[0]], title: cause.title, missing: verdict.missing, would_show: cause.would_show });
    }
  }
  // Ranked by score (the calibrated confidence is step-like and would tie distinct scores), then
  // calibrated: the first cause by the first-cause map, the others by theirs (a cause ranked below
  // another is right less often at the same score).
  scored.sort((a, b) => b.score - a.score || (a.cause.id < b.cause.id ? -1 : a.cause.id > b.cause.id ? 1 : 0));
  const alsoSeen: NonNullable<Diagnosis['also_seen']> = [];
  scored.forEach(({ cause, score }, rank) => {
    let confidence = opts.calibration === 'raw' ? score : calibrateScore(score, rank === 0 ? 'first' : 'other', opts.calibration);
    // The cap holds for the calibrated figure too: a cause cpdiag did not observe stays below "medium".
    if (cause.cap && byId.get(cause.cap.unless)?.status !== 'issue') confidence = Math.min(confidence, cause.cap.max);
    const second = rank > 0 && opts.calibration !== 'raw';
    if (confidence < Math.max(opts.minReported ?? MIN_REPORTED_CONFIDENCE, second ? SECOND_CAUSE_MIN_CONFIDENCE : 0)) {
      const first = causes[0] && CAUSES.find((x) => x.id === causes[0].id);
      if (first && rank > 0) noteAlsoSeen(alsoSeen, cause, first, byId);
      return;
    }
    causes.push({
      id: cause.id,
      symptom: SYMPTOMS[cause.symptoms[0]],
      title: cause.title,
      confidence,
      confidence_label: labelConfidence(confidence),
      score,
      evidence: matchedEvidence(cause.supports, byId),
      against: matchedEvidence(cause.rules_out, byId),
      fix: formatFix(fillFix(cause.fix, opts.findings)),
      source: cause.source,
    });
  });
  insufficientCauses.sort((a, b) => (a.id < b.id ? -1 : 1));
  const caveats = opts.findings ? machineCaveats(opts.findings) : [];

  return {
    schema: DIAGNOSIS_SCHEMA,
    causes,
    insufficient: detectors.filter((d) => d.status === 'insufficient').map((d) => ({ detector: d.detector, missing: d.missing ?? [] })),
    detectors,
    ...(alsoSeen.length > 0 ? { also_seen: alsoSeen } : {}),
    ...(caveats.length > 0 ? { caveats } : {}),
    ...(answered.length > 0 ? { answered_by_sweep: answered } : {}),
    insufficient_causes: insufficientCauses,
  };
}

/** What the sweep says to a cause whose remedy is the swept setting: its recommendation, and where the evidence was read. */
function sweepAnswer(rec: NonNullable<Findings['recommended']>, f: Findings): string {
  const at = f.throughput_rps !== undefined ? ` (at ${formatRate(f.throughput_rps)} requests/s, its operating point)` : '';
  return `server.${rec.setting} = ${rec.value} is this sweep's recommendation: the sweep measured capacity at each ${rec.setting} this fix would change, so the recommendation is the answer; the evidence was read at ${rec.value}${at}`;
}

/**
 * Another fault's evidence rather than another reading of the first cause's: when every required
 * detector of `cause` fired in full (strength REQUIRED_FULL or more) and `first` weighs none of them
 * (for or against), each is listed once, with every cause it could point to.
 */
function noteAlsoSeen(list: NonNullable<Diagnosis['also_seen']>, cause: CauseDefinition, first: CauseDefinition, byId: Map<string, DetectorResult>): void {
  const weighed = new Set([...first.supports, ...first.rules_out].map((x) => x.detector));
  const required = cause.supports.filter((x) => x.required && x.status === 'issue').map((x) => byId.get(x.detector));
  const independent = (d: DetectorResult | undefined): d is DetectorResult => !!d && d.status === 'issue' && d.strength >= REQUIRED_FULL && !weighed.has(d.detector);
  if (required.length === 0 || !required.every(independent)) return;
  for (const d of required as DetectorResult[]) {
    const seen = list.find((x) => x.detector === d.detector);
    if (seen) {
      if (!seen.could_be.includes(cause.id)) seen.could_be.push(cause.id);
    } else {
      list.push({ detector: d.detector, evidence: d.evidence, could_be: [cause.id] });
    }
  }
}

type Verdict = { kind: 'scored'; score: number } | { kind: 'insufficient'; missing: string[] } | { kind: 'dropped' };

function judgeCause(cause: CauseDefinition, byId: Map<string, DetectorResult>): Verdict {
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

  return { kind: 'scored', score: scoreCause(cause, byId) };
}

/** The documented formula (see the head of this file). */
export function scoreCause(cause: CauseDefinition, byId: Map<string, DetectorResult>): number {
  const counted = cause.supports.filter((x) => !(x.optional && answered(byId.get(x.detector)) === false));
  const total = counted.reduce((s, x) => s + x.weight, 0);
  const support = total > 0 ? counted.reduce((s, x) => s + x.weight * matchValue(x, byId.get(x.detector)), 0) / total : 0;
  const against = cause.rules_out.reduce((s, x) => s + x.weight * matchValue(x, byId.get(x.detector)), 0);
  // A cause stands on its required evidence: one that barely fired (strength below REQUIRED_FULL)
  // scales the cause down in proportion, however well the corroborations match.
  const gate = cause.supports.filter((x) => x.required && x.status === 'issue')
    .reduce((g, x) => Math.min(g, Math.min(1, (byId.get(x.detector)?.strength ?? 0) / REQUIRED_FULL)), 1);
  let score = clamp01(support - against) * gate;
  if (cause.cap && byId.get(cause.cap.unless)?.status !== 'issue') score = Math.min(score, cause.cap.max);
  return roundTo(score);
}

function answered(d: DetectorResult | undefined): boolean {
  return !!d && d.status !== 'insufficient';
}

function matchValue(signal: CauseSignal, d: DetectorResult | undefined): number {
  if (!d || d.status === 'insufficient') return 0;
  if (signal.status === 'issue') return d.status === 'issue' ? d.strength : 0;
  return d.status === 'none' ? 1 : 1 - d.strength;
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
