// Does the USL fit have a peak inside the measured range, and how sure is it? A fitted N* is a
// number whatever the data; on flat (GIL-bound) or Amdahl-like data a small κ puts a "peak"
// anywhere, and printed as a peak it reads as advice. So N* is stated only when (1) the fit is
// good, (2) N* lies strictly inside the measured values and capacity visibly falls past it — the
// fitted X(N*) is more than NEAR_BEST_TOLERANCE above the fitted X at the largest value measured —
// and (3) a bootstrap interval for N* lies inside the measured range too. Otherwise: "no peak
// within 1..64".
//
// The bootstrap resamples the steps' relative residuals (each step keeps its setting value, its
// capacity becomes the fitted one times a residual drawn with replacement) and refits: a residual
// bootstrap, since resampling whole steps drops the largest pools from a few percent of the
// replicates, which leaves κ — and so N* — undetermined by design rather than by noise. The caller
// passes a seeded generator (src/random.ts's mulberry32 with USL_PEAK_SEED), so a report is
// reproducible and this module stays pure.
import { formatNumber } from '../format.js';
import { NEAR_BEST_TOLERANCE } from './ramp-rules.js';
import { fitUslParams, uslPredict, validPoints, type UslFit, type UslParams, type UslPoint } from './usl.js';

export interface UslPeak {
  /** N* when it passes the three conditions above; null otherwise. */
  n_star: number | null;
  /** The 95% bootstrap interval of N* (percentile method), when N* is stated. */
  ci: [number, number] | null;
  /** The measured range of the setting. */
  range: [number, number];
  replicates: number;
  /** The seed of the generator the replicates drew from (recorded by the caller). */
  seed?: number;
  /** "N* ≈ 22 (95% bootstrap interval 19–26)" or "no peak within 1..64 (…why)". */
  text: string;
}

export const USL_PEAK_REPLICATES = 200;
export const USL_PEAK_SEED = 20260111;
/**
 * Levenberg–Marquardt iterations per replicate. The library stops only at an absolute error
 * tolerance noisy data never reach, so it would run its full 500; a replicate starts at the fit it
 * perturbs, a few steps from its own optimum, and 60 move N* by well under 1% (checked on the
 * USL tests' data), at an eighth of the time.
 */
const REPLICATE_ITERATIONS = 60;
/** The share of the interval: 95%, two-sided. */
const CI_TAIL = 0.025;

/** √((1−σ)/κ): where the fitted curve peaks, or Infinity when it never turns down (κ = 0 or σ ≥ 1). */
export function uslPeakN(params: UslParams): number {
  if (!(params.kappa > 0) || !(params.sigma < 1)) return Infinity;
  return Math.sqrt((1 - params.sigma) / params.kappa);
}

/**
 * Whether the curve peaks inside (nMin, nMax) with a visible fall after it: the fitted capacity at
 * the peak more than NEAR_BEST_TOLERANCE above the fitted capacity at nMax.
 */
function peaksInside(params: UslParams, nMin: number, nMax: number): boolean {
  const n = uslPeakN(params);
  if (!(n > nMin && n < nMax)) return false;
  return uslPredict(params, n) > (1 + NEAR_BEST_TOLERANCE) * uslPredict(params, nMax);
}

/**
 * `rng`: uniform draws in [0, 1), seeded by the caller (mulberry32(USL_PEAK_SEED)); `seed` is only
 * recorded in the result.
 */
export function findUslPeak(input: readonly UslPoint[], fit: UslFit, opts: { rng: () => number; seed?: number; replicates?: number }): UslPeak {
  const points = validPoints(input);
  const replicates = opts.replicates ?? USL_PEAK_REPLICATES;
  const { rng, seed } = opts;
  const ns = points.map((p) => p.n);
  const nMin = ns.length ? Math.min(...ns) : NaN;
  const nMax = ns.length ? Math.max(...ns) : NaN;
  const base = { range: [nMin, nMax] as [number, number], replicates, seed };
  const none = (why: string): UslPeak => ({ ...base, n_star: null, ci: null, text: `no peak within ${nMin}..${nMax} (${why})` });
  if (!fit.ok) return none(`no good USL fit${fit.reason ? `: ${fit.reason}` : ''}`);
  const nStar = uslPeakN(fit);
  if (!Number.isFinite(nStar)) return none('the fitted curve never turns down');
  if (!peaksInside(fit, nMin, nMax)) {
    return none(nStar >= nMax || nStar <= nMin
      ? `the fitted peak, N* ≈ ${formatNumber(nStar)}, lies outside the values measured`
      : `the fitted curve falls less than ${Math.round(NEAR_BEST_TOLERANCE * 100)}% from N* ≈ ${formatNumber(nStar)} to ${nMax}: no visible peak`);
  }

  const fitted = points.map((p) => uslPredict(fit, p.n));
  const residuals = points.map((p, i) => p.x / fitted[i]);
  const draws: number[] = [];
  for (let b = 0; b < replicates; b++) {
    const sample = points.map((p, i) => ({ n: p.n, x: fitted[i] * residuals[Math.floor(rng() * residuals.length)] }));
    const { params } = fitUslParams(sample, fit, REPLICATE_ITERATIONS);
    draws.push(uslPeakN(params));
  }
  draws.sort((a, b) => a - b);
  const lo = draws[Math.floor(CI_TAIL * replicates)];
  const hi = draws[Math.min(replicates - 1, Math.ceil((1 - CI_TAIL) * replicates) - 1)];
  if (!(lo >= nMin && hi <= nMax)) {
    const interval = `${formatNumber(lo)}–${Number.isFinite(hi) ? formatNumber(hi) : '∞'}`;
    return none(`the fitted N* ≈ ${formatNumber(nStar)}, but its 95% bootstrap interval ${interval} reaches outside the values measured`);
  }
  return { ...base, n_star: nStar, ci: [lo, hi], text: `N* ≈ ${formatNumber(nStar)} (95% bootstrap interval ${formatNumber(lo)}–${formatNumber(hi)})` };
}
