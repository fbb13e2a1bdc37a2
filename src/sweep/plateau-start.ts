// Where the plateau starts: the lower end of a sweep's range, and so its recommendation. Two
// estimates are at hand — the smallest value whose capacity is "within noise of the best" (a
// t-test over the runs, analysis/capacity-comparison.ts) and the roofline knee (sweepKnee: the
// smallest measured value at or past 95% of N_k = P/a, with P the median capacity of the plateau's
// values and a the median capacity per worker below it) — and they fail in different ways. Pure.
import type { SweepDocument } from './sweep-document.js';

export interface PlateauStart {
  /** The measured value the range starts at. */
  value: number;
  /** Which rule placed it: the comparison alone, or the roofline knee over it. */
  by: 'comparison' | 'knee';
}

/**
 * The two kinds of scatter a sweep sees:
 *
 * - Below the knee the pool is the limit and there is CPU to spare: capacity ≈ a·N, and values on
 *   that line repeat within a few percent (on the 2-core machine with a core spun away: 82–87
 *   requests/s at pool 2, 479–486 at 12, over five sweeps).
 * - On the plateau something else is the limit — the GIL, the target's CPU, or this machine's CPU
 *   shared with other processes — and runs scatter more: by contention when the machine is the
 *   limit (554, 570 and 710 requests/s at one pool in one sweep), and now and then by one run read
 *   low even on a quiet machine (64: 836 and 682; 24: 802 and 741). The t-test pools that scatter
 *   into one noise estimate with 2–4 degrees of freedom; a margin of t(0.95, 3) ≈ 2.4 times it takes
 *   in a value on the line 15–30% below the plateau as "within noise of the best".
 *
 * The knee asks the question a plateau poses — from which pool on does the pool stop being the
 * limit? — with the estimates each kind of scatter allows: the slope from the tight line, the
 * plateau's level as a median (one outlying run or value cannot move it). Simulated over plateaus
 * of 180–2,760 requests/s, knees at 6–46 workers and 3–14% noise per run, with and without one
 * repeat reading 25% low, it lands on the line (15% or more below the plateau) in at most 4% of
 * sweeps; the t-test did so in up to 25%, and in 34–50% with the one low repeat. The two together
 * (below) land there in at most 3%, and are right (the smallest value truly within 5% of the
 * plateau) in 76–97% of sweeps against the t-test's 33–91%
 * (test/sweep/machine-limited-knee.test.ts).
 *
 * So:
 * - **The machine's CPU was the limit** (machine-limit.ts): the knee places the lower end, up or
 *   down. The t-test is unreliable both ways there (a tight noise estimate can also push the answer
 *   up the plateau), and the answer is a lower bound anyway ("16 or more"): on a machine of the
 *   target's own the plateau is higher and the knee further up.
 * - **Otherwise** the knee only raises it: the lower end is the smallest value both within noise
 *   of the best and on the plateau by the roofline (at or past the knee). The knee never lowers
 *   the comparison's answer here — a value the t-test finds significantly below the best, with the
 *   machine not the limit, is below it — and never places it on a value the t-test finds below.
 *
 * The comparison's answer stands when the roofline does not describe the steps (sweepKnee fell
 * back to the gain rule: no fitted knee) or capacity still grows: there is no line and plateau to
 * read a knee from.
 */
export function plateauStart(input: {
  knee: SweepDocument['knee'];
  /** The values whose capacity is within noise of the best, ascending (at least one: the best). */
  withinNoise: readonly number[];
  machineLimited: boolean;
}): PlateauStart {
  const smallest = input.withinNoise[0];
  const knee = rooflineKneeValue(input.knee);
  if (knee === null) return { value: smallest, by: 'comparison' };
  if (input.machineLimited) return { value: knee, by: 'knee' };
  const onPlateau = input.withinNoise.find((v) => v >= knee);
  return onPlateau !== undefined && onPlateau > smallest ? { value: onPlateau, by: 'knee' } : { value: smallest, by: 'comparison' };
}

/** The roofline knee's measured value, or null when no roofline describes the steps or capacity still grows. */
export function rooflineKneeValue(knee: SweepDocument['knee']): number | null {
  if (!knee || knee.value === null || knee.still_growing || knee.fitted_n === undefined || knee.fitted_n === null) return null;
  return knee.value;
}
