// The pacer: when each open-loop request is due, apart from the code that sends it (vegeta's
// split), so the schedule can be reproduced exactly — e.g. by a test that replays the same
// arrivals through a queueing simulation.
import type { ArrivalProcess } from './load-plan.js';
import { exponentialDraw } from '../random.js';
import { createRandom } from './prng.js';

/** Returns successive intended send times in ms from the start: 0, then one gap after another. */
export function createPacer(opts: { rateRps: number; arrival?: ArrivalProcess; seed: number }): () => number {
  const intervalMs = 1000 / opts.rateRps;
  const poisson = opts.arrival === 'poisson';
  const random = createRandom(opts.seed);
  let nextMs = 0;
  return () => {
    const due = nextMs;
    // Poisson arrivals: exponential gaps with the same mean as the constant interval.
    nextMs += poisson ? exponentialDraw(random, intervalMs) : intervalMs;
    return due;
  };
}
