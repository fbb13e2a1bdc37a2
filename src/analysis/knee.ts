// Where does latency leave its floor? A ramp of offered load produces a convex, increasing
// latency curve (flat while the pool has idle workers, then steep as queueing starts); the knee
// is the load beyond which adding load mostly adds latency. We find it with Kneedle
// (Satopaa, Albrecht, Irwin, Raghavan: "Finding a 'Kneedle' in a Haystack: Detecting Knee Points
// in System Behavior", ICDCS workshops 2011), which is parameter-light and does not assume a
// curve family, plus explicit guards for the cases Kneedle handles badly (few points, flat).

import { DEFAULT_MAX_ERROR_RATE, findCapacityIndex, findFloorP99Ms, servingFailure, type RampPoint } from './ramp-rules.js';
import { formatMs, formatRate } from '../format.js';

export type { RampPoint } from './ramp-rules.js';

export interface KneeOptions {
  /** Kneedle's S. Lower finds an earlier knee, higher is more conservative (needs a sharper bend). */
  sensitivity?: number;
  /** p99 SLO for capacity_at_slo_rps; without it only the error and keep-up conditions apply. */
  sloP99Ms?: number;
  /** Highest error rate (0..1) a point may have and still count as within the SLO. */
  maxErrorRate?: number;
  /** The light-load service time, when measured: it caps the floor (see ramp-rules' findFloorP99Ms). */
  serviceTimeMs?: number;
}

export interface KneeResult {
  knee_index: number | null;
  knee_rps: number | null;
  /** Typical p99 at light load: ramp-rules' findFloorP99Ms, the floor the ramp stopped by. */
  floor_p99_ms: number;
  capacity_at_slo_rps: number | null;
  method: string;
  reason: string;
}

/** Kneedle's published default. */
export const DEFAULT_SENSITIVITY = 1;
/**
 * The curve is called flat when its highest p99 is within 50% of the floor: a p99 that varies
 * by less than that across a ramp is within the run-to-run noise of tail latency on a shared
 * machine, and Kneedle would otherwise normalise noise into a fake knee.
 */
export const FLAT_RATIO = 1.5;

function sortedByLoad(points: readonly RampPoint[]): RampPoint[] {
  return [...points].sort((a, b) => a.offered_rps - b.offered_rps);
}

/**
 * Kneedle on a convex increasing curve. After normalising both axes to [0, 1] such a curve lies
 * below the diagonal, so the difference curve is d = x − y (for concave curves it would be
 * y − x); the knee is the local maximum of d after which d falls below
 * T = d_max_local − S · mean(Δx) before another local maximum appears.
 * Returns the index into xs, or null.
 */
export function kneedleConvexIncreasing(xs: readonly number[], ys: readonly number[], sensitivity: number): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const xMin = xs[0];
  const xMax = xs[n - 1];
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  if (!(xMax > xMin) || !(yMax > yMin)) return null;
  const xn = xs.map((x) => (x - xMin) / (xMax - xMin));
  const yn = ys.map((y) => (y - yMin) / (yMax - yMin));
  const d = xn.map((x, i) => x - yn[i]);
  let meanDx = 0;
  for (let i = 1; i < n; i++) meanDx += xn[i] - xn[i - 1];
  meanDx /= n - 1;

  let candidate: number | null = null;
  let threshold = -Infinity;
  for (let i = 1; i < n; i++) {
    const isLocalMax = i < n - 1 && d[i] >= d[i - 1] && d[i] > d[i + 1];
    if (isLocalMax) {
      // A new local maximum replaces the candidate (and its threshold) if not confirmed yet.
      candidate = i;
      threshold = d[i] - sensitivity * meanDx;
      continue;
    }
    if (candidate !== null && d[i] < threshold) return candidate;
  }
  return null;
}

/**
 * Finds the latency knee of a load ramp, plus the floor latency and the capacity within the SLO.
 * Points past the first "broken" one (errors above maxErrorRate, or throughput below 90% of
 * offered) are not looked at for the knee: there the latency of the requests that did succeed says
 * little (a server shedding load with fast 503s can even get faster). When latency shows no knee
 * before the ramp broke, the knee is the last load that was served (method 'first-failure').
 */
export function findLatencyKnee(points: readonly RampPoint[], opts: KneeOptions = {}): KneeResult {
  const sensitivity = opts.sensitivity ?? DEFAULT_SENSITIVITY;
  const maxErrorRate = opts.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE;
  const sorted = sortedByLoad(points).filter((p) => Number.isFinite(p.offered_rps) && Number.isFinite(p.p99_ms));
  const floor = findFloorP99Ms(sorted, opts.serviceTimeMs);
  const capacityIndex = findCapacityIndex(sorted, { p99Ms: opts.sloP99Ms, maxErrorRate });
  const capacity = capacityIndex === null ? null : sorted[capacityIndex].offered_rps;
  const base = { floor_p99_ms: floor, capacity_at_slo_rps: capacity };
  if (sorted.length < 3) {
    return { ...base, knee_index: null, knee_rps: null, method: 'none', reason: `need at least 3 load levels to find a knee, got ${sorted.length}` };
  }
  const firstBroken = sorted.findIndex((p) => servingFailure(p, maxErrorRate) !== null);
  // The ramp as far as it was served, plus the point where it broke (its natural end).
  const curve = firstBroken >= 0 ? sorted.slice(0, firstBroken + 1) : sorted;
  const atIndex = (i: number, method: string, reason: string): KneeResult => ({
    ...base,
    // Report the index into the caller's array, not our sorted copy.
    knee_index: points.indexOf(sorted[i]),
    knee_rps: sorted[i].offered_rps,
    method,
    reason,
  });
  const failureFallback = (why: string): KneeResult => {
    const broken = sorted[firstBroken];
    const what = servingFailure(broken, maxErrorRate);
    if (firstBroken === 0) {
      return { ...base, knee_index: null, knee_rps: null, method: 'first-failure', reason: `the server failed already at the lowest load, ${formatRate(broken.offered_rps)} rps (${what})` };
    }
    const last = sorted[firstBroken - 1];
    return atIndex(firstBroken - 1, 'first-failure', `${why}; the server stopped keeping up at ${formatRate(broken.offered_rps)} rps (${what}), so the knee is the last load it served, ${formatRate(last.offered_rps)} rps`);
  };

  const topLoad = curve[curve.length - 1].offered_rps;
  const maxP99 = Math.max(...curve.map((p) => p.p99_ms));
  if (!(maxP99 > FLAT_RATIO * floor)) {
    const why = `latency stayed at its floor up to ${formatRate(topLoad)} rps (p99 at most ${formatMs(maxP99)} against a floor of ${formatMs(floor)})`;
    if (firstBroken >= 0) return failureFallback(why);
    return { ...base, knee_index: null, knee_rps: null, method: 'flat', reason: why };
  }
  const curveIndex = curve.length >= 3
    ? kneedleConvexIncreasing(curve.map((p) => p.offered_rps), curve.map((p) => p.p99_ms), sensitivity)
    : null;
  if (curveIndex === null) {
    const why = `latency rose without a distinct bend up to ${formatRate(topLoad)} rps (Kneedle, S=${sensitivity}, found no knee)`;
    if (firstBroken >= 0) return failureFallback(why);
    return { ...base, knee_index: null, knee_rps: null, method: 'kneedle', reason: why };
  }
  const kneePoint = curve[curveIndex];
  return atIndex(
    curveIndex,
    'kneedle',
    `p99 leaves its floor of ${formatMs(floor)} at about ${formatRate(kneePoint.offered_rps)} rps (p99 there ${formatMs(kneePoint.p99_ms)}; Kneedle, S=${sensitivity})`,
  );
}
