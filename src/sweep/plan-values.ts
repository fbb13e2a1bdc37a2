// Which setting values a sweep measures: the planned list first, then a refinement pass that adds
// the midpoints on each side of the capacity knee, where one step of a powers-of-two plan is too
// coarse to place the recommendation (8 → 16 → 32 leaves 12 and 24 unmeasured) — those of them
// the recommendation could land on.
import type { SettingDefinition } from '../config/settings.js';

/** Midpoints added around the knee at most: one below and one above keeps the budget predictable. */
export const MAX_REFINE_VALUES = 2;
/**
 * A midpoint is measured only where the recommendation (the smallest value within noise of the
 * best) could land on it: not when the larger of its two neighbours already serves more than this
 * share less than the best, because capacity does not grow as the pool shrinks, so nothing at or
 * below that neighbour can come within noise of the best. 15% is three times the "near best"
 * tolerance and above the run-to-run noise of a 1 s level on a quiet 2-core machine (5–10%). On
 * the default sweep this skips 12 when 16 is still ~17% below the plateau: the step's ~12 s go to
 * the repeats instead.
 */
export const REFINE_REACH = 0.15;

export interface MeasuredValue {
  value: number;
  capacity_rps: number | null;
}

/**
 * The values to add after the planned ones: the midpoints between the knee and its measured
 * neighbours (integer settings round; values already measured, or not strictly between the
 * neighbours, are skipped), where the recommendation could land (REFINE_REACH). No knee, no
 * refinement.
 */
export function refineValues(measured: readonly MeasuredValue[], kneeValue: number | null, def: Pick<SettingDefinition, 'kind'>): number[] {
  if (kneeValue === null) return [];
  const values = [...new Set(measured.map((m) => m.value))].sort((a, b) => a - b);
  const i = values.indexOf(kneeValue);
  if (i < 0) return [];
  // A value's capacity: the best of its measurements (a failed step counts as none).
  const capacity = (v: number) => Math.max(0, ...measured.filter((m) => m.value === v).map((m) => m.capacity_rps ?? 0));
  const best = Math.max(...values.map(capacity));
  const out: number[] = [];
  for (const j of [i - 1, i + 1]) {
    if (j < 0 || j >= values.length) continue;
    const lo = Math.min(values[i], values[j]);
    const hi = Math.max(values[i], values[j]);
    if (best > 0 && capacity(hi) < (1 - REFINE_REACH) * best) continue;
    const mid = midpoint(lo, hi, def.kind === 'int');
    if (mid > lo && mid < hi && !values.includes(mid) && !out.includes(mid)) out.push(mid);
  }
  return out.slice(0, MAX_REFINE_VALUES).sort((a, b) => a - b);
}

function midpoint(lo: number, hi: number, integer: boolean): number {
  const mid = (lo + hi) / 2;
  return integer ? Math.round(mid) : Number(mid.toPrecision(6));
}

/** Powers of two from `from` to `to` inclusive (the default thread-pool plan). */
export function powersOfTwo(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = Math.max(1, from); v <= to; v *= 2) out.push(v);
  return out;
}
