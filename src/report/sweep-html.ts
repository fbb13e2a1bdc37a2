// The sweep as ONE self-contained HTML page (see html-page.ts): capacity by value with the fitted
// USL curve, the knee and the recommended value marked and ticks at the tested values; latency
// percentiles against offered load for a few representative values (the rest grey); RSS / fds /
// threads over time with each step's drift line; saturation and queue depth by value; a grid
// sweep adds a heatmap table, a timeout sweep its trade-off chart. The recommendation states its
// cost in capacity and RSS (sweep-cost.ts).
import { formatMs, formatPercent, formatRate, formatSeconds } from '../format.js';
import type { SweepDocument } from '../sweep/sweep-document.js';
import { renderDiagnosisHtml } from './diagnosis-html.js';
import { canvasHtml, escapeHtml as esc, listHtml, renderHtmlPage, tableHtml } from './html-page.js';
import { recommendationCostLines } from './sweep-cost.js';
import { kneeLines, rampLines, recommendationDetails, sweepTableRows } from './sweep-text.js';
import { describeRecordedTarget } from '../target/target-kinds.js';
import { formatLatencyMs } from '../load/censored-latency.js';

/** The data the page's script needs (the document minus what no chart reads). */
function chartData(doc: SweepDocument) {
  return {
    setting: doc.setting,
    setting2: doc.setting2 ?? null,
    slo: doc.slo,
    usl: doc.usl && doc.usl.ok ? { lambda: doc.usl.lambda, sigma: doc.usl.sigma, kappa: doc.usl.kappa } : null,
    recommended: doc.recommendation?.value ?? null,
    recommended2: doc.recommendation?.value2 ?? null,
    knee: doc.knee && !doc.knee.still_growing ? doc.knee.value : null,
    steps: doc.steps.map((s) => ({
      value: s.value,
      value2: s.value2 ?? null,
      status: s.status,
      started_at: s.started_at,
      capacity: s.capacity_rps,
      levels: s.levels.map((l) => ({ x: l.offered_rps ?? l.throughput_rps, p50: l.latency_ms.p50, p90: l.latency_ms.p90, p99: l.latency_ms.p99, max: l.latency_ms.max })),
      saturation: s.saturation ? { all_busy: s.saturation.all_busy_share, queue_p50: s.saturation.queue_p50, queue_p99: s.saturation.queue_p99, queue_max: s.saturation.queue_max, listen_max: s.saturation.listen_queue_max ?? null } : null,
      // fds other than sockets: what the drift line is fitted to (sockets follow the ramp's connections).
      probes: s.probes.map((p) => [p.t_s, p.rss_bytes, p.fds_by_type ? p.fds_by_type.file + p.fds_by_type.pipe + p.fds_by_type.anon_inode + p.fds_by_type.other : p.fds, p.threads]),
      drift: Object.fromEntries(Object.entries(s.drift ?? {}).map(([k, d]) => [k, d ? { slope: d.slope_per_s, drifting: d.drifting } : null])),
      timeout: s.timeout ?? null,
    })),
  };
}

const PAGE_SCRIPT = String.raw`
  var color = CP.color;
  function ok(s) { return s.status === 'ok' && s.levels.length > 0; }
  function median(xs) { var s = xs.slice().sort(function (a, b) { return a - b; }); var m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; }
  function isRecommended(s) { return s.value === D.recommended && (D.setting2 === null || s.value2 === D.recommended2); }
  var steps = D.steps.filter(ok).sort(function (a, b) { return a.value - b.value || (a.value2 || 0) - (b.value2 || 0); });
  var positive = steps.every(function (s) { return s.value > 0; });
  var logX = positive && steps.length > 1 && steps[steps.length - 1].value / steps[0].value >= 8;

  if (!D.setting2 && document.getElementById('chart-capacity')) {
    var tested = steps.map(function (s) { return s.value; });
    var pts = steps.map(function (s) { return { x: s.value, y: s.capacity || 0 }; });
    var sets = [{ label: 'measured capacity (requests/s within the SLO)', data: pts, showLine: true, borderColor: color(0), backgroundColor: color(0), pointRadius: steps.map(function (s) { return isRecommended(s) ? 7 : 4; }) }];
    if (D.usl && steps.length) {
      var lo = steps[0].value, hi = steps[steps.length - 1].value, curve = [];
      for (var k = 0; k <= 60; k++) {
        var n = logX ? lo * Math.pow(hi / lo, k / 60) : lo + (hi - lo) * k / 60;
        curve.push({ x: n, y: D.usl.lambda * n / (1 + D.usl.sigma * (n - 1) + D.usl.kappa * n * (n - 1)) });
      }
      sets.push({ label: 'USL fit (σ ' + D.usl.sigma.toFixed(3) + ', κ ' + D.usl.kappa.toExponential(1) + ')', data: curve, showLine: true, pointRadius: 0, borderDash: [6, 4], borderColor: color(1) });
    }
    var marks = [];
    if (D.knee !== null) marks.push(CP.vline(D.knee, D.knee === D.recommended ? 'knee = recommended ' + D.knee : 'knee ' + D.knee, '#2ca02c'));
    if (D.recommended !== null && D.recommended !== D.knee) marks.push(CP.vline(D.recommended, 'recommended ' + D.recommended, '#d62728'));
    // Ticks at the values tested, not at the log axis's own 1-2-5 steps: the reader looks up a value.
    CP.make('chart-capacity', { type: 'scatter', data: { datasets: sets }, plugins: marks, options: { plugins: { title: { display: true, text: 'Capacity by ' + D.setting + (D.recommended !== null ? ' (large dot: recommended ' + D.recommended + ')' : '') } },
      scales: { x: { type: logX ? 'logarithmic' : 'linear', title: { display: true, text: 'server.' + D.setting + (logX ? ' (log scale; ticks at the tested values)' : ' (ticks at the tested values)') },
        afterBuildTicks: function (axis) { axis.ticks = tested.map(function (v) { return { value: v }; }); },
        ticks: { autoSkip: true, maxRotation: 0, callback: function (v) { return String(v); } } },
        y: { beginAtZero: true, title: { display: true, text: 'capacity (requests/s)' } } } } });
  }

  if (document.getElementById('chart-latency')) {
    // A handful of steps in colour (the smallest, the largest, the knee, the recommended value and
    // one between); the rest grey behind them, so the legend stays readable at any step count.
    var shown = [];
    function pick(s) { if (s && shown.indexOf(s) < 0 && shown.length < 5) shown.push(s); }
    pick(steps.filter(isRecommended)[0]);
    pick(steps.filter(function (s) { return s.value === D.knee; })[0]);
    pick(steps[0]); pick(steps[steps.length - 1]); pick(steps[Math.floor(steps.length / 2)]);
    shown.sort(function (a, b) { return steps.indexOf(a) - steps.indexOf(b); });
    var lsets = [], others = false;
    steps.forEach(function (s) {
      var name = D.setting + '=' + s.value + (s.value2 !== null ? ' ' + D.setting2 + '=' + s.value2 : '');
      var i = shown.indexOf(s);
      var p99 = s.levels.map(function (l) { return { x: l.x, y: Math.max(l.p99, 0.01) }; });
      if (i < 0) {
        lsets.push({ label: others ? '' : 'other values (p99)', data: p99, showLine: true, pointRadius: 1.5, borderWidth: 1, borderColor: '#c8c8c8', backgroundColor: '#c8c8c8', order: 2 });
        others = true;
        return;
      }
      var c = color(i);
      lsets.push({ label: name + (isRecommended(s) ? ' (recommended)' : '') + ' p99', data: p99, showLine: true, borderWidth: isRecommended(s) ? 3 : 2, borderColor: c, backgroundColor: c, order: 1 });
      lsets.push({ label: '', data: s.levels.map(function (l) { return { x: l.x, y: Math.max(l.p50, 0.01) }; }), showLine: true, borderDash: [3, 3], borderColor: c, backgroundColor: c, pointRadius: 2, order: 1 });
    });
    CP.make('chart-latency', { type: 'scatter', data: { datasets: lsets }, plugins: [CP.hline(D.slo.p99_ms, 'SLO p99 ' + D.slo.p99_ms + ' ms', '#000')],
      options: { plugins: { title: { display: true, text: 'Latency against offered load (solid p99, dashed p50)' }, legend: { labels: { boxWidth: 12, font: { size: 11 }, filter: function (item) { return item.text !== ''; } } } },
      scales: { x: { title: { display: true, text: 'offered load (requests/s)' } }, y: { type: 'logarithmic', title: { display: true, text: 'latency (ms, log scale)' } } } } });
  }

  // Resources over the sweep's time: each step placed at its start, with its Theil-Sen drift line.
  var t0 = D.steps.length ? Date.parse(D.steps[0].started_at) : 0;
  [['chart-rss', 1, 'RSS (MiB)', 1 / 1048576, 'rss_bytes'], ['chart-fds', 2, 'open fds other than sockets', 1, 'fds'], ['chart-threads', 3, 'OS threads', 1, 'threads']].forEach(function (spec) {
    if (!document.getElementById(spec[0])) return;
    var rsets = [];
    D.steps.forEach(function (s, i) {
      if (!s.probes.length) return;
      var off = (Date.parse(s.started_at) - t0) / 1000;
      var xs = s.probes.map(function (p) { return p[0] + off; }), ys = s.probes.map(function (p) { return p[spec[1]] * spec[3]; });
      rsets.push({ label: D.setting + '=' + s.value, data: xs.map(function (x, j) { return { x: x, y: ys[j] }; }), showLine: true, pointRadius: 0, borderWidth: 1.5, borderColor: color(i) });
      var d = s.drift && s.drift[spec[4]];
      if (d && isFinite(d.slope)) {
        var slope = d.slope * spec[3];
        var b = median(ys.map(function (y, j) { return y - slope * s.probes[j][0]; }));
        var a0 = s.probes[0][0], a1 = s.probes[s.probes.length - 1][0];
        rsets.push({ label: 'drift ' + s.value + (d.drifting ? ' (DRIFTING)' : ''), data: [{ x: a0 + off, y: b + slope * a0 }, { x: a1 + off, y: b + slope * a1 }], showLine: true, pointRadius: 0, borderDash: [4, 3], borderWidth: d.drifting ? 3 : 1, borderColor: d.drifting ? '#d62728' : '#444' });
      }
    });
    CP.make(spec[0], { type: 'scatter', data: { datasets: rsets }, options: { plugins: { title: { display: true, text: spec[2] + ' over the sweep (dashed: drift line per step)' }, legend: { labels: { boxWidth: 10, font: { size: 9 }, filter: function (item) { return item.text.indexOf('drift') !== 0 || item.text.indexOf('DRIFTING') > 0; } } } },
      scales: { x: { title: { display: true, text: 'time since the sweep started (s)' } }, y: { title: { display: true, text: spec[2] } } } } });
  });

  var sat = steps.filter(function (s) { return s.saturation; });
  if (sat.length && document.getElementById('chart-saturation')) {
    var labels = sat.map(function (s) { return String(s.value) + (s.value2 !== null ? '×' + s.value2 : ''); });
    CP.make('chart-saturation', { type: 'bar', data: { labels: labels, datasets: [
      { label: 'share of samples with every worker busy (%)', data: sat.map(function (s) { return 100 * s.saturation.all_busy; }), backgroundColor: color(3), yAxisID: 'y' },
      { type: 'line', label: 'queue depth p50', data: sat.map(function (s) { return s.saturation.queue_p50; }), borderColor: color(0), backgroundColor: color(0), yAxisID: 'y1' },
      { type: 'line', label: 'queue depth p99', data: sat.map(function (s) { return s.saturation.queue_p99; }), borderColor: color(1), backgroundColor: color(1), yAxisID: 'y1' },
      { type: 'line', label: 'queue depth max', data: sat.map(function (s) { return s.saturation.queue_max; }), borderColor: color(4), backgroundColor: color(4), borderDash: [4, 3], yAxisID: 'y1' },
      { type: 'line', label: 'accept queue max (kernel)', data: sat.map(function (s) { return s.saturation.listen_max; }), borderColor: color(7), backgroundColor: color(7), yAxisID: 'y1' }
    ] }, options: { plugins: { title: { display: true, text: 'Saturation and queue depth at each value\u2019s capacity level' } },
      scales: { x: { title: { display: true, text: 'server.' + D.setting } }, y: { min: 0, max: 100, title: { display: true, text: 'all workers busy (% of samples)' } }, y1: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'requests queued' } } } } });
  }

  var tsteps = steps.filter(function (s) { return s.timeout; });
  if (tsteps.length && document.getElementById('chart-timeout')) {
    CP.make('chart-timeout', { type: 'line', data: { labels: tsteps.map(function (s) { return s.value + ' s'; }), datasets: [
      { label: 'slow clients failed (%)', data: tsteps.map(function (s) { return 100 * s.timeout.slow_failure_rate; }), borderColor: color(3), backgroundColor: color(3), yAxisID: 'y' },
      { label: 'worker-seconds held', data: tsteps.map(function (s) { return s.timeout.worker_seconds_held; }), borderColor: color(2), backgroundColor: color(2), yAxisID: 'y1' },
      { label: 'normal clients p99 (ms)', data: tsteps.map(function (s) { return s.timeout.normal_p99_ms; }), borderColor: color(0), backgroundColor: color(0), yAxisID: 'y1' }
    ] }, options: { plugins: { title: { display: true, text: 'socket_timeout trade-off' } },
      scales: { x: { title: { display: true, text: 'server.socket_timeout' } }, y: { min: 0, max: 100, title: { display: true, text: 'slow-client failures (%)' } }, y1: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'worker-s held / p99 ms' } } } } });
  }
`;

export function renderSweepHtml(doc: SweepDocument): string {
  const title = `cpdiag sweep: ${doc.setting}${doc.setting2 ? ` × ${doc.setting2}` : ''}${doc.complete ? '' : ' (incomplete)'}`;
  const t = sweepTableRows(doc);
  const table = tableHtml(t.header, t.rows);
  const r = doc.recommendation;
  const cost = recommendationCostLines(doc);
  const rec = r
    ? `<section class="rec"><h2>Recommendation</h2><p class="reason">${esc(r.reason)}</p>${recommendationDetails(doc).map((d) => `<p>${esc(d)}</p>`).join('')}${r.value !== null ? `<pre>[global]\nserver.${esc(r.setting)} = ${r.value}${r.setting2 && r.value2 != null ? `\nserver.${esc(r.setting2)} = ${r.value2}` : ''}</pre>` : ''}${cost.map((l) => `<p class="cost">${esc(l)}</p>`).join('')}${r.theory ? `<p>Check: ${esc(r.theory)}.</p>` : ''}${r.cannot_tell.length ? `<p>What the data cannot tell:</p>${listHtml(r.cannot_tell)}` : ''}</section>`
    : '';
  const grid = doc.setting2 ? heatmapTable(doc) : '';
  const hasTimeout = doc.steps.some((s) => s.timeout);
  const hasSat = doc.steps.some((s) => s.saturation);
  const diag = renderDiagnosisHtml(doc.diagnosis, 'Diagnosis');
  const target = describeRecordedTarget(doc.target, (text) => `<code>${esc(text)}</code>`);
  const subtitle = `${doc.steps.length} steps against ${target}; ${esc(doc.load.mix.map((m) => `${m.method} ${m.path}`).join(', '))}; SLO p99 &lt; ${doc.slo.p99_ms} ms, errors &lt; ${formatPercent(doc.slo.error_rate)}. Started ${esc(doc.started_at)}, ${formatSeconds(doc.budget.wall_s)}, ${doc.environment.cores} cores (${esc(doc.environment.cpu_model)}). cpdiag ${esc(doc.cpdiag_version)}.`;
  const body = `${rec}
<h2>Steps</h2>${table}
${grid}
<h2>Charts</h2>
<div class="row">
${doc.setting2 ? '' : canvasHtml('chart-capacity', 600, 360)}
${canvasHtml('chart-latency', 600, 360)}
${hasTimeout ? canvasHtml('chart-timeout', 600, 360) : ''}
${hasSat ? canvasHtml('chart-saturation', 600, 360) : ''}
${canvasHtml('chart-rss', 600, 300)}
${canvasHtml('chart-fds', 600, 300)}
${canvasHtml('chart-threads', 600, 300)}
</div>
<h2>Knee, scaling and drift</h2>${listHtml(kneeLines(doc))}
<h2>Ramps</h2>${listHtml(rampLines(doc))}
${doc.events.length ? `<h2>Events</h2>${listHtml(doc.events.map((e) => `${e.kind}: ${e.message}`))}` : ''}
${diag}`;
  return renderHtmlPage({ title, subtitleHtml: subtitle, bodyHtml: body, data: chartData(doc), script: PAGE_SCRIPT });
}

function heatmapTable(doc: SweepDocument): string {
  const v1 = [...new Set(doc.steps.map((s) => s.value))].sort((a, b) => a - b);
  const v2 = [...new Set(doc.steps.map((s) => s.value2 ?? NaN))].sort((a, b) => a - b);
  const best = Math.max(1, ...doc.steps.map((s) => s.capacity_rps ?? 0));
  const head = `<tr><th>${esc(doc.setting)} \\ ${esc(doc.setting2 ?? '')}</th>${v2.map((v) => `<th>${v}</th>`).join('')}</tr>`;
  const rows = v1
    .map((a) => `<tr><th>${a}</th>${v2
      .map((b) => {
        const s = doc.steps.find((x) => x.value === a && x.value2 === b);
        if (!s) return '<td></td>';
        if (s.status !== 'ok') return `<td title="${esc(s.error ?? '')}">${esc(s.status)}</td>`;
        const share = (s.capacity_rps ?? 0) / best;
        const bg = `hsl(${Math.round(120 * share)}, 60%, ${Math.round(85 - 30 * share)}%)`;
        const mark = doc.recommendation?.value === a && doc.recommendation?.value2 === b ? ' ★' : '';
        return `<td class="num" style="background:${bg}">${formatRate(s.capacity_rps)}${mark}<br><span class="dim">p99 ${esc(formatLatencyMs(s.latency_ms, 'p99'))}</span></td>`;
      })
      .join('')}</tr>`)
    .join('');
  return `<h2>Heatmap: capacity (requests/s within the SLO)</h2><table>${head}${rows}</table>`;
}
