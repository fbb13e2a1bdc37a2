// The order of runs. Running all of A and then all of B would turn any drift of the machine (a
// neighbour's load test starting, thermal throttling, page cache filling) into a difference
// between A and B. Alternating in ABBA blocks gives both sides the same average position in time,
// so a linear drift cancels out exactly over each block of four (the counterbalanced ABBA order
// of crossover experiments).
import { CpdiagError, EXIT } from '../exit-codes.js';

export type RunOrder = 'abba' | 'abab';

/** E.g. runs 3, abba → A B B A A B. Each side gets exactly `runsPerSide`. */
export function scheduleRuns(runsPerSide: number, order: RunOrder = 'abba'): ('A' | 'B')[] {
  if (!Number.isInteger(runsPerSide) || runsPerSide < 1) throw new CpdiagError(`runs per side must be a whole number ≥ 1, got ${runsPerSide}`, EXIT.USAGE);
  const out: ('A' | 'B')[] = [];
  for (let pair = 0; pair < runsPerSide; pair++) {
    const flip = order === 'abba' && pair % 2 === 1;
    out.push(...(flip ? (['B', 'A'] as const) : (['A', 'B'] as const)));
  }
  return out;
}
