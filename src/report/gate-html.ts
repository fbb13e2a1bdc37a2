// A gate as ONE self-contained HTML page (see html-page.ts): the outcome and the metric table
// first, then one chart per metric on the metric's own axis: every measured run of A and of B as
// a point (in run order, left to right), each side's median, B's value as the change interval
// implies it (A's median × the ratio interval, or + the shift interval), the budget band — the
// values B may take without a regression beyond the tolerance — and the verdict in colour.
import { formatSeconds } from '../format.js';
import type { GateDocument, MetricResult } from '../gate/gate-document.js';
import { METRIC_DEFINITIONS } from '../gate/metric-spec.js';
import { METRIC_HEADER, VERDICT_WORD, metricRow, planLine, sidesLine } from './gate-format.js';
import { canvasHtml, escapeHtml as esc, listHtml, renderHtmlPage, tableHtml } from './html-page.js';

/** The axis a metric is drawn on: error rates in percent, RSS growth in KiB/s, the rest in the metric's unit. */
function axisOf(r: MetricResult): { scale: number; unit: string } {
  if (r.metric === 'error_rate') return { scale: 100, unit: '%' };
  if (r.metric === 'rss_slope') return { scale: 1 / 1024, unit: 'KiB/s' };
  // MetricResult.unit is the budget's unit ("%" for a relative one); the values are in the metric's.
  return { scale: 1, unit: METRIC_DEFINITIONS.find((d) => d.name === r.metric)?.unit ?? '' };
}

/** B's value as the change interval implies it: [estimate, low, high] in the metric's unit, or null. */
function impliedB(r: MetricResult): [number, number, number] | null {
  if (r.a_median === null) return null;
  if (r.tolerance_kind === 'relative' && r.ratio !== null && r.ratio_ci) {
    return [r.a_median * r.ratio, r.a_median * r.ratio_ci[0], r.a_median * r.ratio_ci[1]];
  }
  if (r.diff !== null && r.diff_ci) return [r.a_median + r.diff, r.a_median + r.diff_ci[0], r.a_median + r.diff_ci[1]];
  return null;
}

/** The limit B may reach without a regression beyond the budget, and on which side "better" lies. */
function budgetLimit(r: MetricResult): number | null {
  const lower = r.direction === 'lower_is_better';
  if (r.tolerance_kind === 'slope') return r.tolerance;
  if (r.a_median === null) return null;
  if (r.tolerance_kind === 'relative') return r.a_median * (lower ? 1 + r.tolerance : 1 - r.tolerance);
  return r.a_median + (lower ? r.tolerance : -r.tolerance);
}

function chartData(doc: GateDocument) {
  return {
    metrics: doc.metrics.map((r) => {
      const { scale, unit } = axisOf(r);
      const s = (v: number | null) => (v === null ? null : v * scale);
      const implied = impliedB(r);
      return {
        label: r.label,
        spec: r.spec,
        unit,
        verdict: r.verdict,
        verdict_word: VERDICT_WORD[r.verdict],
        lower_is_better: r.direction === 'lower_is_better',
        a: r.a_values.map((v) => v * scale),
        b: r.b_values.map((v) => v * scale),
        a_median: s(r.a_median),
        b_median: s(r.b_median),
        implied: implied ? implied.map((v) => v * scale) : null,
        limit: s(budgetLimit(r)),
      };
    }),
  };
}

const VERDICT_COLOUR: Record<MetricResult['verdict'], string> = {
  regression: '#c0392b',
  improvement: '#1f77b4',
  no_change: '#2a7d2a',
  inconclusive: '#b8860b',
};

const PAGE_SCRIPT = String.raw`
  var VC = ${JSON.stringify(VERDICT_COLOUR)};
  D.metrics.forEach(function (m, i) {
    // Runs of a side spread over ±0.25 around its position, in run order.
    function spread(values, at) { return values.map(function (v, j) { return { x: at + (values.length > 1 ? (j / (values.length - 1) - 0.5) * 0.5 : 0), y: v }; }); }
    function bar(y, at, label, colour) { return { label: label, data: [{ x: at - 0.3, y: y }, { x: at + 0.3, y: y }], showLine: true, pointRadius: 0, borderWidth: 3, borderColor: colour, backgroundColor: colour }; }
    var vc = VC[m.verdict];
    var sets = [
      { label: 'A runs', data: spread(m.a, 0), pointRadius: 5, borderColor: '#555', backgroundColor: 'rgba(85,85,85,0.55)' },
      { label: 'B runs', data: spread(m.b, 1), pointRadius: 5, pointStyle: 'rectRot', borderColor: vc, backgroundColor: vc }
    ];
    if (m.a_median !== null) sets.push(bar(m.a_median, 0, 'median', '#222'));
    if (m.b_median !== null) sets.push(bar(m.b_median, 1, '', '#222'));
    if (m.implied) {
      sets.push({ label: 'B by the change interval', data: [{ x: 2, y: m.implied[1] }, { x: 2, y: m.implied[2] }], showLine: true, borderWidth: 3, pointStyle: 'line', pointRadius: 9, pointBorderWidth: 3, borderColor: vc, backgroundColor: vc });
      sets.push({ label: '', data: [{ x: 2, y: m.implied[0] }], pointRadius: 5, borderColor: vc, backgroundColor: '#fff', pointBorderWidth: 2 });
    }
    var plugins = [];
    if (m.limit !== null) {
      plugins.push(CP.band(m.lower_is_better ? null : m.limit, m.lower_is_better ? m.limit : null, 'rgba(42,125,42,0.09)', 'within budget'));
      plugins.push(CP.hline(m.limit, 'budget limit ' + Number(m.limit.toPrecision(3)) + ' ' + m.unit, '#c0392b'));
    }
    // The axis takes in the runs, the interval and the limit, whatever lies furthest.
    var ys = m.a.concat(m.b).concat(m.implied || []).concat(m.limit !== null ? [m.limit] : []);
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys), pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.1 || 1;
    CP.make('chart-metric-' + i, { type: 'scatter', data: { datasets: sets }, plugins: plugins, options: {
      plugins: { title: { display: true, text: m.spec + ': ' + m.verdict_word, color: vc, font: { size: 14 } }, legend: { labels: { boxWidth: 10, font: { size: 10 }, filter: function (item) { return item.text !== ''; } } } },
      scales: { x: { type: 'linear', min: -0.5, max: 2.4, grid: { display: false },
          afterBuildTicks: function (axis) { axis.ticks = [{ value: 0 }, { value: 1 }, { value: 2 }]; },
          ticks: { callback: function (v) { return v === 0 ? 'A (' + m.a.length + ' runs)' : v === 1 ? 'B (' + m.b.length + ' runs)' : 'B via change CI'; } } },
        y: { suggestedMin: lo - pad, suggestedMax: hi + pad, title: { display: true, text: m.label + ' (' + m.unit + ')' } } } } });
  });
`;

export function renderGateHtml(doc: GateDocument): string {
  const title = `cpdiag gate: ${doc.scenario}${doc.complete ? '' : ' (incomplete)'}`;
  const env = doc.environment;
  const subtitle = `${esc(sidesLine(doc))}. ${esc(planLine(doc))}${doc.warmup_runs ? `, after ${doc.warmup_runs} warm-up run${doc.warmup_runs === 1 ? '' : 's'} per side (not compared)` : ''}. Started ${esc(doc.started_at)}; ${env.cores} cores (${esc(env.cpu_model)}). cpdiag ${esc(doc.cpdiag_version)}.`;
  const outcomeClass = doc.outcome === 'regression' ? 'rec bad' : doc.outcome === 'inconclusive' ? 'rec warn' : 'rec';
  const cards = doc.metrics
    .map((r, i) => `<div><h3>${esc(r.label)} <span class="badge v-${r.verdict}">${esc(VERDICT_WORD[r.verdict])}</span></h3>${canvasHtml(`chart-metric-${i}`, 400, 300)}<p class="dim" style="max-width:400px;font-size:12px">${esc(r.reason)}</p></div>`)
    .join('\n');
  const body = `<section class="${outcomeClass}"><p class="reason">${esc(doc.summary)}</p><p>exit code ${doc.exit_code}; ${formatSeconds(doc.duration_s)}</p></section>
<h2>Metrics</h2>${tableHtml(METRIC_HEADER, doc.metrics.map((r) => metricRow(r, doc)))}
${doc.warnings.length ? `<h2>Warnings</h2>${listHtml(doc.warnings)}` : ''}
<h2>Runs against the budget</h2>
<p class="dim">Each chart: A's and B's measured runs in run order, each side's median (bar), B as the change interval puts it (open dot and bar at the right: the estimate and its confidence interval), and the budget band: where B may lie without a regression beyond the tolerance.</p>
<div class="row">
${cards}
</div>`;
  return renderHtmlPage({ title, subtitleHtml: subtitle, bodyHtml: body, data: chartData(doc), script: PAGE_SCRIPT });
}
