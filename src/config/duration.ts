// Durations as people type them ("30", "30s", "500ms", "1m30s", "2h"), shared by every command's
// flags and by the lean serve entry, so that both refuse the same text with the same words.

const DURATION_UNITS_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
export const DURATION_SYNTAX = 'a duration like 500ms, 10s, 1m30s or 2h';

/**
 * One duration syntax for every flag: a number and a unit (ms, s, m, h), several in decreasing
 * order ("1m30s", "1h2m3s", "2.5s"). A bare number is in `bareUnit` (seconds for most flags; the
 * flags that took milliseconds before durations keep that meaning). Returns seconds; throws
 * RangeError with a one-line message for anything else.
 * Hand-written rather than a package: `ms` has no compound form ("1m30s"), and `parse-duration`
 * accepts far more (words, negative values, units in any order) than a flag should.
 */
export function parseDurationText(text: string, bareUnit: 's' | 'ms' = 's'): number {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t) * DURATION_UNITS_S[bareUnit];
  let total = 0;
  let lastScale = Infinity;
  let at = 0;
  while (at < t.length) {
    DURATION_PART.lastIndex = at;
    const m = DURATION_PART.exec(t);
    const scale = m ? DURATION_UNITS_S[m[2]] : undefined;
    // Each unit once, largest first: "30s1m" and "1m1m" are typos, not durations.
    if (!m || scale === undefined || scale >= lastScale) throw new RangeError(`expected ${DURATION_SYNTAX}, got "${text}"`);
    total += Number(m[1]) * scale;
    lastScale = scale;
    at = DURATION_PART.lastIndex;
  }
  if (at === 0) throw new RangeError(`expected ${DURATION_SYNTAX}, got "${text}"`);
  // Sums of binary fractions (0.1 s + ...) are rounded to the microsecond.
  return Math.round(total * 1e6) / 1e6;
}
