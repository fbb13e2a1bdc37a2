// Seeded service-time draws, so M/D/c and M/M/c experiments repeat exactly: request n of a run
// with seed s draws from PRNG(s + n), whatever thread serves it.

import { mulberry32 } from '../random.js';

export type Distribution = 'const' | 'exp' | 'lognormal';
export const DISTRIBUTIONS: readonly Distribution[] = ['const', 'exp', 'lognormal'];

/** Shape of the lognormal draws: sigma of the underlying normal (mean is kept as asked). */
export const LOGNORMAL_SIGMA = 1;

/** mulberry32 (src/random.ts), seeded: returns a generator of [0, 1). */
export const makeRandom = mulberry32;

/** One draw with the given mean. */
export function drawWithMean(dist: Distribution, mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  switch (dist) {
    case 'const':
      return mean;
    case 'exp':
      return -mean * Math.log(1 - random());
    case 'lognormal': {
      const mu = Math.log(mean) - (LOGNORMAL_SIGMA * LOGNORMAL_SIGMA) / 2;
      const u1 = 1 - random();
      const u2 = random();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.exp(mu + LOGNORMAL_SIGMA * z);
    }
  }
}
