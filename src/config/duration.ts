// Durations as people type them ("30", "30s", "500ms", "2m"), shared by every command's flags and
// by the lean serve entry, so that both refuse the same text with the same words.

/** Returns seconds; throws RangeError with a one-line message for anything else. */
export function parseDurationText(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!m) throw new RangeError(`expected a duration like 10s, 500ms or 2m, got "${text}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : n;
}
