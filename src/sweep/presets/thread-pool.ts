import { powersOfTwo } from '../plan-values.js';
import type { SweepPreset } from './sweep-preset.js';

/**
 * thread-pool: the default sweep, designed for at most 120 s on a 2-core machine: 7 pool sizes
 * (1..64) plus up to 2 refined around the knee ≈ 9 steps; each step ≈ 0.4 s to start the target +
 * about 6 levels of 1 s (+0.2 s settle) before the ramp stops past the knee and the SLO crossing is
 * bisected to 5%; then 2 repeats of a short capacity search (≈ 6 s) at each of 3 leading
 * candidates, for the noise estimate behind the recommended range (90 s before the repeats: the
 * 30 s bought a recommendation that does not move with machine noise).
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
