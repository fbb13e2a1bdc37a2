// The sweep as ONE self-contained HTML file: no network, chart.js's UMD bundle inlined (read from
// node_modules at report time), the data embedded as JSON. Charts: capacity by value with the
// fitted USL curve, latency percentiles against offered load per value (log axis), RSS / fds /
// threads over time with each step's drift line, saturation and queue depth by value; a grid
// sweep adds a heatmap table, a timeout sweep its trade-off chart. The page reports on itself:
// #cpdiag-status says how many charts were drawn (pixels checked), #cpdiag-errors holds any
// script error — so a headless browser can verify the report renders.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { formatConfidence, formatMs, formatPercent, formatRate, formatSeconds } from '../format.js';
import type { SweepDocument } from '../sweep/sweep-document.js';
import { kneeLines, rampLines, recommendationDetails, sweepTableRows } from './sweep-text.js';

let chartJsCache: string | undefined;

/** chart.js's UMD bundle; its package exports hide the path, so resolve the package and look beside it. */
export function readChartJsBundle(): string {
  if (chartJsCache !== undefined) return chartJsCache;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('chart.js');
    chartJsCache = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
    return chartJsCache;
  } catch (e) {
    throw new CpdiagError(`cannot read chart.js's bundle for the HTML report: ${(e as Error).message}`, EXIT.MISSING_DEPENDENCY, 'reinstall cpdiag (npm install) so that node_modules/chart.js is present');
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

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
(function () {
  var D = JSON.parse(document.getElementById('cpdiag-data').textContent);
  var status = document.getElementById('cpdiag-status');
  var charts = [];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var palette = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#637939'];
  function color(i) { return palette[i % palette.length]; }
  function ok(s) { return s.status === 'ok' && s.levels.length > 0; }
  function make(id, config) {
    var el = document.getElementById(id);
    if (!el) return;
    config.options = config.options || {};
    config.options.responsive = false;
    config.options.maintainAspectRatio = false;
    charts.push({ id: id, chart: new Chart(el.getContext('2d'), config) });
  }
  function median(xs) { var s = xs.slice().sort(function (a, b) { return a - b; }); var m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; }
  var steps = D.steps.filter(ok).sort(function (a, b) { return a.value - b.value || (a.value2 || 0) - (b.value2 || 0); });
  var positive = steps.every(function (s) { return s.value > 0; });
  var logX = positive && steps.length > 1 && steps[steps.length - 1].value / steps[0].value >= 8;

  if (!D.setting2 && document.getElementById('chart-capacity')) {
    var pts = steps.map(function (s) { return { x: s.value, y: s.capacity || 0 }; });
    var sets = [{ label: 'measured capacity (requests/s within the SLO)', data: pts, showLine: true, borderColor: color(0), backgroundColor: color(0), pointRadius: steps.map(function (s) { return s.value === D.recommended ? 7 : 4; }) }];
    if (D.usl && steps.length) {
      var lo = steps[0].value, hi = steps[steps.length - 1].value, curve = [];
      for (var k = 0; k <= 60; k++) {
        var n = logX ? lo * Math.pow(hi / lo, k / 60) : lo + (hi - lo) * k / 60;
        curve.push({ x: n, y: D.usl.lambda * n / (1 + D.usl.sigma * (n - 1) + D.usl.kappa * n * (n - 1)) });
      }
      sets.push({ label: 'USL fit (σ ' + D.usl.sigma.toFixed(3) + ', κ ' + D.usl.kappa.toExponential(1) + ')', data: curve, showLine: true, pointRadius: 0, borderDash: [6, 4], borderColor: color(1) });
    }
    make('chart-capacity', { type: 'scatter', data: { datasets: sets }, options: { plugins: { title: { display: true, text: 'Capacity by ' + D.setting + (D.recommended !== null ? ' (large dot: recommended ' + D.recommended + ')' : '') } },
      scales: { x: { type: logX ? 'logarithmic' : 'linear', title: { display: true, text: 'server.' + D.setting } }, y: { beginAtZero: true, title: { display: true, text: 'capacity (requests/s)' } } } } });
  }

  if (document.getElementById('chart-latency')) {
    var lsets = [];
    steps.forEach(function (s, i) {
      var name = D.setting + '=' + s.value + (s.value2 !== null ? ' ' + D.setting2 + '=' + s.value2 : '');
      lsets.push({ label: name + ' p99', data: s.levels.map(function (l) { return { x: l.x, y: Math.max(l.p99, 0.01) }; }), showLine: true, borderColor: color(i), backgroundColor: color(i) });
      lsets.push({ label: name + ' p50', data: s.levels.map(function (l) { return { x: l.x, y: Math.max(l.p50, 0.01) }; }), showLine: true, borderDash: [3, 3], borderColor: color(i), backgroundColor: color(i), pointRadius: 2 });
    });
    lsets.push({ label: 'SLO p99 ' + D.slo.p99_ms + ' ms', data: [], borderColor: '#000' });
    make('chart-latency', { type: 'scatter', data: { datasets: lsets }, options: { plugins: { title: { display: true, text: 'Latency against offered load (solid p99, dashed p50)' }, legend: { labels: { boxWidth: 12, font: { size: 10 } } } },
      scales: { x: { title: { display: true, text: 'offered load (requests/s)' } }, y: { type: 'logarithmic', title: { display: true, text: 'latency (ms, log scale)' } } } },
      plugins: [{ id: 'slo', afterDraw: function (c) { var y = c.scales.y.getPixelForValue(D.slo.p99_ms); if (y < c.chartArea.top || y > c.chartArea.bottom) return; var g = c.ctx; g.save(); g.strokeStyle = '#000'; g.setLineDash([8, 4]); g.beginPath(); g.moveTo(c.chartArea.left, y); g.lineTo(c.chartArea.right, y); g.stroke(); g.restore(); } }] });
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
    make(spec[0], { type: 'scatter', data: { datasets: rsets }, options: { plugins: { title: { display: true, text: spec[2] + ' over the sweep (dashed: drift line per step)' }, legend: { labels: { boxWidth: 10, font: { size: 9 }, filter: function (item) { return item.text.indexOf('drift') !== 0 || item.text.indexOf('DRIFTING') > 0; } } } },
      scales: { x: { title: { display: true, text: 'time since the sweep started (s)' } }, y: { title: { display: true, text: spec[2] } } } } });
  });

  var sat = steps.filter(function (s) { return s.saturation; });
  if (sat.length && document.getElementById('chart-saturation')) {
    var labels = sat.map(function (s) { return String(s.value) + (s.value2 !== null ? '×' + s.value2 : ''); });
    make('chart-saturation', { type: 'bar', data: { labels: labels, datasets: [
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
    make('chart-timeout', { type: 'line', data: { labels: tsteps.map(function (s) { return s.value + ' s'; }), datasets: [
      { label: 'slow clients failed (%)', data: tsteps.map(function (s) { return 100 * s.timeout.slow_failure_rate; }), borderColor: color(3), backgroundColor: color(3), yAxisID: 'y' },
      { label: 'worker-seconds held', data: tsteps.map(function (s) { return s.timeout.worker_seconds_held; }), borderColor: color(2), backgroundColor: color(2), yAxisID: 'y1' },
      { label: 'normal clients p99 (ms)', data: tsteps.map(function (s) { return s.timeout.normal_p99_ms; }), borderColor: color(0), backgroundColor: color(0), yAxisID: 'y1' }
    ] }, options: { plugins: { title: { display: true, text: 'socket_timeout trade-off' } },
      scales: { x: { title: { display: true, text: 'server.socket_timeout' } }, y: { min: 0, max: 100, title: { display: true, text: 'slow-client failures (%)' } }, y1: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'worker-s held / p99 ms' } } } } });
  }

  // Verify: a chart counts as drawn when its canvas has non-blank pixels.
  var drawn = 0;
  charts.forEach(function (c) {
    var canvas = c.chart.canvas, g = canvas.getContext('2d');
    var data = g.getImageData(0, 0, canvas.width, canvas.height).data, inked = 0;
    for (var i = 3; i < data.length; i += 16) if (data[i] !== 0) inked++;
    if (inked > 50) drawn++;
    canvas.setAttribute('data-drawn', inked > 50 ? 'yes' : 'no');
  });
  status.textContent = 'charts-drawn ' + drawn + '/' + charts.length;
  status.setAttribute('data-drawn', String(drawn));
  status.setAttribute('data-total', String(charts.length));
})();
`;

export function renderSweepHtml(doc: SweepDocument): string {
  const title = `cpdiag sweep: ${doc.setting}${doc.setting2 ? ` × ${doc.setting2}` : ''}`;
  const t = sweepTableRows(doc);
  const table = `<table><thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? '' : ' class="num"'}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const r = doc.recommendation;
  const rec = r
    ? `<section class="rec"><h2>Recommendation</h2><p class="reason">${esc(r.reason)}</p>${recommendationDetails(doc).map((d) => `<p>${esc(d)}</p>`).join('')}${r.value !== null ? `<pre>[global]\nserver.${esc(r.setting)} = ${r.value}${r.setting2 && r.value2 != null ? `\nserver.${esc(r.setting2)} = ${r.value2}` : ''}</pre>` : ''}${r.theory ? `<p>Check: ${esc(r.theory)}.</p>` : ''}${r.cannot_tell.length ? `<p>What the data cannot tell:</p><ul>${r.cannot_tell.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}</section>`
    : '';
  const grid = doc.setting2 ? heatmapTable(doc) : '';
  const hasTimeout = doc.steps.some((s) => s.timeout);
  const hasSat = doc.steps.some((s) => s.saturation);
  const diag = doc.diagnosis
    ? `<section><h2>Diagnosis</h2>${doc.diagnosis.causes.length === 0 ? '<p>No probable cause found.</p>' : `<ol>${doc.diagnosis.causes
        .map((c) => `<li><b>${esc(c.title)}</b> <span class="dim">(${esc(c.confidence_label)} ${formatConfidence(c.confidence)}, ${esc(c.id)})</span><ul>${c.evidence.map((e) => `<li>${esc(e.text)}</li>`).join('')}</ul><p class="fix">Fix: ${esc(c.fix.split('\n')[0])}</p></li>`)
        .join('')}</ol>`}</section>`
    : '';
  const target = doc.target.kind === 'command' ? `command <code>${esc(doc.target.command ?? '')}</code>` : doc.target.kind === 'bundled' ? 'the bundled reference server' : 'an attached process';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;max-width:1220px;color:#222}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:22px 0 8px}
.dim{color:#777} .rec{background:#eef7ee;border:1px solid #9c9;padding:8px 16px;border-radius:6px} .reason{font-size:15px;font-weight:600}
table{border-collapse:collapse;font-size:12px} th,td{border:1px solid #ccc;padding:3px 7px} td.num{text-align:right} th{background:#f3f3f3}
canvas{border:1px solid #eee;margin:6px 0} .row{display:flex;flex-wrap:wrap;gap:8px} pre{background:#f6f6f6;padding:6px}
#cpdiag-errors{color:#b00;white-space:pre-wrap} .fix{margin:2px 0 8px}
</style></head><body>
<pre id="cpdiag-errors"></pre>
<script>(function(){var box=document.getElementById('cpdiag-errors');window.onerror=function(m,s,l){box.textContent+='error: '+m+' (line '+l+')\\n';};var ce=console.error;console.error=function(){box.textContent+='console.error: '+Array.prototype.join.call(arguments,' ')+'\\n';return ce.apply(console,arguments);};})();</script>
<h1>${esc(title)}${doc.complete ? '' : ' <span class="dim">(incomplete)</span>'}</h1>
<p class="dim">${doc.steps.length} steps against ${target}; ${esc(doc.load.mix.map((m) => `${m.method} ${m.path}`).join(', '))}; SLO p99 &lt; ${doc.slo.p99_ms} ms, errors &lt; ${formatPercent(doc.slo.error_rate)}. Started ${esc(doc.started_at)}, ${formatSeconds(doc.budget.wall_s)}, ${doc.environment.cores} cores (${esc(doc.environment.cpu_model)}). cpdiag ${esc(doc.cpdiag_version)}. <span id="cpdiag-status">charts not drawn</span></p>
${rec}
<h2>Steps</h2>${table}
${grid}
<h2>Charts</h2>
<div class="row">
${doc.setting2 ? '' : '<canvas id="chart-capacity" width="600" height="360"></canvas>'}
<canvas id="chart-latency" width="600" height="360"></canvas>
${hasTimeout ? '<canvas id="chart-timeout" width="600" height="360"></canvas>' : ''}
${hasSat ? '<canvas id="chart-saturation" width="600" height="360"></canvas>' : ''}
<canvas id="chart-rss" width="600" height="300"></canvas>
<canvas id="chart-fds" width="600" height="300"></canvas>
<canvas id="chart-threads" width="600" height="300"></canvas>
</div>
<h2>Knee, scaling and drift</h2><ul>${kneeLines(doc).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<h2>Ramps</h2><ul>${rampLines(doc).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
${doc.events.length ? `<h2>Events</h2><ul>${doc.events.map((e) => `<li>${esc(e.kind)}: ${esc(e.message)}</li>`).join('')}</ul>` : ''}
${diag}
<script id="cpdiag-data" type="application/json">${scriptJson(chartData(doc))}</script>
<script>${readChartJsBundle().replace(/<\/script/gi, '<\\/script')}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
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
        return `<td class="num" style="background:${bg}">${formatRate(s.capacity_rps)}${mark}<br><span class="dim">p99 ${formatMs(s.latency_ms.p99)}</span></td>`;
      })
      .join('')}</tr>`)
    .join('');
  return `<h2>Heatmap: capacity (requests/s within the SLO)</h2><table>${head}${rows}</table>`;
}
