// The sweep for a terminal, the answer first: the recommendation, its queueing cross-check and the
// top cause; then the evidence: a table with a row per value (columns dropped, lowest priority
// first, to fit the width), the capacity chart, the knee and USL fit, drift, each value's ramp in
// a line or two, the full diagnosis, and what the data cannot tell. Returns text.
// sweepTableRows, rampLines and kneeLines are the Markdown and HTML reports' too.
import type { ChalkInstance } from 'chalk';
import type { SweepDocument, SweepStep } from '../sweep/sweep-document.js';
import { renderDiagnosisText, topCauseLines } from './diagnosis-text.js';
import { formatBytes, formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';
import { formatLatencyMs } from '../load/censored-latency.js';
import { collapseList, DEFAULT_VIEW, displayWidth, fitTable, hiddenColumnsNote, wrapText, type TextView } from './text-layout.js';
import { renderCapacityChart } from './sweep-chart-text.js';
import { describeRecordedTarget } from '../target/target-kinds.js';

export function sweepTableRows(doc: SweepDocument): { header: string[]; rows: string[][] } {
  const timeout = doc.steps.some((s) => s.timeout);
  const header = [
    doc.setting2 ? `${doc.setting} × ${doc.setting2}` : doc.setting,
    ...(timeout ? ['normal p99', 'errors', 'slow failed', 'worker-s held'] : ['capacity rps', 'p99 @cap', 'p99 floor', 'knee rps', 'service ms', 'all busy', 'queue p99', 'ctx/req']),
    'RSS',
    'threads',
    'levels',
    'status',
  ];
  const rows = [...doc.steps]
    .sort((a, b) => a.value - b.value || (a.value2 ?? 0) - (b.value2 ?? 0))
    .map((s) => {
      const last = s.probes[s.probes.length - 1];
      const label = `${s.value}${s.value2 !== undefined ? ` × ${s.value2}` : ''}${s.origin === 'refine' ? ' (r)' : s.origin === 'repeat' ? ' (rep)' : ''}`;
      const main = timeout && s.timeout
        ? [formatMs(s.timeout.normal_p99_ms), formatPercent(s.timeout.normal_error_rate), `${s.timeout.slow_failed}/${s.timeout.slow_attempted}`, formatNumber(s.timeout.worker_seconds_held)]
        : timeout
          ? ['–', '–', '–', '–']
          : [
              s.capacity_rps === null ? '–' : formatRate(s.capacity_rps),
              formatLatencyMs(s.latency_ms, 'p99'),
              formatMs(s.knee.floor_p99_ms),
              s.knee.knee_rps === null ? '–' : formatRate(s.knee.knee_rps),
              formatNumber(s.service_time_ms),
              formatPercent(s.saturation?.all_busy_share),
              formatNumber(s.saturation?.queue_p99),
              formatNumber(s.ctx_per_request),
            ];
      return [label, ...main, formatBytes(last?.rss_bytes), last ? String(last.threads) : '–', String(s.levels.length), statusText(s)];
    });
  return { header, rows };
}

function statusText(s: SweepStep): string {
  if (s.status === 'ok') return 'ok';
  return s.status;
}

/** One line per value: the offered rates and p99 along the ramp, and why it stopped. */
export function rampLines(doc: SweepDocument): string[] {
  return [...doc.steps]
    .sort((a, b) => a.value - b.value || (a.value2 ?? 0) - (b.value2 ?? 0))
    .map((s) => {
      const head = `${doc.setting}=${s.value}${s.value2 !== undefined ? ` ${doc.setting2}=${s.value2}` : ''}`;
      if (s.status === 'failed') return `${head}: FAILED — ${s.error ?? 'unknown error'}`;
      const loads = s.levels.map((l) => (l.offered_rps !== undefined ? formatRate(l.offered_rps) : `${l.connections}c`)).join(' → ');
      const p99s = s.levels.map((l) => formatLatencyMs(l.latency_ms, 'p99')).join(' → ');
      const unit = s.levels[0]?.offered_rps !== undefined ? ' rps' : '';
      const states = s.threads_by_state_mean ? `; threads by state (mean) ${Object.entries(s.threads_by_state_mean).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}` : '';
      const tag = s.origin === 'repeat' ? ' (repeat)' : '';
      return `${head}${tag}: ${loads}${unit}; p99 ${p99s}${s.ramp_stop_reason ? `; stopped: ${s.ramp_stop_reason}` : ''}${states}${s.status === 'interrupted' ? ' (interrupted)' : ''}`;
    });
}

export function kneeLines(doc: SweepDocument): string[] {
  const out: string[] = [];
  if (doc.knee) out.push(`knee: ${doc.knee.still_growing ? 'none yet — ' : `${doc.setting} = ${doc.knee.value} — `}${doc.knee.reason}`);
  if (doc.usl) {
    if (doc.usl.ok) {
      // The peak only as findUslPeak judged it: inside the measured range, with a bootstrap interval.
      const peak = doc.usl.peak ? doc.usl.peak.text : 'peak not assessed (a document from before the bootstrap check)';
      out.push(`USL fit: σ = ${doc.usl.sigma.toFixed(4)} (contention), κ = ${doc.usl.kappa.toExponential(2)} (coherency), λ = ${formatRate(doc.usl.lambda)} rps per worker, R² = ${doc.usl.r2.toFixed(3)}, ${peak}`);
    } else {
      out.push(`USL fit: the data do not support a fit — ${doc.usl.reason ?? 'unknown reason'}`);
    }
  }
  if (doc.resources?.rss_bytes_per_unit !== undefined && doc.setting === 'thread_pool') {
    out.push(`resources: each extra worker adds about ${formatBytes(doc.resources.rss_bytes_per_unit)} RSS and ${formatNumber(doc.resources.threads_per_unit ?? 0)} OS threads`);
  }
  const drifting = doc.steps.flatMap((s) => Object.values(s.drift ?? {}).filter((d) => d?.drifting).map((d) => `${doc.setting}=${s.value}: ${d!.metric} ${d!.reason ?? 'drifting'}`));
  out.push(drifting.length ? `drift: ${drifting.join('; ')}` : 'drift: no step showed steady growth of RSS, fds or threads');
  return out;
}

/**
 * What the recommendation adds to its reason, one line each: the range (and, open above, why), the
 * test behind it, the cost of going up, and the models' disagreement when there is one.
 */
export function recommendationDetails(doc: SweepDocument): string[] {
  const r = doc.recommendation;
  if (!r || r.value === null) return [];
  const out: string[] = [];
  if (r.range?.text) out.push(`range: ${r.range.text}`);
  const runs = r.candidates?.filter((c) => c.runs_rps.length > 1);
  if (runs && runs.length > 0) out.push(`repeated: ${runs.map((c) => `${c.value}: ${c.runs_rps.map((x) => formatRate(x)).join(', ')} rps`).join('; ')}`);
  if (r.test) out.push(`test: ${r.test}`);
  if (r.cost) out.push(`cost of going up: ${r.cost.text}`);
  if (r.models) out.push(`models: ${r.models}`);
  return out;
}

/** The sweep table's columns, by how long each stays when the terminal is narrow. */
const COLUMN_PRIORITY: Record<string, number> = {
  'p99 @cap': 9, status: 8, RSS: 7, 'all busy': 6, 'queue p99': 5, 'knee rps': 4, 'p99 floor': 3,
  'service ms': 2, threads: 2, 'ctx/req': 1, levels: 1,
  'normal p99': 9, errors: 8, 'worker-s held': 7, 'slow failed': 6,
};

/** The answer: the recommended value and why, the queueing cross-check, and the top cause. */
export function sweepAnswerLines(doc: SweepDocument, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string[] {
  const w = view.width;
  const r = doc.recommendation;
  const lines: string[] = [];
  if (r) {
    lines.push(c.bold('Recommendation'));
    lines.push(...wrapText(r.value === null ? c.yellow(r.reason) : c.green(r.reason), w, '  '));
    if (!view.quiet) {
      for (const d of recommendationDetails(doc)) {
        const [head, ...rest] = d.split(': ');
        const text = rest.join(': ');
        lines.push(...wrapText(head === 'range' && r.range?.high === null ? c.yellow(text) : text, w, `  ${c.dim(`${head}:`)} `, '    '));
      }
      if (r.theory) lines.push(...wrapText(r.theory, w, `  ${c.dim('check:')} `, '    '));
    }
  } else {
    lines.push(c.yellow('No recommendation: no step finished.'));
  }
  const failed = doc.steps.filter((s) => s.status === 'failed');
  if (failed.length > 0 && failed.length === doc.steps.length) {
    // Nothing was measured: the first failure is the answer (the others are in Ramps).
    lines.push(...wrapText(c.red(`every step failed: ${(failed[0].error ?? 'unknown error').split('\n')[0]}`), w, '  ', '    '));
  } else {
    lines.push(...topCauseLines(doc.diagnosis, c, w));
  }
  return lines;
}

/**
 * Each value's ramp for a terminal: the offered loads and p99s along it in a line (the middle of
 * long ramps collapsed to "…" until the line fits), and why it stopped on the next.
 */
function compactRampLines(doc: SweepDocument, c: ChalkInstance, width: number): string[] {
  return [...doc.steps]
    .sort((a, b) => a.value - b.value || (a.value2 ?? 0) - (b.value2 ?? 0))
    .flatMap((s) => {
      const head = `  ${doc.setting}=${s.value}${s.value2 !== undefined ? ` ${doc.setting2}=${s.value2}` : ''}: `;
      if (s.status === 'failed') return wrapText(`FAILED — ${s.error ?? 'unknown error'}`, width, head, '    ');
      const unit = s.levels[0]?.offered_rps !== undefined ? ' rps' : '';
      const loads = s.levels.map((l) => (l.offered_rps !== undefined ? formatRate(l.offered_rps) : `${l.connections}c`));
      const p99s = s.levels.map((l) => formatLatencyMs(l.latency_ms, 'p99'));
      const build = (k: number) => `${head}${collapseList(loads, k, '…').join(' → ')}${unit}; p99 ${collapseList(p99s, k, '…').join(' → ')}`;
      let k = s.levels.length;
      while (k > 3 && displayWidth(build(k)) > width) k--;
      const lines = wrapText(build(k).slice(head.length), width, head, '    ');
      if (s.ramp_stop_reason) lines.push(...wrapText(c.dim(s.ramp_stop_reason), width, `    ${c.dim('stopped:')} `));
      if (s.status === 'interrupted') lines.push(`    ${c.yellow('interrupted')}`);
      return lines;
    });
}

/** The drift line, its list collapsed: one entry per drifting step and metric. */
function driftLines(doc: SweepDocument, width: number): string[] {
  const drifting = doc.steps.flatMap((s) => Object.values(s.drift ?? {}).filter((d) => d?.drifting).map((d) => `${doc.setting}=${s.value}: ${d!.metric} ${d!.reason ?? 'drifting'}`));
  if (drifting.length === 0) return wrapText('drift: no step showed steady growth of RSS, fds or threads', width);
  return [`drift in ${drifting.length} step${drifting.length === 1 ? '' : 's'}:`, ...collapseList(drifting, 4).flatMap((d) => wrapText(d, width, '  - ', '    '))];
}

export function renderSweepText(doc: SweepDocument, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const w = view.width;
  const target = describeRecordedTarget(doc.target);
  const mix = collapseList(doc.load.mix.map((m) => `${m.method} ${m.path}`), 3).join(', ');
  const title = c.bold(`cpdiag sweep ${doc.setting}${doc.setting2 ? ` × ${doc.setting2}` : ''}`) + (doc.complete ? '' : c.yellow('  (incomplete)'));
  // The answer first (what a person needs from a sweep), then the evidence for it.
  const answer = sweepAnswerLines(doc, c, view);
  if (view.quiet) return [title, ...answer].join('\n');
  const lines: string[] = [
    title,
    ...wrapText(c.dim(`${target}; ${mix}; SLO p99 < ${doc.slo.p99_ms} ms, errors < ${formatPercent(doc.slo.error_rate)}; ${doc.steps.length} steps in ${formatSeconds(doc.budget.wall_s)}`), w, '  '),
    '',
    ...answer,
    '',
  ];
  const t = sweepTableRows(doc);
  const table = fitTable(t.header.map((h) => ({ header: h, priority: COLUMN_PRIORITY[h] })), t.rows, w);
  lines.push(...table.lines);
  const note = hiddenColumnsNote(table.hidden, 'report.md');
  if (note) lines.push(...wrapText(c.dim(note), w));
  lines.push('');
  lines.push(...renderCapacityChart(doc, w).split('\n'), '');
  // kneeLines ends with the drift line, which a terminal gets collapsed (driftLines).
  for (const l of kneeLines(doc).slice(0, -1)) lines.push(...wrapText(l, w, '', '  '));
  lines.push(...driftLines(doc, w));
  for (const e of doc.events) if (e.kind !== 'error') lines.push(...wrapText(c.yellow(`! ${e.message}`), w, '', '  '));
  lines.push('', c.bold('Ramps') + c.dim(': offered load and p99 at each level'), ...compactRampLines(doc, c, w));
  if (doc.diagnosis) lines.push('', renderDiagnosisText(doc.diagnosis, c, view));
  const cannot = doc.recommendation?.cannot_tell ?? [];
  if (cannot.length) {
    lines.push('', c.bold('What the data cannot tell'));
    for (const x of cannot) lines.push(...wrapText(x, w, `  ${c.dim('-')} `));
  }
  return lines.join('\n');
}
