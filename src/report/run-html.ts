// A run as ONE self-contained HTML page (see html-page.ts): throughput (and the offered rate) with
// errors over time, latency percentiles over time against the SLO, busy workers and queue depth
// over time from the server's own stats (probes[].server) with the kernel's accept queue, the
// process's CPU and RSS over time, and the latency percentile spectrum from the run's HDR
// histogram (latency-spectrum.ts).
import { formatSeconds } from '../format.js';
import type { RunRecord } from '../run/run-record.js';
import { renderDiagnosisHtml } from './diagnosis-html.js';
import { canvasHtml, escapeHtml as esc, listHtml, renderHtmlPage, tableHtml } from './html-page.js';
import { latencySpectrum } from './latency-spectrum.js';
import { summarizeRunFacts } from './run-summary.js';

function sumErrors(errors: Partial<Record<string, number>>): number {
  return Object.values(errors).reduce((a: number, n) => a + (n ?? 0), 0);
}

/** What the page script reads: compact arrays, one row per window or sample. */
function chartData(run: RunRecord) {
  const hasServer = run.probes.some((p) => p.server);
  const hasListen = run.probes.some((p) => p.listen_queue !== undefined);
  return {
    open: run.load.mode === 'open',
    slo_p99_ms: run.slo?.p99_ms ?? null,
    // [window end s, throughput, offered, errors, p50, p90, p99, max]
    series: run.series.map((w) => [w.t_s + w.duration_s, w.throughput_rps, w.offered_rps ?? null, sumErrors(w.errors), w.latency_ms.p50, w.latency_ms.p90, w.latency_ms.p99, w.latency_ms.max]),
    // [t s, busy, pool size, queue, accept queue]
    workers: hasServer || hasListen
      ? run.probes.map((p) => [p.t_s, p.server?.busy ?? null, p.server?.threads ?? null, p.server?.queue ?? null, p.listen_queue ?? null])
      : null,
    // [t s, CPU % of one core, RSS MiB]
    process: run.probes.map((p) => [p.t_s, p.cpu_percent, p.rss_bytes / 1048576]),
    spectrum: latencySpectrum(run.histograms?.latency_us),
    service_spectrum: latencySpectrum(run.histograms?.service_us),
  };
}

const PAGE_SCRIPT = String.raw`
  var color = CP.color;
  function xy(rows, col) { return rows.filter(function (r) { return r[col] !== null; }).map(function (r) { return { x: r[0], y: r[col] }; }); }
  var timeAxis = { type: 'linear', bounds: 'data', title: { display: true, text: 'time since the measurement started (s)' } };

  if (D.series.length) {
    var tsets = [{ label: 'throughput (responses/s)', data: xy(D.series, 1), showLine: true, borderColor: color(0), backgroundColor: color(0), yAxisID: 'y' }];
    if (D.open) tsets.push({ label: 'offered (requests/s)', data: xy(D.series, 2), showLine: true, borderDash: [5, 4], pointRadius: 0, borderColor: color(7), backgroundColor: color(7), yAxisID: 'y' });
    tsets.push({ type: 'bar', label: 'errors per window', data: xy(D.series, 3), backgroundColor: 'rgba(214,39,40,0.6)', yAxisID: 'y1', barThickness: 6 });
    CP.make('chart-throughput', { type: 'scatter', data: { datasets: tsets }, options: { plugins: { title: { display: true, text: 'Throughput and errors over time (per window)' } },
      scales: { x: timeAxis, y: { beginAtZero: true, title: { display: true, text: 'requests/s' } }, y1: { position: 'right', beginAtZero: true, suggestedMax: 1, grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: 'errors' } } } } });

    var lsets = [['p50', 4, 0], ['p90', 5, 2], ['p99', 6, 3], ['max', 7, 7]].map(function (c) {
      return { label: c[0], data: xy(D.series, c[1]), showLine: true, borderColor: color(c[2]), backgroundColor: color(c[2]), borderDash: c[0] === 'max' ? [4, 3] : [], pointRadius: c[0] === 'max' ? 0 : 2 };
    });
    CP.make('chart-latency', { type: 'scatter', data: { datasets: lsets }, plugins: D.slo_p99_ms !== null ? [CP.hline(D.slo_p99_ms, 'SLO p99 ' + D.slo_p99_ms + ' ms', '#000')] : [],
      options: { plugins: { title: { display: true, text: 'Latency over time (per window' + (D.open ? ', from the intended send time)' : ')') } },
      scales: { x: timeAxis, y: { beginAtZero: true, title: { display: true, text: 'latency (ms)' } } } } });
  }

  if (D.workers) {
    var wsets = [
      { label: 'busy workers', data: xy(D.workers, 1), showLine: true, pointRadius: 0, borderWidth: 2, borderColor: color(3), backgroundColor: 'rgba(214,39,40,0.12)', fill: 'origin' },
      { label: 'pool size', data: xy(D.workers, 2), showLine: true, pointRadius: 0, borderDash: [6, 4], borderColor: '#444', backgroundColor: '#444' },
      { label: 'requests queued for a worker', data: xy(D.workers, 3), showLine: true, pointRadius: 0, borderWidth: 2, borderColor: color(0), backgroundColor: color(0) },
      { label: 'kernel accept queue', data: xy(D.workers, 4), showLine: true, pointRadius: 0, borderWidth: 1.5, borderColor: color(1), backgroundColor: color(1) }
    ].filter(function (s) { return s.data.length; });
    CP.make('chart-workers', { type: 'scatter', data: { datasets: wsets }, options: { plugins: { title: { display: true, text: 'Busy workers and queues over time (server stats and /proc)' } },
      scales: { x: timeAxis, y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'threads / requests' } } } } });
  }

  if (D.process.length) {
    CP.make('chart-process', { type: 'scatter', data: { datasets: [
      { label: 'CPU (% of one core)', data: xy(D.process, 1), showLine: true, pointRadius: 0, borderColor: color(2), backgroundColor: color(2), yAxisID: 'y' },
      { label: 'RSS (MiB)', data: xy(D.process, 2), showLine: true, pointRadius: 0, borderColor: color(4), backgroundColor: color(4), yAxisID: 'y1' }
    ] }, options: { plugins: { title: { display: true, text: 'The target process over time (negative: warm-up)' } },
      scales: { x: timeAxis, y: { beginAtZero: true, title: { display: true, text: 'CPU (% of one core)' } }, y1: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'RSS (MiB)' } } } } });
  }

  if (D.spectrum) {
    var ssets = [{ label: D.open ? 'latency (from the intended send)' : 'latency', data: D.spectrum.map(function (p) { return { x: p.x, y: p.latencyMs }; }), showLine: true, pointRadius: 1.5, borderColor: color(3), backgroundColor: color(3) }];
    if (D.service_spectrum) ssets.push({ label: 'service time (from the actual send)', data: D.service_spectrum.map(function (p) { return { x: p.x, y: p.latencyMs }; }), showLine: true, pointRadius: 1.5, borderColor: color(0), backgroundColor: color(0) });
    var maxX = D.spectrum[D.spectrum.length - 1].x, nines = [1, 2, 10];
    for (var d = 100; d <= maxX * 1.0001; d *= 10) nines.push(d);
    function pct(x) { var p = 100 * (1 - 1 / x); return (x === 1 ? 'min' : String(Math.round(p * 1e4) / 1e4) + '%'); }
    CP.make('chart-spectrum', { type: 'scatter', data: { datasets: ssets }, plugins: D.slo_p99_ms !== null ? [CP.hline(D.slo_p99_ms, 'SLO p99 ' + D.slo_p99_ms + ' ms', '#000')] : [],
      options: { plugins: { title: { display: true, text: 'Latency by percentile (HDR histogram of every request)' },
        tooltip: { callbacks: { label: function (c) { return pct(c.parsed.x) + ': ' + c.parsed.y + ' ms'; } } } },
      scales: { x: { type: 'logarithmic', min: 1, max: Math.max(maxX, 10), title: { display: true, text: 'percentile' },
          afterBuildTicks: function (axis) { axis.ticks = nines.map(function (v) { return { value: v }; }); },
          ticks: { maxRotation: 0, callback: function (v) { return pct(v); } } },
        y: { type: 'logarithmic', title: { display: true, text: 'latency (ms, log scale)' } } } } });
  }
`;

export function renderRunHtml(run: RunRecord): string {
  const facts = summarizeRunFacts(run);
  const title = `cpdiag run: ${run.scenario}${run.complete ? '' : ' (incomplete)'}`;
  const env = run.environment;
  const subtitle = `Started ${esc(run.started_at)}${run.summary ? `, ${formatSeconds(run.summary.duration_s)} measured` : ''}; ${esc(run.load.mix.map((m) => `${m.method} ${m.path}`).join(', '))}. ${env.cores} cores (${esc(env.cpu_model)}), Node ${esc(env.node_version)}. cpdiag ${esc(run.cpdiag_version)}.`;
  const errors = facts.errorsByKind.length ? `<p>Errors by kind: ${esc(facts.errorsByKind.map(([k, n]) => `${k} ${n}`).join(', '))}</p>` : '';
  const data = chartData(run);
  const spectrumNote = run.histograms?.latency_us && !data.spectrum ? '<p class="dim">The latency histogram could not be decoded: no percentile spectrum.</p>' : '';
  const noStats = run.probes.length && !run.probes.some((p) => p.server)
    ? '<p class="dim">No server stats were read during this run, so busy workers and the worker queue are not shown (a target started by --cmd needs its statistics page).</p>'
    : '';
  const body = `${run.complete ? '' : '<section class="rec warn"><p class="reason">Incomplete run: interrupted before the end; the figures cover what was measured.</p></section>'}
<h2>Summary</h2>${tableHtml(['', ''], facts.rows.map(([k, v]) => [k, v]), 99)}
${errors}
<h2>Charts</h2>
<div class="row">
${data.series.length ? `${canvasHtml('chart-throughput')}\n${canvasHtml('chart-latency')}` : '<p class="dim">No time windows were recorded.</p>'}
${data.workers ? canvasHtml('chart-workers') : ''}
${data.process.length ? canvasHtml('chart-process') : ''}
${data.spectrum ? canvasHtml('chart-spectrum') : ''}
</div>
${spectrumNote}${noStats}
${run.events.length ? `<h2>Events</h2>${listHtml(run.events.map((e) => `${e.kind} at ${formatSeconds(e.t_s)}: ${e.message}`))}` : ''}
${renderDiagnosisHtml(run.diagnosis)}`;
  return renderHtmlPage({ title, subtitleHtml: subtitle, bodyHtml: body, data, script: PAGE_SCRIPT });
}
