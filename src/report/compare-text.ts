// The model comparison for a terminal, the answer first: the recommendation per workload, then one
// table (a row per workload × model; columns dropped, lowest priority first, to fit the width) and
// what each model did past its capacity. compareTableRows is the Markdown and HTML reports' too.
import type { ChalkInstance } from 'chalk';
import type { CompareDocument, ModelSummary } from '../compare/compare-document.js';
import { formatBytes, formatCount, formatMs, formatNumber, formatRate, formatSeconds } from '../format.js';
import { describeRecordedTarget } from '../target/target-kinds.js';
import { renderDiagnosisText, topCauseLines } from './diagnosis-text.js';
import { DEFAULT_VIEW, fitTable, hiddenColumnsNote, wrapText, type TableColumn, type TextView } from './text-layout.js';

const COLUMNS: TableColumn[] = [
  { header: 'workload', align: 'left' },
  { header: 'model', align: 'left' },
  { header: 'capacity rps' },
  { header: 'at conns', priority: 3 },
  { header: 'max rps', priority: 4 },
  { header: 'p99 @50%', priority: 5 },
  { header: 'p99 @90%', priority: 6 },
  { header: 'past capacity', align: 'left', priority: 7 },
  { header: 'RSS', priority: 2 },
  { header: 'PSS', priority: 4 },
  { header: 'threads', priority: 3 },
  { header: 'procs', priority: 3 },
  { header: 'CPU ms/req', priority: 1 },
  { header: 'spread', priority: 2 },
  { header: 'LB CPU ms/req', priority: 2 },
];

function row(s: ModelSummary): string[] {
  const failed = s.status !== 'ok';
  return [
    s.workload,
    s.label,
    failed ? s.status : s.capacity_rps === null ? '–' : formatRate(s.capacity_rps),
    s.capacity_connections === null ? '–' : formatCount(s.capacity_connections),
    failed ? '–' : formatRate(s.max_throughput_rps),
    s.p99_at_50_ms === null ? '–' : formatMs(s.p99_at_50_ms),
    s.p99_at_90_ms === null ? '–' : formatMs(s.p99_at_90_ms),
    s.past_capacity,
    formatBytes(s.rss_max_bytes),
    formatBytes(s.pss_max_bytes),
    s.threads_max === null ? '–' : formatCount(s.threads_max),
    s.processes_max === null ? '–' : formatCount(s.processes_max),
    formatNumber(s.cpu_ms_per_request),
    // The busiest process over the mean: one shared socket against a balancer.
    s.process_skew === undefined || s.process_skew === null ? '–' : `${formatNumber(s.process_skew)}×`,
    s.balancer_cpu_ms_per_request === undefined || s.balancer_cpu_ms_per_request === null ? '–' : formatNumber(s.balancer_cpu_ms_per_request),
  ];
}

export function compareTableRows(doc: CompareDocument): { header: string[]; rows: string[][] } {
  return { header: COLUMNS.map((c) => c.header), rows: doc.summaries.map(row) };
}

/** One line per workload: what to run and why. */
export function recommendationLines(doc: CompareDocument): string[] {
  return doc.recommendations.map((r) => `${r.workload}: ${r.reason}`);
}

/** One line per workload × model that went past its capacity, or failed. */
export function pastCapacityLines(doc: CompareDocument): string[] {
  return doc.summaries.map((s) => `${s.workload}, ${s.label}: ${s.status === 'ok' ? s.past_capacity_text : (s.error ?? s.status)}`);
}

export function compareSubtitle(doc: CompareDocument, code: (t: string) => string = (t) => t): string {
  const target = describeRecordedTarget(doc.target, code);
  return `${doc.models.length} models × ${doc.workloads.length} workloads (${doc.workloads.map((w) => `${w.name} ${code(`GET ${w.path}`)}`).join(', ')}) against ${target}; ` +
    `closed loop at ${doc.levels.join(', ')} connections, ${formatSeconds(doc.level_s)} per level; SLO p99 < ${formatMs(doc.slo.p99_ms)}. ` +
    `Started ${doc.started_at}, ${formatSeconds(doc.budget.wall_s)} on ${doc.environment.cores} cores (${doc.environment.cpu_model}), load average ${doc.environment.load_average.map((x) => formatNumber(x)).join(' ')}.`;
}

export function renderCompareText(doc: CompareDocument, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const width = view.width;
  const out: string[] = [];
  out.push(c.bold(`compare models${doc.complete ? '' : ' (incomplete)'}`));
  for (const r of doc.recommendations) out.push(...wrapText(r.reason, width, c.bold(`${r.workload}: `)));
  for (const caveat of doc.caveats ?? []) out.push(...wrapText(caveat, width, c.yellow('caveat: ')));
  if (doc.diagnosis) out.push(...topCauseLines(doc.diagnosis, c, width));
  if (view.quiet) return out.join('\n');
  out.push('');
  const t = fitTable(COLUMNS, doc.summaries.map(row), width);
  out.push(...t.lines);
  const note = hiddenColumnsNote(t.hidden, 'report.md');
  if (note) out.push(c.dim(note));
  out.push('', c.bold('Past capacity'));
  for (const l of pastCapacityLines(doc)) out.push(...wrapText(l, width, '  ', '    '));
  if (doc.diagnosis) out.push('', renderDiagnosisText(doc.diagnosis, c, view));
  out.push('', ...wrapText(compareSubtitle(doc), width).map((l) => c.dim(l)));
  return out.join('\n');
}
