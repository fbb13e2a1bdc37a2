// The sweep as Markdown (report.md, CI comments): recommendation first here, since a reader of
// a file starts at the top; then the table, the ramps, the chart, the knee and the diagnosis.
import { formatCherryPyConfig } from '../config/settings.js';
import type { SweepDocument } from '../sweep/sweep-document.js';
import { renderDiagnosisMarkdown } from './diagnosis-markdown.js';
import { formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';
import { markdownTable } from './table.js';
import { formatLatencyMs } from '../load/censored-latency.js';
import { renderCapacityChart } from './sweep-chart-text.js';
import { kneeLines, rampLines, recommendationDetails, sweepTableRows } from './sweep-text.js';
import { describeRecordedTarget } from '../target/target-kinds.js';

export function renderSweepMarkdown(doc: SweepDocument): string {
  const out: string[] = [];
  const target = describeRecordedTarget(doc.target, (text) => `\`${text}\``);
  out.push(`# cpdiag sweep: ${doc.setting}${doc.setting2 ? ` × ${doc.setting2}` : ''}${doc.complete ? '' : ' (incomplete)'}`, '');
  out.push(
    `${doc.steps.length} steps against ${target}, ${doc.load.mix.map((m) => `\`${m.method} ${m.path}\``).join(', ')}; SLO p99 < ${doc.slo.p99_ms} ms and errors < ${formatPercent(doc.slo.error_rate)}. ` +
      `Started ${doc.started_at}, ${formatSeconds(doc.budget.wall_s)} wall time on ${doc.environment.cores} cores (${doc.environment.cpu_model}), load average ${doc.environment.load_average.map((x) => x.toFixed(2)).join(' ')}.`,
    '',
  );
  const r = doc.recommendation;
  if (r) {
    out.push('## Recommendation', '', `**${r.reason}**`, '');
    if (r.value !== null) {
      const settings = { [r.setting]: r.value, ...(r.setting2 && r.value2 !== null && r.value2 !== undefined ? { [r.setting2]: r.value2 } : {}) };
      out.push('```ini', formatCherryPyConfig(settings), '```', '');
    }
    const details = recommendationDetails(doc);
    if (details.length) out.push(...details.map((d) => `- ${d}`), '');
    if (r.theory) out.push(`Check: ${r.theory}.`, '');
    if (r.cannot_tell.length) out.push('What the data cannot tell:', '', ...r.cannot_tell.map((x) => `- ${x}`), '');
  }
  out.push('## Steps', '');
  const t = sweepTableRows(doc);
  out.push(markdownTable(t.header, t.rows), '');
  out.push('(r) = added by refinement around the knee; (rep) = a repeat of the capacity search at a leading candidate (the chart shows each value\'s geometric mean).', '');
  out.push('## Capacity by value', '', '```', renderCapacityChart(doc), '```', '');
  out.push('## Knee, scaling and drift', '', ...kneeLines(doc).map((l) => `- ${l}`), '');
  if (doc.theory) {
    const t = doc.theory;
    const measured = t.model === 'M/G/c Allen–Cunneen' ? `, with the measured service times (c_s ${formatNumber(t.service_cv)}, M/G/c by Allen–Cunneen) ${t.pool_for_slo ?? '–'}` : '';
    const none = t.no_pool ? ` (${t.no_pool})` : '';
    out.push(`Queueing numbers: service time ${formatMs(t.service_time_ms)}, target load ${formatRate(t.target_rps)} rps, Little's law ${formatNumber(t.littles_law_workers)} busy workers; pool for p99 within the SLO: Erlang C (exponential service) ${t.erlang_c_pool ?? '–'}${measured}${none}.`, '');
  }
  out.push('## Ramps', '', ...rampLines(doc).map((l) => `- ${l}`), '');
  for (const s of [...doc.steps].sort((a, b) => a.value - b.value || (a.value2 ?? 0) - (b.value2 ?? 0))) {
    if (s.levels.length === 0) continue;
    out.push(`<details><summary>${doc.setting}=${s.value}${s.value2 !== undefined ? ` ${doc.setting2}=${s.value2}` : ''}: ${s.levels.length} levels</summary>`, '');
    out.push(
      markdownTable(
        ['load', 'throughput rps', 'p50', 'p90', 'p99', 'max', 'errors', 'all busy', 'queue p99', 'CPU %', 'ctx/req'],
        s.levels.map((l) => [
          l.offered_rps !== undefined ? `${formatRate(l.offered_rps)} rps` : `${l.connections} conns`,
          formatRate(l.throughput_rps),
          formatLatencyMs(l.latency_ms, 'p50'),
          formatLatencyMs(l.latency_ms, 'p90'),
          formatLatencyMs(l.latency_ms, 'p99'),
          formatLatencyMs(l.latency_ms, 'max'),
          formatPercent(l.errors.rate),
          formatPercent(l.saturation?.all_busy_share),
          formatNumber(l.saturation?.queue_p99),
          formatNumber(l.cpu_percent_mean),
          formatNumber(l.ctx_per_request),
        ]),
      ),
      '',
      '</details>',
      '',
    );
  }
  if (doc.events.length) out.push('## Events', '', ...doc.events.map((e) => `- ${e.kind}: ${e.message}`), '');
  if (doc.diagnosis) out.push('## Diagnosis', '', renderDiagnosisMarkdown(doc.diagnosis));
  out.push('', `_Open report.html for the charts; sweep.json holds every level (schema ${doc.schema})._`, '');
  return out.join('\n');
}
