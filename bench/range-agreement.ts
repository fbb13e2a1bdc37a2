// Does one sweep's answer agree with another's? The stability bench's cross-condition check, in
// two readings, both printed:
//   literal      every run's range contains every other run's value (issue 11's wording)
//   bound-aware  a run whose range is open above ("16 or more": the machine's CPU was the limit, or
//                capacity still grew at the largest value) claims a lower bound, not a value: it
//                agrees with another run's range when that range reaches its bound (open above, or
//                its upper end at or above it). A closed range, and the value of a run that is not
//                a bound, are read literally. A lower bound above another run's value is still a
//                miss: a busier machine can only bring a plateau, and so its start, down.
// A quiet run's "24–32" and a busy run's "16 or more" then agree (24 is 16 or more), where the
// literal reading counts 16 as outside 24–32 — as if the busy run had said "16".

export interface RunAnswer {
  value: number | null;
  range: { low: number; high: number | null } | null;
}

/** Literal: `a`'s range contains `b`'s value. */
export function rangeContainsValue(a: RunAnswer, b: RunAnswer): boolean {
  if (!a.range || b.value === null) return false;
  return b.value >= a.range.low && (a.range.high === null || b.value <= a.range.high);
}

/** Bound-aware: `b`'s answer read as a lower bound when its range is open above, else as its value. */
export function rangeAgreesWith(a: RunAnswer, b: RunAnswer): boolean {
  if (!a.range || !b.range || b.value === null) return false;
  if (b.range.high !== null) return rangeContainsValue(a, b);
  return a.range.high === null || a.range.high >= b.range.low;
}

/** Every ordered pair of distinct runs that fails `agrees`, as [a, b]. */
export function disagreements<T extends RunAnswer>(runs: readonly T[], agrees: (a: RunAnswer, b: RunAnswer) => boolean): [T, T][] {
  const out: [T, T][] = [];
  for (const a of runs) for (const b of runs) if (a !== b && !agrees(a, b)) out.push([a, b]);
  return out;
}
