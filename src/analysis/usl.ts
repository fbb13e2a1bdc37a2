// Universal Scalability Law (Gunther, Guerrilla Capacity Planning, 2007):
//   X(N) = λN / (1 + σ(N−1) + κN(N−1))
// λ: throughput of one worker, σ: contention (the serial share: locks, the GIL), κ: coherency
// (crosstalk between workers, which makes throughput fall past N*). For a thread pool, N is
// thread_pool and X the measured capacity at that pool size.

import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { formatPercent } from '../format.js';

export interface UslPoint {
  n: number;
  x: number;
}

export interface UslParams {
  lambda: number;
  sigma: number;
  kappa: number;
}

/** Plain data, so that it serialises to JSON as is; predict with uslPredict(fit, n). */
export interface UslFit extends UslParams {
  ok: boolean;
  /** Pool size of peak throughput, sqrt((1−σ)/κ); null when κ≈0 (no retrograde within reach). */
  n_star: number | null;
  /** Predicted throughput at n_star (or at the largest observed n when n_star is null). */
  x_max: number;
  r2: number;
  rmse: number;
  points: number;
  method: string;
  reason?: string;
}

/** Gunther recommends at least 6 measured loads to fit three parameters with any confidence. */
export const USL_MIN_POINTS = 6;
/** Below this R² the curve does not describe the data well enough to extrapolate from. */
export const USL_MIN_R2 = 0.9;
/** ...unless the fit is within 3% (RMSE relative to mean throughput), about the run-to-run noise of a capacity measurement. */
export const USL_MAX_RELATIVE_RMSE = 0.03;
/**
 * N* beyond this multiple of the largest measured N is extrapolation too far to trust: the
 * fitted κ is then indistinguishable from 0, and we report no retrograde within reach.
 */
export const N_STAR_REACH_FACTOR = 10;
/** Upper bounds of the search box. σ ≤ 1 is physical (fully serial); κ at its cap means the fit ran away. */
const SIGMA_MAX = 1;
const KAPPA_MAX_SCALED = 100; // κ · N_max², i.e. κ ≤ 100 / N_max²

export function validPoints(input: readonly UslPoint[]): UslPoint[] {
  return input.filter((p) => Number.isFinite(p.n) && Number.isFinite(p.x) && p.n >= 1 && p.x > 0);
}

export function uslPredict(params: UslParams, n: number): number {
  return (params.lambda * n) / (1 + params.sigma * (n - 1) + params.kappa * n * (n - 1));
}

function goodness(points: readonly UslPoint[], params: UslParams): { r2: number; rmse: number; sse: number } {
  const mean = points.reduce((s, p) => s + p.x, 0) / points.length;
  let sse = 0;
  let sst = 0;
  for (const p of points) {
    sse += (p.x - uslPredict(params, p.n)) ** 2;
    sst += (p.x - mean) ** 2;
  }
  return { sse, rmse: Math.sqrt(sse / points.length), r2: sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0 };
}

/**
 * Starting values by linearisation: for a given λ, λN/X − 1 = σ(N−1) + κN(N−1) is linear in
 * (σ, κ), so a least-squares solve (clamped to σ, κ ≥ 0) gives both. λ starts from the best
 * observed throughput per worker at the smallest N (X(1) itself when N=1 was measured).
 */
function initialParams(points: readonly UslPoint[]): UslParams {
  const minN = Math.min(...points.map((p) => p.n));
  const lambda = Math.max(...points.filter((p) => p.n === minN).map((p) => p.x / p.n));
  // Normal equations for z = σ·u + κ·v with u = N−1, v = N(N−1).
  let suu = 0, suv = 0, svv = 0, suz = 0, svz = 0;
  for (const p of points) {
    const u = p.n - 1;
    const v = p.n * (p.n - 1);
    const z = (lambda * p.n) / p.x - 1;
    suu += u * u; suv += u * v; svv += v * v; suz += u * z; svz += v * z;
  }
  const det = suu * svv - suv * suv;
  let sigma = det !== 0 ? (suz * svv - svz * suv) / det : 0;
  let kappa = det !== 0 ? (svz * suu - suz * suv) / det : 0;
  if (sigma < 0 || kappa < 0) {
    // Clamp one coefficient to 0 and refit the other alone.
    const sigmaOnly = suu > 0 ? Math.max(0, suz / suu) : 0;
    const kappaOnly = svv > 0 ? Math.max(0, svz / svv) : 0;
    if (kappa < 0) { sigma = sigmaOnly; kappa = 0; } else { sigma = 0; kappa = kappaOnly; }
  }
  return { lambda, sigma: Math.min(sigma, SIGMA_MAX), kappa };
}

/** Least squares of the USL over the points (no gating): the parameters and how well they fit. */
export function fitUslParams(points: readonly UslPoint[], start?: UslParams, maxIterations = 500): { params: UslParams; r2: number; rmse: number; sse: number } {
  const xScale = Math.max(...points.map((p) => p.x));
  const nMax = Math.max(...points.map((p) => p.n));
  const nScale = nMax * nMax;
  // A given start (a bootstrap replicate starts from the fit it perturbs) saves most iterations.
  const init = start ?? initialParams(points);

  const toParams = ([l, s, k]: number[]): UslParams => ({ lambda: l * xScale, sigma: s, kappa: k / nScale });
  const model = (q: number[]) => {
    const [l, s, k] = q;
    return (n: number) => (l * n) / (1 + s * (n - 1) + (k / nScale) * n * (n - 1));
  };
  const jacobian = (q: number[]) => {
    const [l, s, k] = q;
    return (n: number) => {
      const den = 1 + s * (n - 1) + (k / nScale) * n * (n - 1);
      const f = (l * n) / den;
      return [n / den, (-f * (n - 1)) / den, (-f * n * (n - 1)) / nScale / den];
    };
  };
  const data = { x: points.map((p) => p.n), y: points.map((p) => p.x / xScale) };
  const result = levenbergMarquardt(data, model, {
    initialValues: [init.lambda / xScale, init.sigma, Math.min(init.kappa * nScale, KAPPA_MAX_SCALED)],
    jacobianFunction: jacobian,
    minValues: [1e-9, 0, 0],
    maxValues: [1e6, SIGMA_MAX, KAPPA_MAX_SCALED],
    damping: 1e-2,
    maxIterations,
    errorTolerance: 1e-14,
    improvementThreshold: 1e-4,
  });
  let params = toParams(result.parameterValues);
  // Keep whichever of the start and the LM result fits better (LM keeps its best, but the start can
  // already be the optimum when it lies on a bound).
  const initFit = goodness(points, init);
  let fit = goodness(points, params);
  if (initFit.sse < fit.sse) {
    params = init;
    fit = initFit;
  }
  return { params, ...fit };
}

/**
 * Fits the USL by Levenberg–Marquardt (ml-levenberg-marquardt) with an analytic Jacobian. The
 * parameters are rescaled so that each is of order 1 for the optimiser (λ in units of the largest
 * X, κ in units of 1/N_max²), since LM's damping treats all parameters alike. σ and κ are kept ≥ 0
 * by the library's box constraints.
 */
export function fitUsl(input: readonly UslPoint[]): UslFit {
  const points = validPoints(input);
  const distinctN = new Set(points.map((p) => p.n)).size;
  const empty: UslFit = { ok: false, lambda: NaN, sigma: NaN, kappa: NaN, n_star: null, x_max: NaN, r2: NaN, rmse: NaN, points: points.length, method: 'usl-lm' };
  if (distinctN < USL_MIN_POINTS) {
    return { ...empty, reason: `need at least ${USL_MIN_POINTS} pool sizes with a positive throughput, got ${distinctN}` };
  }
  const nMax = Math.max(...points.map((p) => p.n));
  const nScale = nMax * nMax;
  const { params, ...fit } = fitUslParams(points);

  let nStar: number | null = null;
  if (params.kappa > 0 && params.sigma < 1) {
    const candidate = Math.sqrt((1 - params.sigma) / params.kappa);
    if (candidate <= N_STAR_REACH_FACTOR * nMax) nStar = Math.max(1, candidate);
  } else if (params.sigma >= 1) {
    nStar = 1; // fully serial: more workers never help
  }
  const xMax = uslPredict(params, nStar ?? nMax);
  const out: UslFit = { ok: true, ...params, n_star: nStar, x_max: xMax, r2: fit.r2, rmse: fit.rmse, points: points.length, method: 'usl-lm' };
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const relativeRmse = fit.rmse / meanX;
  // R² measures explained variance, which flat data (the GIL case) hardly have: there a fit within
  // a few percent everywhere is good although R² is near 0. Accept either.
  if (!(fit.r2 >= USL_MIN_R2) && !(relativeRmse <= USL_MAX_RELATIVE_RMSE)) {
    return {
      ...out,
      ok: false,
      reason: `the USL does not describe these data (R² ${fit.r2.toFixed(3)} < ${USL_MIN_R2}, RMSE ${formatPercent(relativeRmse)} of the mean)`,
    };
  }
  if (params.kappa * nScale >= KAPPA_MAX_SCALED * 0.999) {
    return { ...out, ok: false, reason: 'the coherency term ran to its bound: throughput falls faster than the USL allows' };
  }
  return out;
}

export interface CapacityKneeDetail {
  /** The setting value after which capacity stops growing; null with fewer than 2 values. */
  value: number | null;
  index: number | null;
  /** True when capacity was still growing at the largest value measured. */
  still_growing: boolean;
  reason: string;
}

/** Below 5% more capacity per doubling of the setting, more workers mostly add memory and contention. */
export const DEFAULT_MIN_GAIN_PER_DOUBLING = 0.05;

/**
 * Where capacity stops growing, without any model: walk the values in ascending order and return
 * the first value after which the gain per doubling, (X_{i+1}/X_i)^(1/log2(v_{i+1}/v_i)) − 1,
 * drops below minGain. Normalising per doubling makes uneven value spacing (1, 2, 4, 8, 12, 16)
 * comparable. still_growing when capacity still grows at the largest value.
 */
export function capacityKneeDetail(values: readonly number[], capacity: readonly number[], opts: { minGain?: number } = {}): CapacityKneeDetail {
  const minGain = opts.minGain ?? DEFAULT_MIN_GAIN_PER_DOUBLING;
  const pairs = values
    .map((v, i) => ({ v, x: capacity[i], i }))
    .filter((p) => Number.isFinite(p.v) && p.v > 0 && Number.isFinite(p.x))
    .sort((a, b) => a.v - b.v);
  if (pairs.length < 2) {
    return { value: null, index: null, still_growing: false, reason: `need at least 2 setting values, got ${pairs.length}` };
  }
  for (let i = 0; i + 1 < pairs.length; i++) {
    const a = pairs[i];
    const b = pairs[i + 1];
    if (b.v === a.v) continue;
    const doublings = Math.log2(b.v / a.v);
    const gain = a.x > 0 ? Math.pow(Math.max(b.x, 0) / a.x, 1 / doublings) - 1 : Infinity;
    if (gain < minGain) {
      return {
        value: a.v,
        index: a.i,
        still_growing: false,
        reason: `capacity grows ${formatPercent(gain)} per doubling from ${a.v} to ${b.v} (below ${formatPercent(minGain)})`,
      };
    }
  }
  const last = pairs[pairs.length - 1];
  return { value: last.v, index: last.i, still_growing: true, reason: `capacity still grows at ${last.v}, the largest value measured` };
}
