// How capacity reacted to the pool size in a sweep: the numbers that separate a pool that is too
// small (capacity follows the pool) from a ceiling elsewhere (GIL, CPU, a lock).

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

/**
 * The best capacity over the capacity at the smallest pool: how many times capacity grew across the
 * range. A curve that grew 8x over pools 1..64 is not flat, although its linear efficiency (7/63)
 * is small: a pool can stop being the limit halfway along the range.
 */
export function capacityGrowth(values: number[], capacityRps: number[]): number | undefined {
  if (values.length < 2 || values.length !== capacityRps.length) return undefined;
  let iMin = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[iMin]) iMin = i;
  const base = capacityRps[iMin];
  if (!(base > 0) || !(Math.max(...values) > values[iMin])) return undefined;
  return Math.max(...capacityRps) / base;
}
