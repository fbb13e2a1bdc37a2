// What the recommended value costs, read off the sweep's own steps: the capacity it buys over the
// next smaller tested value, and what the next larger one would add, each against the RSS it took
// ("thread_pool 16 → 24: +20.3% capacity (690 → 830 requests/s) for +66.4 MiB RSS"). RSS is each
// step's last process sample, the figure the steps table shows, so the two read alike.
import { formatBytes, formatPercentChange, formatRate } from '../format.js';
import type { SweepDocument, SweepStep } from '../sweep/sweep-document.js';
import { groupByValue } from '../sweep/analyze-sweep.js';

export interface StepChange {
  from: number;
  to: number;
  fromCapacityRps: number;
  toCapacityRps: number;
  fromRssBytes: number | null;
  toRssBytes: number | null;
}

function rssOf(s: SweepStep): number | null {
  return s.probes.at(-1)?.rss_bytes ?? null;
}

function change(a: SweepStep, b: SweepStep): StepChange | null {
  if (a.capacity_rps === null || b.capacity_rps === null || !(a.capacity_rps > 0)) return null;
  return { from: a.value, to: b.value, fromCapacityRps: a.capacity_rps, toCapacityRps: b.capacity_rps, fromRssBytes: rssOf(a), toRssBytes: rssOf(b) };
}

/** The steps either side of the recommended value (one-setting sweeps only; null where there is none). */
export function recommendationChanges(doc: SweepDocument): { below: StepChange | null; above: StepChange | null } | null {
  const value = doc.recommendation?.value;
  if (doc.setting2 || value === null || value === undefined) return null;
  // One step per value, repeats folded into its capacity as the recommendation saw it (a repeat
  // is not "one value further": the example once read "thread_pool 16 → 16: +12.2%").
  const ok = groupByValue(doc.steps.filter((s) => s.status === 'ok')).map((g) => g.step);
  const i = ok.findIndex((s) => s.value === value);
  if (i < 0) return null;
  return { below: i > 0 ? change(ok[i - 1], ok[i]) : null, above: i + 1 < ok.length ? change(ok[i], ok[i + 1]) : null };
}

function describe(setting: string, c: StepChange): string {
  const rss = c.fromRssBytes !== null && c.toRssBytes !== null
    ? ` for ${c.toRssBytes >= c.fromRssBytes ? '+' : ''}${formatBytes(c.toRssBytes - c.fromRssBytes)} RSS (${formatBytes(c.fromRssBytes)} → ${formatBytes(c.toRssBytes)})`
    : '';
  return `${setting} ${c.from} → ${c.to}: ${formatPercentChange(c.toCapacityRps / c.fromCapacityRps)} capacity (${formatRate(c.fromCapacityRps)} → ${formatRate(c.toCapacityRps)} requests/s)${rss}`;
}

/** One sentence each: what the recommended value bought over the value below it, and what the value above would add. */
export function recommendationCostLines(doc: SweepDocument): string[] {
  const c = recommendationChanges(doc);
  if (!c) return [];
  const lines: string[] = [];
  if (c.below) lines.push(`Its cost: ${describe(doc.setting, c.below)}.`);
  if (c.above) lines.push(`One value further: ${describe(doc.setting, c.above)}.`);
  else lines.push(`No larger value was tested above ${doc.recommendation!.value}.`);
  return lines;
}
