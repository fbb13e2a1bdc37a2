// Small order-statistics helpers over simple-statistics, with the empty-input case made explicit
// (simple-statistics throws on empty arrays; callers here prefer NaN, which JSON prints as null
// and which "insufficient data" logic can test for).

import { quantileSorted } from 'simple-statistics';

/** Ascending copy; never mutates the caller's array. */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((x, y) => x - y);
}

/**
 * The p-quantile (0 ≤ p ≤ 1) by linear interpolation between order statistics at rank (n−1)·p:
 * Hyndman & Fan type 7, the default of R and numpy, as simple-statistics 7 implements it (so the
 * median of [1,2,3,4] is 2.5 and p99 of 0..99 is 98.01). NaN for an empty input.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  return quantileSorted(sortedCopy(values), p);
}

/** Median; NaN for an empty input. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
