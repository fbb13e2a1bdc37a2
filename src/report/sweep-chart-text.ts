// Capacity against the setting as a text chart for the terminal: one bar per value, the fitted
// USL curve as a marker on each row, and the knee and the recommendation flagged. A grid sweep
// gets a text heatmap instead (capacity per pair, shaded by share of the best).
import type { SweepDocument } from '../sweep/sweep-document.js';
import { groupByValue } from '../sweep/analyze-sweep.js';
import { uslPredict } from '../analysis/usl.js';
import { formatMs, formatNumber, formatRate } from '../format.js';

const BAR_WIDTH = 44;
/** Columns beside the bar: the label, the axis, the capacity and the marks ("knee ◄ recommended"). */
const BESIDE_BAR = 36;
const MIN_BAR_WIDTH = 16;
const SHADES = [' ', '░', '▒', '▓', '█'];

/** `width`: the terminal's columns; the bars shrink to fit it (never under MIN_BAR_WIDTH). */
export function renderCapacityChart(doc: SweepDocument, width = Infinity): string {
  if (doc.setting2) return renderGridHeatmap(doc);
  const barWidth = Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, width - BESIDE_BAR));
  if (doc.steps.some((s) => s.timeout)) return renderTimeoutChart(doc);
  // One bar per value: with repeats, the geometric mean of its runs (as the recommendation compares them).
  const groups = groupByValue(doc.steps.filter((s) => s.status === 'ok'));
  if (groups.length === 0) return '(no finished steps to chart)';
  const steps = groups.map((g) => g.step);
  const usl = doc.usl && doc.usl.ok ? doc.usl : null;
  const predictions = steps.map((s) => (usl ? uslPredict(usl, s.value) : NaN));
  const top = Math.max(1, ...steps.map((s) => s.capacity_rps ?? 0), ...predictions.filter(Number.isFinite));
  const labelWidth = Math.max(...steps.map((s) => String(s.value).length));
  const lines = [`capacity (requests/s within p99 < ${doc.slo.p99_ms} ms) by ${doc.setting}${usl ? '   ┆ = USL fit' : ''}`];
  steps.forEach((s, i) => {
    const cap = s.capacity_rps ?? 0;
    const cells = Array.from({ length: barWidth }, () => ' ');
    const full = (cap / top) * barWidth;
    for (let k = 0; k < Math.floor(full); k++) cells[k] = '█';
    if (full - Math.floor(full) >= 0.5 && Math.floor(full) < barWidth) cells[Math.floor(full)] = '▌';
    if (Number.isFinite(predictions[i])) {
      const at = Math.min(barWidth - 1, Math.max(0, Math.round((predictions[i] / top) * barWidth) - 1));
      cells[at] = cells[at] === ' ' ? '┆' : '╫';
    }
    const marks: string[] = [];
    const runs = groups[i].runs;
    if (runs.length > 1) marks.push(`(${runs.length} runs: ${formatRate(Math.min(...runs))}–${formatRate(Math.max(...runs))})`);
    if (doc.knee?.value === s.value && !doc.knee.still_growing) marks.push('knee');
    if (doc.recommendation?.value === s.value) marks.push('◄ recommended');
    if (s.origin === 'refine') marks.push('(refined)');
    lines.push(`${String(s.value).padStart(labelWidth)} │${cells.join('')} ${(s.capacity_rps === null ? '–' : formatRate(s.capacity_rps)).padStart(6)}  ${marks.join(' ')}`.trimEnd());
  });
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(barWidth)}`);
  return lines.join('\n');
}

function renderGridHeatmap(doc: SweepDocument): string {
  const v1 = [...new Set(doc.steps.map((s) => s.value))].sort((a, b) => a - b);
  const v2 = [...new Set(doc.steps.map((s) => s.value2 ?? NaN))].sort((a, b) => a - b);
  const best = Math.max(1, ...doc.steps.map((s) => s.capacity_rps ?? 0));
  const w = 9;
  const lines = [`capacity (requests/s within p99 < ${doc.slo.p99_ms} ms): rows ${doc.setting}, columns ${doc.setting2}`];
  lines.push(`${''.padStart(8)}${v2.map((v) => String(v).padStart(w)).join('')}`);
  for (const a of v1) {
    const cells = v2.map((b) => {
      const s = doc.steps.find((x) => x.value === a && x.value2 === b);
      if (!s || s.status !== 'ok') return (s ? 'failed' : '').padStart(w);
      const cap = s.capacity_rps ?? 0;
      const shade = SHADES[Math.min(SHADES.length - 1, Math.round((cap / best) * (SHADES.length - 1)))];
      const mark = doc.recommendation?.value === a && doc.recommendation?.value2 === b ? '*' : ' ';
      return `${shade}${mark}${formatRate(cap)}`.padStart(w);
    });
    lines.push(`${String(a).padStart(8)}${cells.join('')}`);
  }
  lines.push('  (* recommended; shade: share of the best capacity)');
  return lines.join('\n');
}

/** Timeout sweeps: normal clients' p99 and the worker-seconds held, one bar pair per value. */
function renderTimeoutChart(doc: SweepDocument): string {
  const steps = doc.steps.filter((s) => s.status === 'ok' && s.timeout).sort((a, b) => a.value - b.value);
  const topP99 = Math.max(1, ...steps.map((s) => s.timeout!.normal_p99_ms));
  const topHeld = Math.max(1, ...steps.map((s) => s.timeout!.worker_seconds_held));
  const w = 20;
  const labelWidth = Math.max(...steps.map((s) => String(s.value).length));
  const lines = [`normal clients' p99 (left) and worker-seconds held (right) by ${doc.setting}`];
  for (const s of steps) {
    const t = s.timeout!;
    const a = '█'.repeat(Math.round((t.normal_p99_ms / topP99) * w)).padEnd(w);
    const b = '▒'.repeat(Math.round((t.worker_seconds_held / topHeld) * w)).padEnd(w);
    const mark = doc.recommendation?.value === s.value ? '  ◄ recommended' : '';
    lines.push(`${String(s.value).padStart(labelWidth)} │${a} ${formatMs(t.normal_p99_ms).padStart(8)} │${b} ${formatNumber(t.worker_seconds_held).padStart(6)}${mark}`);
  }
  return lines.join('\n');
}
