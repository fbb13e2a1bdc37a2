// How much of linear scaling a pool-size sweep achieved: the one number that separates a pool
// that is too small (capacity follows the pool) from a ceiling elsewhere (GIL, CPU, a lock).

/** (capacity gain − 1) / (pool growth − 1): 1 = linear scaling, 0 = none. */
export function scalingEfficiency(values: number[], capacityRps: number[]): number | undefined {
  if (values.length < 2 || values.length !== capacityRps.length) return undefined;
  let iMin = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[iMin]) iMin = i;
  const poolGrowth = Math.max(...values) / values[iMin];
  const base = capacityRps[iMin];
  if (!(poolGrowth > 1) || !(base > 0)) return undefined;
  const gain = Math.max(...capacityRps) / base;
  return (gain - 1) / (poolGrowth - 1);
}
