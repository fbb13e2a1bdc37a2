// An inspection as ONE self-contained HTML page (see html-page.ts): the summary a person reads
// first, the last sample's threads by activity, fds by type against the limit and sockets by
// state; then the window as a timeline (every sample: threads by activity stacked, workers busy
// and the queues, RSS and fds, CPU) — with `--watch`, the whole watch; then the causes, the notes
// and the thread tables.
import type { DriftEstimate } from '../analysis/drift.js';
import { formatBytes, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';
import type { InspectDocument } from '../inspect/inspect-document.js';
import { renderDiagnosisHtml } from './diagnosis-html.js';
import { canvasHtml, escapeHtml as esc, listHtml, renderHtmlPage, tableHtml } from './html-page.js';

/** The timeline keeps the busiest activity keys apart and sums the rest, so the stack stays legible. */
const TIMELINE_KEYS = 8;

function driftText(d: DriftEstimate | undefined): string {
  if (!d) return 'unknown';
  const f = (x: number) => (d.metric === 'rss_bytes' ? formatBytes(x) : formatNumber(x));
  if (!Number.isFinite(d.ci_low) || !Number.isFinite(d.slope_per_s)) return `not enough samples (${d.samples})`;
  return `${d.slope_per_s >= 0 ? '+' : ''}${f(d.slope_per_s)}/s [${f(d.ci_low)}, ${f(d.ci_high)}] ${d.drifting ? 'GROWING' : 'steady'}`;
}

function summaryRows(r: InspectDocument): string[][] {
  const rows: string[][] = [];
  const states = Object.entries(r.threads.by_state).map(([k, v]) => `${k} ${v}`).join(', ');
  rows.push(['threads', `${r.threads.total} (${states}): ${r.threads.summary}`]);
  const w = r.threads.workers;
  rows.push(['workers', w
    ? `${w.total} workers, ${w.total - w.idle} busy (${w.blocked_io} blocked in I/O, ${w.waiting_lock} waiting on a lock, ${w.running} running), ${w.idle} idle; all busy in ${formatPercent(w.all_busy_share)} of samples [by ${w.method}]`
    : 'no thread pool recognised']);
  const fd = r.fds;
  const types = Object.entries(fd.by_type).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  rows.push(['fds', fd.count === null ? `unknown (the fd directory could not be read), limit ${fd.limit ?? 'unlimited'}` : `${fd.count} of ${fd.limit ?? 'unlimited'}${fd.usage !== null ? ` (${formatPercent(fd.usage)})` : ''}: ${types || 'none'}`]);
  const socks = Object.entries(r.sockets.by_state).map(([k, v]) => `${k} ${v}`).join(', ') || 'no TCP sockets';
  const peers = r.sockets.top_peers.slice(0, 3).map((x) => `${x.peer} ×${x.connections}`).join(', ');
  rows.push(['sockets', `${socks}${peers ? `; peers ${peers}` : ''}${r.sockets.close_wait > 0 ? `; ${r.sockets.close_wait} in CLOSE_WAIT (peer closed, we did not)` : ''}`]);
  for (const l of r.listen) rows.push(['listen', `${l.local}: accept queue ${l.accept_queue} now, max ${l.accept_queue_max}, backlog ${l.backlog ?? 'unknown'}`]);
  const m = r.memory;
  const split = m.rss_anon_bytes !== null ? ` (anon ${formatBytes(m.rss_anon_bytes)}, file ${formatBytes(m.rss_file_bytes ?? 0)})` : '';
  rows.push(['memory', `RSS ${formatBytes(m.rss_bytes)}${split}; CPU ${m.cpu_percent !== null ? formatPercent(m.cpu_percent / 100) : '?'} of a core; context switches ${formatNumber(m.ctx_voluntary_per_s)}/s voluntary, ${formatNumber(m.ctx_involuntary_per_s)}/s involuntary`]);
  rows.push(['drift', `RSS ${driftText(r.drift.rss_bytes)}; fds ${driftText(r.drift.fds)}; threads ${driftText(r.drift.threads)}`]);
  if (r.server) {
    const s = r.server.last;
    rows.push(['server', s ? `${s.busy} of ${s.threads} workers busy, ${s.idle} idle, queue ${s.queue} (max ${r.server.queue_max})${r.server.requests_per_s !== null ? `, ${formatRate(r.server.requests_per_s)} req/s` : ''}` : `no answer from ${r.server.url}`]);
  }
  return rows;
}

function chartData(r: InspectDocument) {
  const timeline = r.timeline ?? [];
  // The busiest keys over the window (by mean count), the rest summed as "other".
  const keys = Object.entries(r.threads.activity_mean).sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = keys.slice(0, TIMELINE_KEYS);
  const folded = keys.length > TIMELINE_KEYS;
  return {
    activity: r.threads.by_activity.slice(0, 12).map((g) => ({ label: g.activity, kind: g.kind, count: g.count })),
    fds: r.fds.count === null ? null : { by_type: r.fds.by_type, count: r.fds.count, limit: r.fds.limit },
    sockets: r.sockets.by_state,
    timeline: timeline.length < 2 ? null : {
      t: timeline.map((p) => p.t_s),
      keys: folded ? [...kept, 'other'] : kept,
      stacks: [
        ...kept.map((k) => timeline.map((p) => p.by_activity[k] ?? 0)),
        ...(folded ? [timeline.map((p) => Object.entries(p.by_activity).filter(([k]) => !kept.includes(k)).reduce((a, [, n]) => a + n, 0))] : []),
      ],
      workers_busy: timeline.some((p) => p.workers_busy !== null) ? timeline.map((p) => p.workers_busy) : null,
      workers_total: r.threads.workers?.total ?? null,
      server_busy: timeline.some((p) => p.server_busy !== undefined) ? timeline.map((p) => p.server_busy ?? null) : null,
      server_queue: timeline.some((p) => p.server_queue !== undefined) ? timeline.map((p) => p.server_queue ?? null) : null,
      accept_queue: timeline.map((p) => p.accept_queue),
      rss_mib: timeline.map((p) => p.rss_bytes / 1048576),
      fds: timeline.some((p) => p.fds !== null) ? timeline.map((p) => p.fds) : null,
      cpu: timeline.map((p) => p.cpu_percent),
    },
  };
}

const PAGE_SCRIPT = String.raw`
  var color = CP.color;
  var KIND = { running: '#2ca02c', io: '#1f77b4', poll: '#17becf', lock: '#d62728', sleep: '#7f7f7f', disk: '#8c564b', stopped: '#9467bd', zombie: '#000', other: '#bcbd22' };
  if (D.activity.length) {
    CP.make('chart-activity', { type: 'bar', data: { labels: D.activity.map(function (g) { return g.label.length > 46 ? g.label.slice(0, 45) + '…' : g.label; }), datasets: [
      { label: 'threads', data: D.activity.map(function (g) { return g.count; }), backgroundColor: D.activity.map(function (g) { return KIND[g.kind] || '#999'; }) }
    ] }, options: { indexAxis: 'y', plugins: { legend: { display: false }, title: { display: true, text: 'Threads by activity (last sample; colour: running, I/O, poll, lock, sleep)' } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'threads' } }, y: { ticks: { font: { size: 10 } } } } } });
  }
  if (D.fds) {
    var types = Object.keys(D.fds.by_type);
    CP.make('chart-fds', { type: 'bar', data: { labels: types, datasets: [{ label: 'open fds', data: types.map(function (k) { return D.fds.by_type[k]; }), backgroundColor: types.map(function (k, i) { return color(i); }) }] },
      options: { plugins: { legend: { display: false }, title: { display: true, text: 'Open fds by type: ' + D.fds.count + ' of ' + (D.fds.limit === null ? 'unlimited' : D.fds.limit) } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'fds' } } } } });
  }
  var states = Object.keys(D.sockets);
  if (states.length) {
    CP.make('chart-sockets', { type: 'bar', data: { labels: states, datasets: [{ label: 'TCP sockets', data: states.map(function (k) { return D.sockets[k]; }), backgroundColor: states.map(function (k) { return k === 'CLOSE_WAIT' ? '#d62728' : k === 'LISTEN' ? '#7f7f7f' : '#1f77b4'; }) }] },
      options: { plugins: { legend: { display: false }, title: { display: true, text: 'TCP sockets by state' } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'sockets' } } } } });
  }
  var T = D.timeline;
  if (T) {
    function pts(ys) { return ys.map(function (y, i) { return { x: T.t[i], y: y }; }).filter(function (p) { return p.y !== null; }); }
    var timeAxis = { type: 'linear', bounds: 'data', title: { display: true, text: 'time since the inspection started (s)' } };
    CP.make('chart-timeline-activity', { type: 'line', data: { datasets: T.keys.map(function (k, i) {
      var c = k === 'other' ? '#bbb' : color(i);
      return { label: k, data: pts(T.stacks[i]), fill: i === 0 ? 'origin' : '-1', pointRadius: 0, borderWidth: 1, borderColor: c, backgroundColor: c + (c.length === 7 ? '99' : '') };
    }) }, options: { plugins: { title: { display: true, text: 'Threads by activity over time (stacked)' }, legend: { labels: { boxWidth: 10, font: { size: 10 } } } },
      scales: { x: timeAxis, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'threads' } } } } });

    var wsets = [];
    if (T.workers_busy) wsets.push({ label: 'worker threads busy (/proc)', data: pts(T.workers_busy), pointRadius: 0, borderWidth: 2, borderColor: color(3), backgroundColor: color(3) });
    if (T.server_busy) wsets.push({ label: 'workers busy (server stats)', data: pts(T.server_busy), pointRadius: 0, borderWidth: 1.5, borderDash: [4, 3], borderColor: color(1), backgroundColor: color(1) });
    if (T.server_queue) wsets.push({ label: 'requests queued (server stats)', data: pts(T.server_queue), pointRadius: 0, borderWidth: 2, borderColor: color(0), backgroundColor: color(0) });
    wsets.push({ label: 'kernel accept queue', data: pts(T.accept_queue), pointRadius: 0, borderWidth: 1.5, borderColor: color(4), backgroundColor: color(4) });
    CP.make('chart-timeline-workers', { type: 'line', data: { datasets: wsets }, plugins: T.workers_total !== null ? [CP.hline(T.workers_total, 'pool ' + T.workers_total, '#444')] : [],
      options: { plugins: { title: { display: true, text: 'Workers busy and queues over time' } },
        scales: { x: timeAxis, y: { beginAtZero: true, suggestedMax: T.workers_total !== null ? T.workers_total + 1 : undefined, ticks: { precision: 0 }, title: { display: true, text: 'threads / requests' } } } } });

    var rsets = [{ label: 'RSS (MiB)', data: pts(T.rss_mib), pointRadius: 0, borderWidth: 2, borderColor: color(4), backgroundColor: color(4), yAxisID: 'y' }];
    if (T.fds) rsets.push({ label: 'open fds', data: pts(T.fds), pointRadius: 0, borderWidth: 1.5, borderColor: color(5), backgroundColor: color(5), yAxisID: 'y1' });
    CP.make('chart-timeline-resources', { type: 'line', data: { datasets: rsets }, options: { plugins: { title: { display: true, text: 'RSS and open fds over time' } },
      scales: { x: timeAxis, y: { title: { display: true, text: 'RSS (MiB)' } }, y1: { position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: 'fds' } } } } });

    CP.make('chart-timeline-cpu', { type: 'line', data: { datasets: [{ label: 'CPU (% of one core)', data: pts(T.cpu), pointRadius: 0, borderWidth: 2, borderColor: color(2), backgroundColor: 'rgba(44,160,44,0.15)', fill: 'origin' }] },
      options: { plugins: { legend: { display: false }, title: { display: true, text: 'CPU over time (% of one core, between samples)' } }, scales: { x: timeAxis, y: { beginAtZero: true, title: { display: true, text: '% of one core' } } } } });
  }
`;

export function renderInspectHtml(r: InspectDocument): string {
  const p = r.process;
  const title = `cpdiag inspect: pid ${p.pid} (${p.name})`;
  const cmd = p.cmdline.length > 0 ? p.cmdline.join(' ') : `[${p.name}]`;
  const w = r.window;
  const env = r.environment;
  const how = w.interrupted ? ' (watched until interrupted)' : w.exited ? `; the process exited ${formatSeconds(w.exited_at_s)} in` : '';
  const subtitle = `<code>${esc(cmd.length > 160 ? `${cmd.slice(0, 157)}...` : cmd)}</code> (up ${formatSeconds(p.uptime_s)}, state ${esc(p.state)}, ppid ${p.ppid}). Window ${formatSeconds(w.duration_s)}, ${w.samples} samples every ${w.interval_ms} ms${how}. Started ${esc(r.started_at)}; ${env.cores} cores (${esc(env.cpu_model)}). cpdiag ${esc(r.cpdiag_version)}.`;
  const data = chartData(r);
  const top = [...r.threads.detail].sort((a, b) => b.cpu_percent - a.cpu_percent || a.tid - b.tid).slice(0, 15);
  const timeline = data.timeline
    ? `<h2>Timeline</h2><div class="row">
${canvasHtml('chart-timeline-activity')}
${canvasHtml('chart-timeline-workers')}
${canvasHtml('chart-timeline-resources')}
${canvasHtml('chart-timeline-cpu')}
</div>`
    : `<p class="dim">${r.timeline ? 'One sample only: no timeline.' : 'This document has no per-sample timeline (written by an older cpdiag).'}</p>`;
  const body = `<h2>Summary</h2>${tableHtml(['', ''], summaryRows(r), 99)}
<h2>Now</h2><div class="row">
${data.activity.length ? canvasHtml('chart-activity', 600, 340) : ''}
${data.fds ? canvasHtml('chart-fds', 300, 340) : ''}
${Object.keys(data.sockets).length ? canvasHtml('chart-sockets', 300, 340) : ''}
</div>
${timeline}
${renderDiagnosisHtml(r.diagnosis)}
${r.notes.length ? `<h2>Notes</h2>${listHtml(r.notes)}` : ''}
${r.unreadable.length ? `<h2>Could not read</h2>${listHtml(r.unreadable.map((u) => `${u} (permission): the figures from it are missing`))}` : ''}
<h2>Threads by activity</h2>${tableHtml(['threads', 'activity', 'names'], r.threads.by_activity.map((g) => [String(g.count), g.activity, g.names.slice(0, 6).join(', ') + (g.names.length > 6 ? ', …' : '')]), 99)}
<h2>Threads by CPU over the window <span class="dim">(top 15)</span></h2>${tableHtml(['tid', 'name', 'state', 'CPU %', 'worker', 'activity'], top.map((t) => [String(t.tid), t.name, t.state, formatNumber(t.cpu_percent), t.worker ? t.worker_state ?? 'worker' : '', t.activity]), 99)}`;
  return renderHtmlPage({ title, subtitleHtml: subtitle, bodyHtml: body, data, script: PAGE_SCRIPT });
}
