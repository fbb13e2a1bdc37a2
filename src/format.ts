// How cpdiag spells a quantity for people. Every report, diagnosis evidence line, sweep reason,
// inspection and CLI message goes through these, so that the same number reads the same wherever
// it appears (an RSS is "230.6 MiB" in the sweep table, the run summary, the diagnosis and the
// inspection alike). Numbers stored in documents are rounded by src/numbers.ts; these return text.
//
// The rules, one per kind of quantity:
// - numbers and rates: 3 significant digits, no trailing zeros, thousands grouped: "0.123",
//   "45.6", "1,234" (from 1,000 up, whole numbers: more digits than 3 there, never "1.23e+3");
// - counts: whole numbers, grouped: "12,345";
// - bytes: binary units; B whole, KiB and MiB with one decimal, GiB with two: "230.6 MiB";
// - percentages: a share of 1, as a number (rule above) of percent: "93%", "12.3%", "0.05%";
// - changes: signed percent of a ratio, "+12.3%", or signed percentage points, "+0.5pp";
// - durations: ms below 10 s ("12.3 ms", "1,234 ms"), seconds below a minute ("12.3 s"), then
//   clock units ("3m 12s", "1h 2m", "2d 3h");
// - confidences (scores in 0..1): two decimals, "0.83".
// A missing or non-finite value reads "–".

const NONE = '–';
const KIB = 1024;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

function missing(value: number | null | undefined): value is null | undefined {
  return value === undefined || value === null || !Number.isFinite(value);
}

function grouped(value: number): string {
  // maximumFractionDigits only lifts Intl's default of 3; the digits were already chosen.
  return value.toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** `significant` significant digits (3 unless asked), whole numbers from 10^significant up. */
export function formatNumber(value: number | null | undefined, significant = 3): string {
  if (missing(value)) return NONE;
  if (value === 0) return '0';
  const rounded = Math.abs(value) >= 10 ** significant ? Math.round(value) : Number(value.toPrecision(significant));
  return grouped(rounded);
}

/** Requests (or anything) per second; the unit word is the caller's. */
export function formatRate(perS: number | null | undefined): string {
  return formatNumber(perS);
}

/** A whole count: requests, errors, samples. */
export function formatCount(n: number | null | undefined): string {
  return missing(n) ? NONE : grouped(Math.round(n));
}

export function formatBytes(bytes: number | null | undefined): string {
  if (missing(bytes)) return NONE;
  const abs = Math.abs(bytes);
  if (abs >= GIB) return `${(bytes / GIB).toFixed(2)} GiB`;
  if (abs >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (abs >= KIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** A share of 1 as percent: 0.934 → "93.4%". CPU "percent of one core" passes cpuPercent / 100. */
export function formatPercent(share: number | null | undefined): string {
  return missing(share) ? NONE : `${formatNumber(share * 100)}%`;
}

function signed(value: number, text: string): string {
  return value >= 0 ? `+${text}` : text;
}

/** A ratio as a signed relative change: 1.123 → "+12.3%", 0.9 → "-10%". */
export function formatPercentChange(ratio: number | null | undefined): string {
  return missing(ratio) ? NONE : signed(ratio - 1, formatPercent(ratio - 1));
}

/** A difference of two shares in signed percentage points: 0.005 → "+0.5pp". */
export function formatPercentPoints(shareDiff: number | null | undefined): string {
  return missing(shareDiff) ? NONE : signed(shareDiff, `${formatNumber(shareDiff * 100)}pp`);
}

/** A duration given in ms: "12.3 ms" below 10 s, then as formatSeconds. */
export function formatMs(ms: number | null | undefined): string {
  if (missing(ms)) return NONE;
  return Math.abs(ms) >= 10_000 ? formatSeconds(ms / 1000) : `${formatNumber(ms)} ms`;
}

/** A duration given in s: "12.3 s" below a minute, then "3m 12s", "1h 2m", "2d 3h". */
export function formatSeconds(s: number | null | undefined): string {
  if (missing(s)) return NONE;
  if (Math.abs(s) < 60) return `${formatNumber(s)} s`;
  const sign = s < 0 ? '-' : '';
  const t = Math.abs(s);
  if (t < 3600) return `${sign}${Math.floor(t / 60)}m ${Math.floor(t % 60)}s`;
  if (t < 86400) return `${sign}${Math.floor(t / 3600)}h ${Math.floor((t % 3600) / 60)}m`;
  return `${sign}${Math.floor(t / 86400)}d ${Math.floor((t % 86400) / 3600)}h`;
}

/** A score in 0..1 (a cause's confidence): two decimals, so that ranks read as ranked. */
export function formatConfidence(score: number | null | undefined): string {
  return missing(score) ? NONE : score.toFixed(2);
}
