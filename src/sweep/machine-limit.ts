// Whose limit is the plateau? Capacity that stops growing with the pool is the target's limit
// (its CPU, the GIL, a lock) — or this machine's: the target, cpdiag's load generator and every
// other process share its CPUs, and when they are all busy at the capacity boundary, no pool size
// can serve more here, whatever it would do on a machine of its own. Then the knee cannot be placed
// above the smallest value that reached the plateau, and the recommendation says so: "12 or more".
// Pure: the steps' levels carry the machine's CPU split (run-step.ts, probe/machine-cpu.ts).
import { findCapacityIndex, findFirstFailureIndex } from '../analysis/ramp-rules.js';
import { formatPercent } from '../format.js';
import type { SweepDocument, SweepLevel, SweepStep } from './sweep-document.js';
import { rampPoint } from './summarize-step.js';

import { MACHINE_CPU_SATURATED_SHARE } from '../analysis/machine-contention.js';
/** Other processes "took" the CPU when they used at least this share of the machine at the boundary; below it the load generator is the competitor. */
export const OTHER_PROCESSES_MATERIAL_SHARE = 0.1;

export interface MachineLimit {
  busy_share: number;
  target_share: number;
  cpdiag_share: number;
  other_share: number;
  /** "this machine's CPU was the limit, 45% of it taken by other processes; re-run on a quiet machine to place the knee" */
  text: string;
}

/**
 * The machine's CPU at a step's capacity boundary: of the capacity level and the first level (in
 * load order) that failed the SLO — where the limit bit — the one with the busier machine (a first
 * level that failed straight after the target started reads low: part of it was the start).
 */
export function boundaryMachineCpu(step: SweepStep, slo: { p99Ms: number; maxErrorRate: number }): SweepLevel['machine_cpu'] {
  const points = step.levels.map(rampPoint);
  const readings = [findFirstFailureIndex(points, slo), findCapacityIndex(points, slo)]
    .filter((i): i is number => i !== null)
    .map((i) => step.levels[i].machine_cpu)
    .filter((m): m is NonNullable<SweepLevel['machine_cpu']> => m !== undefined);
  return readings.length === 0 ? undefined : readings.reduce((a, b) => (b.busy_share > a.busy_share ? b : a));
}

/**
 * Whether the plateau — the steps at `plateauValues`: the recommended value and every value above
 * it — coincided with this machine's CPU running out: at the boundary of at least half of those
 * steps (and at least one) the machine was MACHINE_CPU_SATURATED_SHARE busy. Null when it was not, or when no level carries the machine's CPU.
 */
export function findMachineLimit(steps: readonly SweepStep[], plateauValues: readonly number[], slo: { p99Ms: number; maxErrorRate: number }): MachineLimit | null {
  const boundaries = steps
    .filter((s) => s.status === 'ok' && plateauValues.includes(s.value))
    .map((s) => boundaryMachineCpu(s, slo))
    .filter((m): m is NonNullable<SweepLevel['machine_cpu']> => m !== undefined);
  if (boundaries.length === 0) return null;
  const saturated = boundaries.filter((m) => m.busy_share >= MACHINE_CPU_SATURATED_SHARE);
  if (saturated.length === 0 || saturated.length * 2 < boundaries.length) return null;
  const mean = (key: 'busy_share' | 'target_share' | 'cpdiag_share' | 'other_share') => saturated.reduce((a, m) => a + m[key], 0) / saturated.length;
  const split = { busy_share: mean('busy_share'), target_share: mean('target_share'), cpdiag_share: mean('cpdiag_share'), other_share: mean('other_share') };
  const text = split.other_share >= OTHER_PROCESSES_MATERIAL_SHARE
    ? `this machine's CPU was the limit, ${formatPercent(split.other_share)} of it taken by other processes; re-run on a quiet machine to place the knee`
    : `this machine's CPU was the limit (${formatPercent(split.busy_share)} busy at capacity: the target ${formatPercent(split.target_share)}, cpdiag's load generator ${formatPercent(split.cpdiag_share)}); on a machine of its own the target may serve more`;
  return { ...split, text };
}

/**
 * Where a machine-limited plateau starts: the lower end of the range — and the recommendation —
 * when findMachineLimit said the machine's CPU was the limit. It is the roofline knee (sweepKnee:
 * the smallest measured value at or past 95% of N_k = P/a, with P the median capacity of the
 * plateau's values and a the median capacity per worker below it), not the smallest value "within
 * noise of the best" (analysis/capacity-comparison.ts), because the two kinds of scatter differ there:
 *
 * - Below the knee the pool is the limit and the machine has CPU to spare: capacity ≈ a·N, and the
 *   values on that line repeat within a few percent (measured on the 2-core machine with a core
 *   spun away: 82–87 requests/s at pool 2, 479–486 at 12, over five sweeps).
 * - On the plateau the machine's CPU is the limit, and what a run gets is what the other processes
 *   left it: the runs scatter by contention (554, 570 and 710 requests/s at one pool in one sweep),
 *   and the t-test pools that scatter into one noise estimate with 2–4 degrees of freedom. A margin
 *   of t(0.95, 3) ≈ 2.4 times it takes in a value still on the line 25–30% below the plateau
 *   (pool 12 at 480 against 650–730) as "within noise of the best": where the lower end lands then
 *   follows the plateau's luckiest and unluckiest runs (12 in three sweeps of five, 16 in two).
 *
 * The knee asks the question a plateau set by the machine poses — from which pool on does the pool
 * stop being the limit? — with the two estimates each kind of scatter allows: the slope from the
 * tight line, the plateau's level as a median (one outlying run or value cannot move it; the best
 * value's mean, what the t-test compares against, is the luckiest draw of several). Simulated over
 * plateaus of 180–2,760 requests/s, knees at 6–46 workers and contention noise of 3–14% per run,
 * with and without one repeat reading 25% low, it puts the lower end on the smallest value truly
 * within 5% of the plateau in 77–97% of sweeps and on the line (15% or more below the plateau) in
 * at most 4%; the t-test fell on the line in up to 25% of sweeps, and in 34–50% with the one low
 * repeat (test/sweep/machine-limited-knee.test.ts).
 *
 * Null — the within-noise answer stands — when the roofline does not describe the steps (sweepKnee
 * fell back to the gain rule), or capacity still grows: there is no line and plateau to read a knee
 * from. On a machine-limited plateau the answer is a lower bound either way ("16 or more"): on a
 * machine of the target's own the plateau is higher and the knee further up.
 */
export function machineLimitedLowerEnd(knee: SweepDocument['knee']): number | null {
  if (!knee || knee.value === null || knee.still_growing || knee.fitted_n === undefined || knee.fitted_n === null) return null;
  return knee.value;
}
