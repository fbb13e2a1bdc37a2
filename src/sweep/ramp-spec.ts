// How one sweep step ramps its load: the part of a SweepSpec a preset sets and flags override.

export interface RampSpec {
  /** open: a rate ladder (adaptive unless levels are given); closed: connection levels. */
  mode: 'open' | 'closed';
  /** Explicit levels (rates for open, connections for closed); otherwise adaptive. */
  levels?: number[];
  /** Geometric ladder instead of the adaptive one: start_rps × factor^k. */
  startRps?: number;
  factor?: number;
  maxRps: number;
  maxLevels: number;
  /** Measured seconds per level (a level at a low rate runs longer, see MIN_REQUESTS_PER_LEVEL). */
  levelS: number;
  /** Warm-up of the first level at each value (connections, JIT, the target's first requests). */
  firstWarmupS: number;
  /** Warm-up of later levels: lets the new rate settle. */
  warmupS: number;
}
