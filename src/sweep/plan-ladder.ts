// The load ladder at one setting value. Levels are fractions of a predicted capacity, so that a
// pool of 64 does not spend its time at rates a pool of 1 could serve, and the ramp stops as soon
// as it is clearly past the knee (analysis/ramp-rules.ts rampStopReason). The prediction is the
// smaller of pool/service-time (the most N workers can do when each request holds one for S)
// and the previous value's capacity scaled by the setting ratio (the most linear scaling gives);
// the first value has neither, so its ladder is anchored on the service time alone.

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

/** Once past the knee, a gap wider than this between the last rate within the SLO and the first beyond it is bisected. */
export const BISECT_RATIO = 1.2;
export const MAX_BISECTIONS = 2;

/** When the stop rule fires while the SLO still holds (a low floor), climb by this much, at most twice. */
export const CLIMB_PAST_KNEE_FACTOR = 1.15;
export const MAX_CLIMBS_PAST_KNEE = 2;

/** Descents and bisections together (levels below a rate already tried): bounds the ladder's back-and-forth. */
export const MAX_BACKTRACKS = MAX_DESCENTS + MAX_BISECTIONS;

/**
 * The next offered rate, or null when the ladder is done. The ladder climbs through
 * LADDER_FRACTIONS of the prediction until a level breaks analysis' stop rule (`ok` false). Past
 * that point it refines where the SLO is crossed: when no level met the SLO yet, it steps down
 * (÷3) below the lowest rate tried — the prediction was too high, or the machine is slower than it
 * looked; otherwise it bisects (geometric mean) the gap between the highest rate within the SLO and
 * the lowest above it that missed, so capacity is known to about 10% rather than to one ladder step.
 */
export function nextLevelRps(predictedRps: number, history: readonly LadderPoint[], opts: { maxLevels: number; maxRps: number; firstFraction?: number }): number | null {
  if (history.length >= opts.maxLevels) return null;
  if (history.length === 0) return clampRate((opts.firstFraction ?? LADDER_FRACTIONS[0]) * predictedRps, opts.maxRps);
  const tried = history.map((h) => h.offered_rps);
  const backtracks = history.filter((h, i) => i > 0 && h.offered_rps < Math.max(...tried.slice(0, i))).length;
  const pastKnee = history.some((h) => !h.ok);
  if (!pastKnee) {
    const current = history[history.length - 1].offered_rps;
    const fraction = LADDER_FRACTIONS.find((f) => f * predictedRps > current * 1.05);
    let next = fraction !== undefined ? fraction * predictedRps : current * LADDER_GROWTH_BEYOND;
    if (next / current > 2.5) next = current * 2.5;
    const clamped = clampRate(next, opts.maxRps);
    return clamped > current ? clamped : null;
  }
  const withinSlo = history.filter((h) => h.withinSlo ?? h.ok).map((h) => h.offered_rps);
  const top = history.reduce((a, h) => (h.offered_rps > a.offered_rps ? h : a));
  const broken = history.filter((h) => !h.ok).length;
  if ((top.withinSlo ?? top.ok) && broken <= MAX_CLIMBS_PAST_KNEE) {
    // Past the knee (p99 far above its floor) but still within the SLO: the SLO's capacity lies
    // above, so take one more step up.
    const next = clampRate(top.offered_rps * CLIMB_PAST_KNEE_FACTOR, opts.maxRps);
    return next > top.offered_rps ? next : null;
  }
  if (withinSlo.length === 0) {
    const descents = history.filter((h, i) => i > 0 && h.offered_rps < Math.min(...tried.slice(0, i))).length;
    if (descents >= MAX_DESCENTS) return null;
    const lowest = Math.min(...tried);
    if (lowest <= MIN_RATE_RPS) return null;
    return clampRate(lowest / DESCENT_FACTOR, opts.maxRps);
  }
  if (backtracks >= MAX_BACKTRACKS) return null;
  const lo = Math.max(...withinSlo);
  const above = history.filter((h) => !(h.withinSlo ?? h.ok) && h.offered_rps > lo).map((h) => h.offered_rps);
  if (above.length === 0) return null;
  const hi = Math.min(...above);
  if (hi / lo <= BISECT_RATIO) return null;
  const mid = clampRate(Math.sqrt(lo * hi), opts.maxRps);
  return mid > lo && mid < hi && !tried.includes(mid) ? mid : null;
}

function clampRate(rps: number, maxRps: number): number {
  const r = Math.min(Math.max(rps, MIN_RATE_RPS), maxRps);
  // Round to 2 significant digits beyond 100: ladders read better and nothing is lost.
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
