import { powersOfTwo } from '../plan-values.js';
import type { SweepPreset } from './sweep-preset.js';

/**
 * thread-pool: the default sweep, designed for at most 120 s on a 2-core machine: 6 pool sizes
 * (2..64) plus the refined values the recommendation could land on (usually 1, at most 2) ≈ 7–8
 * steps of ~11–13 s (a target start, ~6–8 levels of 1 s + 0.2 s settling, the drains of the
 * overloaded ones, the SLO crossing bisected to 5%); then repeats of a short capacity search
 * (≈ 7 s) at the 3 leading candidates, in turns, for the noise estimate behind the recommended
 * range. Pool 1 is not in the plan: cpdiag never recommends it (one slow request blocks every
 * other), and its step was the longest (low rates stretch its levels) — its ~12 s, and the lower
 * refinement skipped when it cannot become the answer, are what makes room for the repeats inside
 * the same 120 s (docs/sweep.md, "The time budget of cpdiag sweep thread-pool").
 * An I/O-bound handler (20 ms of sleep, 1 ms of CPU), so the pool, not the CPU, binds first.
 */
export const THREAD_POOL_PRESET: SweepPreset = {
  name: 'thread-pool',
  setting: 'thread_pool',
  values: powersOfTwo(2, 64),
  mixPath: '/work?io_ms=20&cpu_ms=1',
  ramp: { mode: 'open', maxRps: 20000, maxLevels: 10, levelS: 1, firstWarmupS: 0.5, warmupS: 0.2 },
  budgetS: 120,
  fixedLoad: false,
};
