// Smooth strengths for detectors. A detector used to answer "issue" past a threshold with a strength
// that jumped there (99.9 ms: nothing; 100 ms: 0.62), so two nearly identical runs could rank
// different causes. Every detector now maps its measured quantity through one of these ramps:
// 0 at or below `from`, 1 at or above `to`, and a smooth S-curve (cubic smoothstep) in between,
// so a small change in a measurement makes a small change in the strength — and in the score.

/** 0 at or below `from`, 1 at or above `to`, smoothstep between (from < to). */
export function ramp(x: number, from: number, to: number): number {
  if (!Number.isFinite(x)) return x > 0 ? 1 : 0;
  if (!(to > from)) throw new RangeError(`ramp: expected from < to, got ${from} and ${to}`);
  const t = Math.min(1, Math.max(0, (x - from) / (to - from)));
  return t * t * (3 - 2 * t);
}

/** As ramp, on a logarithmic scale: for ratios and sizes that matter by orders of magnitude. */
export function rampLog(x: number, from: number, to: number): number {
  if (!(from > 0 && to > from)) throw new RangeError(`rampLog: expected 0 < from < to, got ${from} and ${to}`);
  if (!(x > 0)) return 0;
  return ramp(Math.log(x), Math.log(from), Math.log(to));
}

/** 1 − ramp: strong at or below `from`, nothing at or above `to`. */
export function rampDown(x: number, from: number, to: number): number {
  return 1 - ramp(x, from, to);
}
