// The sweep for a terminal: a table with a row per value, each value's ramp in one line, the
// capacity chart, the knee and USL fit, the queueing cross-check, the diagnosis, and the
// recommendation last (what a person reads first when the scrolling stops). Returns text.
import type { ChalkInstance } from 'chalk';
import type { SweepDocument, SweepStep } from '../sweep/sweep-document.js';
import { renderDiagnosisText } from './diagnosis-text.js';
import { formatBytes, formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';
import { textTable } from './table.js';
import { formatLatencyMs } from '../load/censored-latency.js';
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

export function renderSweepText(doc: SweepDocument, c: ChalkInstance): string {
  const target = describeRecordedTarget(doc.target);
  const mix = doc.load.mix.map((m) => `${m.method} ${m.path}`).join(', ');
  const lines: string[] = [
    c.bold(`cpdiag sweep ${doc.setting}${doc.setting2 ? ` × ${doc.setting2}` : ''}`) + (doc.complete ? '' : c.yellow('  (incomplete)')),
    c.dim(`  ${target}; ${mix}; SLO p99 < ${doc.slo.p99_ms} ms, errors < ${formatPercent(doc.slo.error_rate)}; ${doc.steps.length} steps in ${formatSeconds(doc.budget.wall_s)}`),
    '',
  ];
  const t = sweepTableRows(doc);
  lines.push(textTable(t.header, t.rows), '');
  lines.push(c.bold('Ramps'), ...rampLines(doc).map((l) => `  ${l}`), '');
  lines.push(renderCapacityChart(doc), '');
  for (const l of kneeLines(doc)) lines.push(l);
  for (const e of doc.events) if (e.kind !== 'error') lines.push(c.yellow(`! ${e.message}`));
  if (doc.diagnosis) lines.push('', renderDiagnosisText(doc.diagnosis, c));
  const r = doc.recommendation;
  if (r) {
    lines.push('', c.bold('Recommendation'));
    lines.push(`  ${r.value === null ? c.yellow(r.reason) : c.green(r.reason)}`);
    for (const d of recommendationDetails(doc)) {
      const [head, ...rest] = d.split(': ');
      lines.push(`  ${c.dim(`${head}:`)} ${head === 'range' && r.range?.high === null ? c.yellow(rest.join(': ')) : rest.join(': ')}`);
    }
    if (r.theory) lines.push(`  ${c.dim('check:')} ${r.theory}`);
    if (r.cannot_tell.length) {
      lines.push(`  ${c.dim('the data cannot tell:')}`);
      for (const x of r.cannot_tell) lines.push(`    ${c.dim('-')} ${x}`);
    }
  }
  return lines.join('\n');
}
