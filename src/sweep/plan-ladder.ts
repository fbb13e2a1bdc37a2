// The load ladder at one setting value. Levels are fractions of a predicted capacity, so that a
// pool of 64 does not spend its time at rates a pool of 1 could serve, and the ramp stops as soon
// as it is clearly past the knee (analysis/ramp-rules.ts rampStopReason). The prediction is the
// smaller of pool/service-time (the most N workers can do when each request holds one for S)
// and the previous value's capacity scaled by the setting ratio (the most linear scaling gives);
// the first value has neither, so its ladder is anchored on the service time alone.
import { NEAR_BEST_TOLERANCE } from '../analysis/ramp-rules.js';

/**
 * Offered rate as a fraction of the predicted capacity. Dense between 0.8 and 1.5, where the
 * knee usually sits; wide steps beyond, in case the prediction was low.
 */
export const LADDER_FRACTIONS = [0.3, 0.6, 0.8, 0.95, 1.1, 1.25, 1.45, 1.7, 2.0, 2.4, 3.0, 4.0, 5.5, 8.0];
/**
 * A prediction from a measured neighbour is good to ±30%, so the ladder can start at 40% of it
 * (0.4 rather than 0.5: past the knee the prediction is the previous capacity × 2, and half of
 * it would start right at the plateau; below 40% utilisation queueing is rare); a
 * prediction from the service time alone starts lower, at LADDER_FRACTIONS[0].
 */
export const INFORMED_FIRST_FRACTION = 0.4;
/** Past the last fraction each level grows by this much. */
export const LADDER_GROWTH_BEYOND = 1.4;
/** When the very first level already fails, step down by this factor (at most MAX_DESCENTS times). */
export const DESCENT_FACTOR = 3;
export const MAX_DESCENTS = 2;
/** Lowest rate worth offering: below this a 1 s level holds too few requests to say anything. */
export const MIN_RATE_RPS = 2;

export interface CapacityPredictionInput {
  /** The setting's value; for thread_pool it is the worker count. */
  value: number;
  /** Workers at this value (thread_pool, or the base settings' pool for other sweeps). */
  workers: number;
  /** Mean service time at light load, ms (measured at the first value). */
  serviceTimeMs?: number;
  /** Capacities measured at earlier values (same setting). */
  previous: readonly { value: number; workers: number; capacity_rps: number | null; max_throughput_rps: number }[];
}

/** Predicted capacity in requests/s, or undefined when nothing is known yet. */
export function predictCapacity(input: CapacityPredictionInput): number | undefined {
  const bySlot = input.serviceTimeMs && input.serviceTimeMs > 0 ? input.workers / (input.serviceTimeMs / 1000) : undefined;
  // The largest smaller pool measured says most: capacity rarely falls when the pool grows, and
  // linear scaling from it bounds the gain. (A larger neighbour measured in a noisy moment would
  // drag a refinement's prediction down.) Without a smaller one, the nearest.
  const known = input.previous.filter((p) => (p.capacity_rps ?? p.max_throughput_rps) > 0);
  if (known.length === 0) return bySlot;
  const below = known.filter((p) => p.workers < input.workers).sort((a, b) => b.workers - a.workers);
  const nearest = below[0] ?? [...known].sort((a, b) => Math.abs(Math.log(a.workers / input.workers)) - Math.abs(Math.log(b.workers / input.workers)))[0];
  // Capacity within the SLO, not the best throughput: an overloaded level can push throughput
  // well past what the server serves at a usable latency.
  const base = nearest.capacity_rps ?? nearest.max_throughput_rps;
  // Linear scaling from the neighbour is the optimistic bound when growing the pool; a smaller
  // pool can still reach the neighbour's capacity if the pool was not the limit.
  const scaled = input.workers > nearest.workers ? base * (input.workers / nearest.workers) : base;
  return bySlot !== undefined ? Math.min(bySlot, scaled) : scaled;
}

export interface LadderPoint {
  offered_rps: number;
  /** analysis' stop rules did not fire (p99 within 10× its floor, errors within the limit, the rate held). */
  ok: boolean;
  /** Within the SLO (p99, errors) and the rate kept up: counts toward capacity. */
  withinSlo?: boolean;
}

/**
 * Once past the knee, the gap between the capacity level (the highest rate below the first that
 * missed the SLO, ramp-rules' findCapacityIndex) and that first miss is bisected until the two are
 * closer than the sweep's "near best" tolerance (NEAR_BEST_TOLERANCE, 5%): a capacity is then known
 * as finely as the recommendation compares capacities.
 */
export const BISECT_RATIO = 1 + NEAR_BEST_TOLERANCE;
/**
 * At most this many bisections per step: a ladder step of the dense part (≈ 15%) needs 2, a
 * ×2.5 climb or a ÷3 descent 4–5; with the level bound below, a step's time stays bounded.
 */
export const MAX_BISECTIONS = 4;

/** When the stop rule fires while the SLO still holds (a low floor), climb by this much, at most twice. */
export const CLIMB_PAST_KNEE_FACTOR = 1.15;
export const MAX_CLIMBS_PAST_KNEE = 2;

/** Descents and bisections together (levels below a rate already tried): bounds the ladder's back-and-forth. */
export const MAX_BACKTRACKS = MAX_DESCENTS + MAX_BISECTIONS;

/**
 * A repeat of the capacity search at a value already measured (sweep/execute-sweep.ts re-measures
 * the leading candidates): the prediction is the capacity measured there, so the ladder starts just
 * below it and climbs in small steps; a first level that already fails steps down by
 * REPEAT_DESCENT_FACTOR, not ÷3.
 */
export const REPEAT_FRACTIONS = [0.85, 0.95, 1.05, 1.15, 1.3, 1.5, 1.8, 2.2];
export const REPEAT_DESCENT_FACTOR = 1.25;

export interface LadderOptions {
  maxLevels: number;
  maxRps: number;
  /** The first level as a fraction of the prediction (default: the first of `fractions`). */
  firstFraction?: number;
  /** The climb, as fractions of the prediction (default LADDER_FRACTIONS). */
  fractions?: readonly number[];
  /** Step-down factor when no level met the SLO yet (default DESCENT_FACTOR). */
  descentFactor?: number;
}

/**
 * The next offered rate, or null when the ladder is done. The ladder climbs through
 * LADDER_FRACTIONS of the prediction until a level breaks analysis' stop rule (`ok` false). Past
 * that point it refines where the SLO is crossed: when no level met the SLO yet, it steps down
 * (÷3) below the lowest rate tried — the prediction was too high, or the machine is slower than it
 * looked; otherwise it bisects (geometric mean) the gap between the capacity level and the first
 * level, in load order, that missed the SLO, until they are within BISECT_RATIO (5%) of each other.
 */
export function nextLevelRps(predictedRps: number, history: readonly LadderPoint[], opts: LadderOptions): number | null {
  const fractions = opts.fractions ?? LADDER_FRACTIONS;
  if (history.length >= opts.maxLevels) return null;
  if (history.length === 0) return clampRate((opts.firstFraction ?? fractions[0]) * predictedRps, opts.maxRps);
  const tried = history.map((h) => h.offered_rps);
  const backtracks = history.filter((h, i) => i > 0 && h.offered_rps < Math.max(...tried.slice(0, i))).length;
  const pastKnee = history.some((h) => !h.ok);
  if (!pastKnee) {
    const current = history[history.length - 1].offered_rps;
    const fraction = fractions.find((f) => f * predictedRps > current * 1.05);
    let next = fraction !== undefined ? fraction * predictedRps : current * LADDER_GROWTH_BEYOND;
    if (next / current > 2.5) next = current * 2.5;
    const clamped = clampRate(next, opts.maxRps);
    return clamped > current ? clamped : null;
  }
  const within = (h: LadderPoint) => h.withinSlo ?? h.ok;
  const top = history.reduce((a, h) => (h.offered_rps > a.offered_rps ? h : a));
  const broken = history.filter((h) => !h.ok).length;
  if (within(top) && broken <= MAX_CLIMBS_PAST_KNEE) {
    // Past the knee (p99 far above its floor) but still within the SLO: the SLO's capacity lies
    // above, so take one more step up.
    const next = clampRate(top.offered_rps * CLIMB_PAST_KNEE_FACTOR, opts.maxRps);
    return next > top.offered_rps ? next : null;
  }
  // The first miss in load order, and the highest rate below it (both by the capacity rule).
  const misses = history.filter((h) => !within(h)).map((h) => h.offered_rps);
  const hi = misses.length > 0 ? Math.min(...misses) : Infinity;
  const below = history.filter((h) => within(h) && h.offered_rps < hi).map((h) => h.offered_rps);
  if (below.length === 0) {
    const descents = history.filter((h, i) => i > 0 && h.offered_rps < Math.min(...tried.slice(0, i))).length;
    if (descents >= MAX_DESCENTS) return null;
    const lowest = Math.min(...tried);
    if (lowest <= MIN_RATE_RPS) return null;
    return clampRate(lowest / (opts.descentFactor ?? DESCENT_FACTOR), opts.maxRps);
  }
  if (backtracks >= MAX_BACKTRACKS || !Number.isFinite(hi)) return null;
  const lo = Math.max(...below);
  if (hi / lo <= BISECT_RATIO) return null;
  const inside = (r: number) => r > lo && r < hi && !tried.includes(r);
  // The readable rounding first; where it lands outside the gap (a narrow one), the fine one.
  const mid = [clampRate(Math.sqrt(lo * hi), opts.maxRps), clampRate(Math.sqrt(lo * hi), opts.maxRps, true)].find(inside);
  return mid ?? null;
}

/**
 * Rates rounded for reading: to 2 significant digits beyond 100 (10s), integers from 10, tenths
 * below. `fine` keeps 3 significant digits, for bisections narrower than the readable step.
 */
function clampRate(rps: number, maxRps: number, fine = false): number {
  const r = Math.min(Math.max(rps, MIN_RATE_RPS), maxRps);
  if (fine) return r >= 1000 ? Math.round(r / 10) * 10 : r >= 100 ? Math.round(r) : Math.round(r * 10) / 10;
  return r >= 100 ? Math.round(r / 10) * 10 : r >= 10 ? Math.round(r) : Math.round(r * 10) / 10;
}

/** Closed-loop ladder: connection counts as multiples of the worker count (the knee sits near N). */
export const CLOSED_LADDER_MULTIPLES = [0.5, 1, 1.5, 2, 3, 4, 6, 8];

export function closedLadder(workers: number, maxLevels: number, maxConnections = 1000): number[] {
  const out: number[] = [];
  for (const m of CLOSED_LADDER_MULTIPLES) {
    const c = Math.min(maxConnections, Math.max(1, Math.round(m * workers)));
    if (!out.includes(c)) out.push(c);
  }
  return out.slice(0, maxLevels);
}
