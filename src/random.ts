// A small seeded PRNG so that every stochastic computation in cpdiag (bootstrap resampling,
// synthetic test data, Poisson arrivals) is reproducible from a seed. Math.random cannot be seeded.

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): one 32-bit state word, passes PractRand up to
 * gigabytes, which is far beyond what a bootstrap of a few thousand resamples draws.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller; one of the pair is discarded to keep the state simple). */
export function normalDraw(rng: Rng): number {
  // 1 − u keeps the argument of log in (0, 1].
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** An exponential draw with the given mean (inverse transform; 1 − u keeps it finite): Poisson gaps. */
export function exponentialDraw(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng());
}
