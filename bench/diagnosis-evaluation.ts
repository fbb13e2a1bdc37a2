// Judging the diagnosis on the labelled corpus (bench/diagnosis-corpus.ts): top-1 accuracy per
// injected cause and per source (run, inspect), how often a healthy service names a cause, the
// calibration fitted on two thirds and its reliability on the held-back third. Shared by
// `npm run bench:diagnosis` and test/diagnose/corpus.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose, HIGH_CONFIDENCE, MIN_REPORTED_CONFIDENCE } from '../src/diagnose/diagnose.js';
import { fitCalibration, isHeldBack, type Calibration } from '../src/diagnose/calibration.js';
import { CAUSES } from '../src/diagnose/causes.js';
import type { ScoredOutcome } from '../src/analysis/isotonic.js';
import { measuredUtilisation, type CorpusEntry } from './diagnosis-corpus.js';

/** Raw scores below this are not worth calibrating (the old reporting floor). */
const RAW_FLOOR = 0.05;
/**
 * A healthy case is one at utilisation ≤ 0.7 (issue 12's definition). On a shared machine a case
 * designed at 0.5 can measure 0.9 (the server starved of CPU by other work): such a case is no
 * longer healthy as run, and is left out of every figure (and listed) rather than judged.
 */
export const HEALTHY_MAX_UTILISATION = 0.7;
/**
 * A case is starved when other processes took at least half the machine while it ran (on 2 cores,
 * a whole core): the target then did not do what its fault does (a GIL-bound server at a tenth of a
 * core, a leak throttled below what its window calls growth). The figures are given over every
 * entry and over the entries that were not starved, so that the machine's state is not mistaken
 * for the diagnosis's.
 */
export const STARVED_OTHER_SHARE = 0.5;

/** Whether other processes took STARVED_OTHER_SHARE of the machine during the entry's case. */
export function starved(e: CorpusEntry): boolean {
  const other = e.params.machine_other_share;
  return typeof other === 'number' && other >= STARVED_OTHER_SHARE;
}

/** Entries whose injected condition held as measured (healthy cases within their utilisation). */
export function inScope(e: CorpusEntry): boolean {
  if (e.label !== 'none') return true;
  const u = entryUtilisation(e);
  return u === undefined || u <= HEALTHY_MAX_UTILISATION;
}

/** The entry's measured load over its pool (one rule: measuredUtilisation), else what was stored. */
function entryUtilisation(e: CorpusEntry): number | undefined {
  const u = measuredUtilisation(e.findings) ?? e.params.measured_utilisation;
  return typeof u === 'number' ? Number(u.toFixed(3)) : undefined;
}

/**
 * Every stored entry (including those out of scope: see inScope). The corpus is kept in
 * generations, one directory each (g1, g2, ...): the same cases generated again at another time
 * of the shared machine, so the figures average over its load rather than over one moment of it.
 * An entry's generation is its directory; its id stays the case's (so every generation of a case
 * is on the same side of the held-back split).
 */
export function loadCorpus(dir: string): CorpusEntry[] {
  const files = (d: string) => readdirSync(d).filter((f) => f.endsWith('.json') && f !== 'meta.json').sort();
  const generations = readdirSync(dir, { withFileTypes: true }).filter((x) => x.isDirectory()).map((x) => x.name).sort();
  if (generations.length === 0) return files(dir).flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CorpusEntry[]);
  return generations.flatMap((g) => files(join(dir, g)).flatMap((f) => (JSON.parse(readFileSync(join(dir, g, f), 'utf8')) as CorpusEntry[]).map((e) => ({ ...e, generation: g }))));
}

/** The entry's name in lists: its id, with its generation when it has one. */
export function entryName(e: CorpusEntry): string {
  return e.generation ? `${e.generation}:${e.id}` : e.id;
}

/** The causes injected in an entry: its label, and the second of a two-fault case. */
export function injected(e: CorpusEntry): string[] {
  return e.second_label ? [e.label, e.second_label] : [e.label];
}

/** Every cause the raw formula ranks for each entry, first or not, with whether it is an injected one. */
export function rawOutcomes(entries: readonly CorpusEntry[]): Record<keyof Calibration, ScoredOutcome[]> {
  const out: Record<keyof Calibration, ScoredOutcome[]> = { first: [], other: [] };
  for (const e of entries) {
    const faults = injected(e);
    diagnose(e.findings, { calibration: 'raw', minReported: RAW_FLOOR }).causes.forEach((c, i) => {
      out[i === 0 ? 'first' : 'other'].push({ score: c.score ?? c.confidence, correct: (faults.includes(c.id) ? 1 : 0) as 0 | 1 });
    });
  }
  return out;
}

export function fitOnCorpus(entries: readonly CorpusEntry[]): { first: [number, number][]; other: [number, number][] } {
  const o = rawOutcomes(entries.filter((e) => inScope(e) && !isHeldBack(e.id)));
  return { first: fitCalibration(o.first), other: fitCalibration(o.other) };
}

export interface Tally { n: number; right: number }
export interface ReliabilityBin { from: number; to: number; n: number; right: number }

export interface Evaluation {
  entries: number;
  perLabel: Record<string, Record<'run' | 'inspect', Tally>>;
  /** Top-1 over the single-fault entries (two-fault entries are tallied in twoFaults). */
  bySource: Record<'run' | 'inspect', Tally>;
  /** The same over the entries that were not starved (STARVED_OTHER_SHARE). */
  bySourceUnstarved: Record<'run' | 'inspect', Tally>;
  /** Healthy entries, and how many named no cause. */
  healthy: Tally;
  healthyUnstarved: Tally;
  /** Entries whose case other processes starved. */
  starvedEntries: number;
  /** Held-back entries' reported causes by calibrated confidence. */
  reliability: ReliabilityBin[];
  /** Held-back causes labelled "high", and how many were the injected one. */
  high: Tally;
  fitEntries: number;
  heldBackEntries: number;
  misses: { id: string; label: string; got: string }[];
  /**
   * Two-fault entries: how many named both faults (the second reported too), and where the raw
   * formula ranked the other fault (rank 2 = right behind the first; 0 = not ranked at all).
   */
  twoFaults: { n: number; firstRight: number; bothNamed: number; otherAlsoSeen: number; otherRawRank: { id: string; rank: number; score: number }[] };
  /**
   * Inspections: for each injected cause with no inspect entry (the corpus takes none where an
   * inspection cannot observe the cause), in how many inspections it was listed as insufficient;
   * and reported causes one of whose required detectors lacked data (guessed: must be none).
   */
  inspectUnobserved: { id: string; insufficient: number; judged: number; of: number }[];
  inspectGuessed: string[];
  /** Facts listed as also seen in single-fault entries (no second fault to point to), and in how many entries. */
  alsoSeenSingle: { facts: number; entries: number; of: number };
  /** Every cause reported below the first (any entry), and how many were an injected fault. */
  secondLeads: Tally;
  /** Healthy cases the shared machine pushed past HEALTHY_MAX_UTILISATION: left out. */
  outOfScope: { id: string; utilisation: number }[];
}

const BINS: [number, number][] = [[MIN_REPORTED_CONFIDENCE, 0.5], [0.5, 0.7], [0.7, HIGH_CONFIDENCE], [HIGH_CONFIDENCE, 1.0001]];

export function evaluate(all: readonly CorpusEntry[], points?: Calibration): Evaluation {
  const entries = all.filter(inScope);
  const ev: Evaluation = {
    outOfScope: all.filter((e) => !inScope(e)).map((e) => ({ id: entryName(e), utilisation: entryUtilisation(e)! })),
    entries: entries.length, perLabel: {}, bySource: { run: { n: 0, right: 0 }, inspect: { n: 0, right: 0 } }, healthy: { n: 0, right: 0 },
    bySourceUnstarved: { run: { n: 0, right: 0 }, inspect: { n: 0, right: 0 } }, healthyUnstarved: { n: 0, right: 0 }, starvedEntries: entries.filter(starved).length,
    reliability: BINS.map(([from, to]) => ({ from, to, n: 0, right: 0 })), high: { n: 0, right: 0 },
    fitEntries: entries.filter((e) => !isHeldBack(e.id)).length, heldBackEntries: entries.filter((e) => isHeldBack(e.id)).length, misses: [],
    twoFaults: { n: 0, firstRight: 0, bothNamed: 0, otherAlsoSeen: 0, otherRawRank: [] }, secondLeads: { n: 0, right: 0 }, alsoSeenSingle: { facts: 0, entries: 0, of: 0 },
    inspectUnobserved: [], inspectGuessed: [],
  };
  // A cause is unobserved by inspect when none of its cases has an inspection (the proxy's
  // pool-exhausted is inspected as proxy-gave-up-on-queued-requests: the same case, observed).
  const inspected = entries.filter((e) => e.source === 'inspect');
  const caseOf = (e: CorpusEntry) => entryName(e).replace(/\/(run|inspect)$/, '');
  const inspectedCases = new Set(inspected.map(caseOf));
  const labels = [...new Set(entries.flatMap(injected))].filter((id) => id !== 'none');
  const unobserved = labels.filter((id) => !entries.some((e) => injected(e).includes(id) && inspectedCases.has(caseOf(e)))).sort();
  const requiredOf = new Map(CAUSES.map((c) => [c.id, c.supports.filter((x) => x.required).map((x) => x.detector)]));
  for (const id of unobserved) ev.inspectUnobserved.push({ id, insufficient: 0, judged: 0, of: inspected.length });
  for (const e of inspected) {
    const d = diagnose(e.findings, points ? { calibration: points } : {});
    const lacking = new Set(d.detectors.filter((x) => x.status === 'insufficient').map((x) => x.detector));
    for (const u of ev.inspectUnobserved) {
      if (d.insufficient_causes?.some((x) => x.id === u.id)) u.insufficient++;
      // An inspection that had the data (the bundled server's stats page counts its 5xx) judged it.
      else if (requiredOf.get(u.id)!.every((det) => !lacking.has(det))) u.judged++;
    }
    for (const c of d.causes) if (requiredOf.get(c.id)!.some((det) => lacking.has(det))) ev.inspectGuessed.push(`${entryName(e)}: ${c.id}`);
  }
  for (const e of entries) {
    const d = diagnose(e.findings, points ? { calibration: points } : {});
    const faults = injected(e);
    const top = d.causes[0]?.id;
    const right = e.label === 'none' ? d.causes.length === 0 : top !== undefined && faults.includes(top);
    for (const c of d.causes.slice(1)) {
      ev.secondLeads.n++;
      if (faults.includes(c.id)) ev.secondLeads.right++;
    }
    if (!e.second_label && e.label !== 'none') {
      ev.alsoSeenSingle.of++;
      ev.alsoSeenSingle.facts += d.also_seen?.length ?? 0;
      if (d.also_seen?.length) ev.alsoSeenSingle.entries++;
    }
    if (e.second_label) {
      ev.twoFaults.n++;
      if (right) ev.twoFaults.firstRight++;
      if (right && (d.also_seen ?? []).some((a) => a.could_be.some((id) => faults.includes(id) && id !== top))) ev.twoFaults.otherAlsoSeen++;
      if (faults.every((id) => d.causes.some((c) => c.id === id))) ev.twoFaults.bothNamed++;
      const raw = diagnose(e.findings, { calibration: 'raw', minReported: 0 }).causes;
      const other = right ? faults.find((id) => id !== top)! : e.second_label;
      const i = raw.findIndex((c) => c.id === other);
      ev.twoFaults.otherRawRank.push({ id: `${entryName(e)}: ${other}`, rank: i + 1, score: i >= 0 ? raw[i].score ?? 0 : 0 });
    }
    const t = (ev.perLabel[faults.join(' + ')] ??= { run: { n: 0, right: 0 }, inspect: { n: 0, right: 0 } })[e.source];
    t.n++;
    // The headline figures are over single-fault cases: a two-fault case counts either fault as
    // right, so it is tallied on its own (twoFaults) and not mixed in.
    const tallies = e.second_label ? [] : starved(e) ? [ev.bySource[e.source]] : [ev.bySource[e.source], ev.bySourceUnstarved[e.source]];
    for (const x of tallies) x.n++;
    if (right) {
      t.right++;
      for (const x of tallies) x.right++;
    } else {
      ev.misses.push({ id: entryName(e), label: faults.join(' + '), got: d.causes.map((c) => `${c.id} ${c.confidence}`).join(', ') || 'no cause' });
    }
    if (e.label === 'none') {
      for (const x of starved(e) ? [ev.healthy] : [ev.healthy, ev.healthyUnstarved]) {
        x.n++;
        if (d.causes.length === 0) x.right++;
      }
    }
    if (!isHeldBack(e.id)) continue;
    for (const c of d.causes) {
      const bin = ev.reliability.find((b) => c.confidence >= b.from && c.confidence < b.to);
      const ok = faults.includes(c.id) ? 1 : 0;
      if (bin) {
        bin.n++;
        bin.right += ok;
      }
      if (c.confidence_label === 'high') {
        ev.high.n++;
        ev.high.right += ok;
      }
    }
  }
  return ev;
}
