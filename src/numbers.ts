// Rounding of numbers stored in documents (run records, sweeps, inspections), so that the JSON
// carries the precision measured and no float noise (0.30000000000000004). Text for people is
// spelled by src/format.ts, not here.

/** Decimals kept for stored figures: µs for values in ms, ms for values in s, 0.1% for shares. */
export const STORED_DECIMALS = 3;

/** `value` rounded to `decimals` places (half away from zero for positives, as Math.round). */
export function roundTo(value: number, decimals: number = STORED_DECIMALS): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
