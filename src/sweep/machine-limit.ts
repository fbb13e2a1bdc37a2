// Whose limit is the plateau? Capacity that stops growing with the pool is the target's limit
// (its CPU, the GIL, a lock) — or this machine's: the target, cpdiag's load generator and every
// other process share its CPUs, and when they are all busy at the capacity boundary, no pool size
// can serve more here, whatever it would do on a machine of its own. Then the knee cannot be placed
// above the smallest value that reached the plateau, and the recommendation says so: "12 or more".
// Pure: the steps' levels carry the machine's CPU split (run-step.ts, probe/machine-cpu.ts).
import { findCapacityIndex, findFirstFailureIndex } from '../analysis/ramp-rules.js';
import { formatPercent } from '../format.js';
import type { SweepLevel, SweepStep } from './sweep-document.js';
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
