// Seeded pseudo-random numbers, so that a mix, a Poisson schedule and a run are repeatable.
// mulberry32 (src/random.ts): tiny, fast, good enough for picking requests and
// inter-arrival times (not crypto).
import { mulberry32 } from '../random.js';

export type Random = () => number;

/** Returns a generator of floats in [0, 1) determined by the seed (the seed is scrambled first, so
 * that seeds 1, 2, 3 do not start near each other). */
export function createRandom(seed: number): Random {
  return mulberry32((Math.floor(seed) >>> 0) ^ 0x9e3779b9);
}

/** Picks an index by weight: cumulative weights normalised to 1, searched linearly (mixes are short). */
export function createWeightedPicker(weights: number[], random: Random): () => number {
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cumulative.push(acc);
  }
  const last = weights.length - 1;
  if (last === 0) return () => 0;
  return () => {
    const r = random();
    for (let i = 0; i < last; i++) if (r < cumulative[i]!) return i;
    return last;
  };
}
