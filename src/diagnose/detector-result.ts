// Small constructors for detector answers, so that every detector words its result the same way
// and "insufficient data" is as ordinary an answer as "issue" or "none".
import type { Findings } from './findings.js';
import { roundTo } from '../numbers.js';

export type DetectorStatus = 'issue' | 'none' | 'insufficient';

/** One measured fact, as a number with its meaning. */
export interface Evidence {
  signal: string;
  value: number;
  unit: string;
  /** The sentence a person reads, with the numbers in it. */
  text: string;
}

export interface DetectorResult {
  detector: string;
  status: DetectorStatus;
  /** 0..1: how strongly the evidence shows the signal (only meaningful for 'issue'). */
  strength: number;
  evidence: Evidence[];
  /** For 'insufficient': what was missing. */
  missing?: string[];
}

export type Detector = (findings: Findings) => DetectorResult;

export function clamp01(x: number): number {
  if (!Number.isFinite(x)) return x > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, x));
}

export function evidence(signal: string, value: number, unit: string, text: string): Evidence {
  return { signal, value, unit, text };
}

export function issue(detector: string, strength: number, ev: Evidence[]): DetectorResult {
  return { detector, status: 'issue', strength: roundTo(clamp01(strength)), evidence: ev };
}

/**
 * The answer of a detector whose strength is a smooth function of what it measured: "issue" with
 * that strength when it is above zero (as stored, to 3 decimals), else "none". No threshold jumps:
 * a measurement just past where the ramp starts gives a strength just above zero.
 */
export function graded(detector: string, strength: number, ev: Evidence[]): DetectorResult {
  const s = roundTo(clamp01(strength));
  return s > 0 ? { detector, status: 'issue', strength: s, evidence: ev } : none(detector, ev);
}

export function none(detector: string, ev: Evidence[]): DetectorResult {
  return { detector, status: 'none', strength: 0, evidence: ev };
}

export function insufficient(detector: string, missing: string[], ev: Evidence[] = []): DetectorResult {
  return { detector, status: 'insufficient', strength: 0, evidence: ev, missing };
}

/** Sum of error counts whose kind matches, e.g. http_502. */
export function errorCount(byKind: Partial<Record<string, number>> | undefined, ...kinds: string[]): number {
  if (!byKind) return 0;
  let n = 0;
  for (const k of kinds) n += byKind[k] ?? 0;
  return n;
}
