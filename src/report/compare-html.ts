// The model comparison as ONE self-contained HTML page (html-page.ts, the sweep's chart runtime):
// the recommendation per workload, capacity by model and workload (bars), and per workload the
// p99 and the throughput of every model against the concurrency ladder, the SLO marked.
import type { CompareDocument } from '../compare/compare-document.js';
import { canvasHtml, escapeHtml as esc, listHtml, renderHtmlPage, tableHtml } from './html-page.js';
import { renderDiagnosisHtml } from './diagnosis-html.js';
import { compareSubtitle, compareTableRows, pastCapacityLines } from './compare-text.js';

function chartData(doc: CompareDocument) {
  return {
    slo: doc.slo,
    workloads: doc.workloads.map((w) => w.name),
    models: doc.models.map((m) => m.label),
    capacity: doc.workloads.map((w) => doc.models.map((m) => doc.summaries.find((s) => s.workload === w.name && s.label === m.label)?.capacity_rps ?? null)),
    ladders: doc.steps.map((s) => ({
      workload: s.workload,
      model: s.model_label,
      levels: s.levels.map((l) => ({ c: l.connections ?? 0, p99: l.latency_ms.p99, rps: l.throughput_rps })),
    })),
  };
}

const PAGE_SCRIPT = String.raw`
  var color = CP.color;
  CP.make('chart-capacity', { type: 'bar', data: { labels: D.workloads, datasets: D.models.map(function (m, i) {
    return { label: m, data: D.capacity.map(function (row) { return row[i]; }), backgroundColor: color(i) };
  }) }, options: { plugins: { title: { display: true, text: 'Capacity within the SLO by model and workload' } },
    scales: { y: { beginAtZero: true, title: { display: true, text: 'requests/s' } } } } });
  D.workloads.forEach(function (w, k) {
    var ladders = D.ladders.filter(function (l) { return l.workload === w && l.levels.length > 0; });
    function sets(pick) { return ladders.map(function (l) { var i = D.models.indexOf(l.model);
      return { label: l.model, data: l.levels.map(function (v) { return { x: v.c, y: pick(v) }; }), showLine: true, borderColor: color(i), backgroundColor: color(i) }; }); }
    var x = { type: 'logarithmic', title: { display: true, text: 'concurrent connections (log scale)' }, ticks: { callback: function (v) { return String(v); } } };
    CP.make('chart-p99-' + k, { type: 'scatter', data: { datasets: sets(function (v) { return v.p99; }) }, plugins: [CP.hline(D.slo.p99_ms, 'SLO ' + D.slo.p99_ms + ' ms', '#d62728')],
      options: { plugins: { title: { display: true, text: w + ': p99 by concurrency' } }, scales: { x: x, y: { type: 'logarithmic', title: { display: true, text: 'p99 (ms, log scale)' } } } } });
    CP.make('chart-rps-' + k, { type: 'scatter', data: { datasets: sets(function (v) { return v.rps; }) },
      options: { plugins: { title: { display: true, text: w + ': throughput by concurrency' } }, scales: { x: x, y: { beginAtZero: true, title: { display: true, text: 'requests/s' } } } } });
  });
`;

export function renderCompareHtml(doc: CompareDocument): string {
  const title = `cpdiag compare models${doc.complete ? '' : ' (incomplete)'}`;
  const t = compareTableRows(doc);
  const caveats = (doc.caveats ?? []).map((c) => `<p class="warn">Caveat: ${esc(c)}</p>`).join('');
  const rec = `<section class="rec"><h2>Recommendation</h2>${doc.recommendations.map((r) => `<p><b>${esc(r.workload)}</b>: ${esc(r.reason)}</p>`).join('')}${caveats}</section>`;
  const charts = doc.workloads.map((_, k) => `${canvasHtml(`chart-p99-${k}`, 600, 320)}${canvasHtml(`chart-rps-${k}`, 600, 320)}`).join('\n');
  const body = `${rec}
<h2>Models</h2>${tableHtml(t.header, t.rows, 2)}
<h2>Charts</h2>
<div class="row">${canvasHtml('chart-capacity', 600, 340)}
${charts}</div>
<h2>Past capacity</h2>${listHtml(pastCapacityLines(doc))}
${doc.events.length ? `<h2>Events</h2>${listHtml(doc.events.map((e) => `${e.kind}: ${e.message}`))}` : ''}
${renderDiagnosisHtml(doc.diagnosis, 'Diagnosis')}`;
  return renderHtmlPage({ title, subtitleHtml: esc(compareSubtitle(doc)), bodyHtml: body, data: chartData(doc), script: PAGE_SCRIPT });
}
