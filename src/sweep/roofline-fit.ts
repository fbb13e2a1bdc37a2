// Capacity of a thread pool against its size is, to first order, a roofline: it grows linearly
// with the pool (each worker adds 1/S requests/s) until another limit — the CPU, the GIL, a lock —
// caps it: X(N) = min(a·N, P). The knee is where the two meet, N_k = P/a. Fitted robustly (medians
// per segment, L1 error in log space), one outlying step on a shared machine cannot move it much,
// where a point-by-point rule ("the first value after which capacity grows < 5%") can be fooled by
// a single noisy step. The USL is the finer model; this one holds when the USL fit does not.

export interface RooflineFit {
  /** Requests/s each worker adds in the linear part (≈ 1/S). */
  per_worker_rps: number;
  /** The cap; Infinity when no step reached it (still growing). */
  plateau_rps: number;
  /** N_k = plateau / per_worker, or null when still growing. */
  knee_n: number | null;
  /** Steps in the linear part (the rest are on the plateau). */
  linear_points: number;
  /** Mean absolute log error: 0.1 ≈ 10% typical deviation. */
  log_error: number;
  points: number;
}

/** At least this many values: fewer cannot tell a line from a cap. */
export const ROOFLINE_MIN_POINTS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fitRoofline(input: readonly { n: number; x: number }[]): RooflineFit | null {
  const pts = input.filter((p) => p.n > 0 && p.x > 0 && Number.isFinite(p.x)).sort((a, b) => a.n - b.n);
  if (pts.length < ROOFLINE_MIN_POINTS) return null;
  let best: RooflineFit | null = null;
  // k points in the linear part (k ≥ 1: the slope needs one), the rest on the plateau.
  for (let k = 1; k <= pts.length; k++) {
    const linear = pts.slice(0, k);
    const flat = pts.slice(k);
    const a = median(linear.map((p) => p.x / p.n));
    const plateau = flat.length > 0 ? median(flat.map((p) => p.x)) : Infinity;
    // A plateau below the line at the last linear point is not a roofline split.
    if (flat.length > 0 && plateau < a * linear[linear.length - 1].n * 0.9) continue;
    // Nor is a "plateau" the line itself would reach: the flat part must fall clearly (10%) below
    // the line's extension, or the data say "still growing".
    if (flat.length > 0 && a * flat[flat.length - 1].n < 1.1 * plateau) continue;
    const err = pts.reduce((sum, p) => sum + Math.abs(Math.log(p.x / Math.min(a * p.n, plateau))), 0) / pts.length;
    if (best === null || err < best.log_error - 1e-9) {
      best = {
        per_worker_rps: a,
        plateau_rps: plateau,
        knee_n: Number.isFinite(plateau) ? plateau / a : null,
        linear_points: k,
        log_error: err,
        points: pts.length,
      };
    }
  }
  return best;
}
