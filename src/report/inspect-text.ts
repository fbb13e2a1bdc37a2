// The terminal view of an inspection: the top cause first, then a summary readable in ten seconds
// (process, threads by activity, workers, fds vs limit, sockets, listen queue, memory and drift),
// the probable causes, then the detail tables, all fitted to the terminal's width. Returns text;
// the caller writes it.
import type { ChalkInstance } from 'chalk';
import type { DriftEstimate } from '../analysis/drift.js';
import type { ServerStatsSample } from '../probe/probe-sample.js';
import type { InspectSample } from '../inspect/inspect-sample.js';
import type { InspectReport } from '../inspect/inspect-report.js';
import { formatBytes, formatConfidence, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';
import { ALSO_SEEN_HEADING, CAVEAT_HEADING, alsoSeenText, topCauseLines } from './diagnosis-text.js';
import { DEFAULT_VIEW, displayWidth, truncateText, wrapText, type TextView } from './text-layout.js';

function driftText(d: DriftEstimate | undefined, c: ChalkInstance): string {
  if (!d) return 'n/a';
  const f = (x: number) => (!Number.isFinite(x) ? '?' : d.metric === 'rss_bytes' ? formatBytes(x) : formatNumber(x));
  if (!Number.isFinite(d.ci_low)) return c.dim(`not enough samples (${d.samples})`);
  const text = `${d.slope_per_s >= 0 ? '+' : ''}${f(d.slope_per_s)}/s [${f(d.ci_low)}, ${f(d.ci_high)}]`;
  return d.drifting ? c.red.bold(`${text} GROWING`) : `${text} ${c.dim('steady')}`;
}

/** How many undecided causes to name before summarising the rest (as the diagnosis text does). */
const MAX_UNDECIDED_LISTED = 8;

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderInspect(r: InspectReport, c: ChalkInstance, view: TextView = DEFAULT_VIEW): string {
  const cols = view.width;
  const head = (label: string) => c.bold(pad(label, 9));
  // A summary row wraps under its value (a hanging indent past the 9-column label).
  const row = (label: string, text: string) => L.push(...wrapText(text, cols, head(label)));
  const p = r.process;
  const cmd = p.cmdline.length > 0 ? p.cmdline.join(' ') : `[${p.name}]`;
  const facts = c.dim(`(up ${formatSeconds(p.uptime_s)}, state ${p.state}, ppid ${p.ppid})`);
  // The command line gets what the pid and the facts leave (at least 10 columns; the line is cut
  // at the width whatever happens).
  const room = Math.max(10, cols - `pid ${p.pid} `.length - 2 - displayWidth(facts));
  const L: string[] = [truncateText(`${c.bold(`pid ${p.pid}`)} ${truncateText(cmd, room)}  ${facts}`, cols)];
  L.push(...topCauseLines(r.diagnosis, c, cols, ''));
  if (view.quiet) return `${L.join('\n')}\n`;
  L.push(c.dim(`window ${formatSeconds(r.window.duration_s)}, ${r.window.samples} samples every ${r.window.interval_ms} ms`));

  const states = Object.entries(r.threads.by_state).map(([k, v]) => `${k} ${v}`).join(', ');
  row('threads', `${r.threads.total} (${states}): ${r.threads.summary}`);
  const w = r.threads.workers;
  if (w) {
    const busy = w.total - w.idle;
    const peer = w.blocked_on_peer ? `; ${w.blocked_on_peer.workers} blocked on ${w.blocked_on_peer.peer}` : '';
    const leaked = w.leaked > 0 ? `; ${w.leaked} more parked outside the pool (leaked)` : '';
    const clients = w.on_clients && w.on_clients.max > 0 ? `; ${formatNumber(w.on_clients.mean)} on average reading from clients with no complete request` : '';
    const line = `${w.total} workers, ${busy} busy (${w.blocked_io} blocked in I/O, ${w.waiting_lock} waiting on a lock, ${w.running} running), ${w.idle} idle; all busy in ${formatPercent(w.all_busy_share)} of samples${peer}${clients}${leaked}`;
    row('workers', `${w.idle === 0 && w.total > 0 ? c.yellow(line) : line} ${c.dim(`[by ${w.method}]`)}`);
  } else {
    row('workers', `${c.dim('no thread pool recognised')}`);
  }
  if (r.children && r.children.length > 0) {
    const busy = r.children.filter((ch) => ch.busy).length;
    const list = r.children.map((ch) => `${ch.pid}${ch.busy ? '*' : ''} (${ch.threads} threads)`).join(', ');
    L.push(`${head('children')}${r.children.length} processes, ${busy} busy (*): ${list}`);
  }
  const fd = r.fds;
  const types = Object.entries(fd.by_type).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const usage = fd.usage !== null ? ` (${formatPercent(fd.usage)})` : '';
  const fdLine = fd.count === null
    ? `unknown (the fd directory could not be read), limit ${fd.limit ?? 'unlimited'}`
    : `${fd.count} of ${fd.limit ?? 'unlimited'}${usage}: ${types || 'none'}`;
  row('fds', `${fd.usage !== null && fd.usage > 0.8 ? c.red(fdLine) : fdLine}`);
  const socks = Object.entries(r.sockets.by_state).map(([k, v]) => `${k} ${v}`).join(', ') || 'no TCP sockets';
  const peers = r.sockets.top_peers.slice(0, 3).map((x) => `${x.peer} ×${x.connections}`).join(', ');
  const cw = r.sockets.close_wait > 0 ? c.yellow(` — ${r.sockets.close_wait} in CLOSE_WAIT (peer closed, we did not)`) : '';
  row('sockets', `${fd.count === null ? c.dim('unknown (needs the fd directory)') : `${socks}${peers ? `; peers ${peers}` : ''}${cw}`}`);
  if (r.listen.length === 0) row('listen', `${c.dim(fd.count === null ? 'unknown (needs the fd directory)' : 'no listening TCP socket')}`);
  for (const l of r.listen) {
    const q = `accept queue ${l.accept_queue} now, max ${l.accept_queue_max}`;
    row('listen', `${l.local}: ${l.accept_queue_max > 0 ? c.yellow(q) : q}, backlog ${l.backlog ?? 'unknown'}`);
  }
  const m = r.memory;
  const split = m.rss_anon_bytes !== null ? ` (anon ${formatBytes(m.rss_anon_bytes)}, file ${formatBytes(m.rss_file_bytes ?? 0)})` : '';
  row('memory', `RSS ${formatBytes(m.rss_bytes)}${split}; CPU ${m.cpu_percent !== null ? formatPercent(m.cpu_percent / 100) : '?'} of a core; context switches ${m.ctx_voluntary_per_s !== null ? formatNumber(m.ctx_voluntary_per_s) : '?'}/s voluntary, ${m.ctx_involuntary_per_s !== null ? formatNumber(m.ctx_involuntary_per_s) : '?'}/s involuntary`);
  row('drift', `RSS ${driftText(r.drift.rss_bytes, c)}; fds ${r.drift.fds ? driftText(r.drift.fds, c) : c.dim('unknown')}; threads ${driftText(r.drift.threads, c)}`);
  if (r.server) {
    const s = r.server.last;
    const rateText = r.server.requests_per_s !== null
      ? `, ${formatRate(r.server.requests_per_s)} req/s`
      : c.dim(', requests served unknown (cheroot\'s own "Requests" counts a kept-alive connection\'s requests again at each request; turn tools.cpstats.on for a count)');
    row('server', `${s ? `${s.busy} of ${s.threads} workers busy, ${s.idle} idle, queue ${s.queue} (max ${r.server.queue_max})${rateText}` : c.dim(`no answer from ${r.server.url}`)}`);
  }

  L.push('');
  if (r.diagnosis) {
    const causes = r.diagnosis.causes.slice(0, 3);
    if (causes.length === 0) L.push(`${c.bold('Probable causes:')} none found in this window`);
    else {
      L.push(c.bold('Probable causes:'));
      causes.forEach((cause, i) => {
        L.push(...wrapText(`${c.bold(cause.title)} ${c.dim(`(${cause.id}, ${cause.confidence_label} ${formatConfidence(cause.confidence)})`)}`, cols, `  ${i + 1}. `, '     '));
        for (const e of cause.evidence.slice(0, 3)) L.push(...wrapText(e.text, cols, '     - '));
        const [fix, ...snippet] = cause.fix.split('\n');
        L.push(...wrapText(fix, cols, '     fix: '));
        for (const l of snippet) L.push(`          ${l}`);
      });
    }
    for (const k of r.diagnosis.caveats ?? []) L.push(...wrapText(`${c.yellow(CAVEAT_HEADING)} ${k.text}`, cols));
    if (r.diagnosis.also_seen?.length) {
      L.push(...wrapText(c.dim(ALSO_SEEN_HEADING), cols));
      for (const a of r.diagnosis.also_seen) L.push(...wrapText(alsoSeenText(a), cols, '  • ', '    '));
    }
    // What this window could not show, as `cpdiag diagnose` lists it: never guessed.
    const undecided = r.diagnosis.insufficient_causes ?? [];
    if (undecided.length > 0) {
      L.push(...wrapText(c.dim(`Could not judge ${undecided.length} cause${undecided.length === 1 ? '' : 's'} from this window (insufficient data):`), cols));
      for (const u of undecided.slice(0, MAX_UNDECIDED_LISTED)) L.push(...wrapText(c.dim(`${u.id}: missing ${u.missing.join(', ')}`), cols, '  ? ', '      '));
      if (undecided.length > MAX_UNDECIDED_LISTED) L.push(...wrapText(c.dim(`... and ${undecided.length - MAX_UNDECIDED_LISTED} more (see --json, diagnosis.insufficient_causes)`), cols, '  '));
    }
  } else {
    L.push(c.dim('Probable causes: diagnosis not available'));
  }
  for (const n of r.notes) L.push(...wrapText(c.dim(n), cols, c.dim('note: '), '      '));
  for (const u of r.unreadable) L.push(...wrapText(c.yellow(`could not read ${u} (permission); the figures from it are missing`), cols));

  L.push('');
  L.push(c.bold('Threads by activity'));
  for (const g of r.threads.by_activity) {
    const names = g.names.slice(0, 4).join(', ') + (g.names.length > 4 ? ', ...' : '');
    L.push(truncateText(`  ${String(g.count).padStart(5)}  ${pad(g.activity, Math.min(48, cols - 30))} ${c.dim(names)}`, cols));
  }
  L.push('');
  L.push(c.bold('Threads by CPU over the window') + c.dim(' (top 15)'));
  L.push(c.dim(`  ${pad('tid', 8)}${pad('name', 17)}${pad('st', 3)}${pad('cpu%', 7)}${pad('worker', 13)}activity`));
  const top = [...r.threads.detail].sort((a, b) => b.cpu_percent - a.cpu_percent || a.tid - b.tid).slice(0, 15);
  for (const t of top) {
    L.push(truncateText(`  ${pad(String(t.tid), 8)}${pad(t.name + (t.worker ? '*' : ''), 17)}${pad(t.state, 3)}${pad(formatNumber(t.cpu_percent), 7)}${pad(t.worker_state ?? '', 13)}${t.activity}`, cols));
  }
  if (r.threads.detail.some((t) => t.worker)) L.push(c.dim('  * worker thread'));
  return `${L.join('\n')}\n`;
}

/** One line per sample for --watch. */
export function renderWatchLine(s: InspectSample, workers: Set<number> | undefined, c: ChalkInstance, server: ServerStatsSample | undefined = s.server): string {
  const states = Object.entries(s.threadsByState).map(([k, v]) => `${k}${v}`).join(' ');
  const lq = s.process.sockets.listen.reduce((a, l) => a + l.acceptQueue, 0);
  const srv = server ? ` | server busy ${server.busy}/${server.threads} queue ${server.queue}` : '';
  let wk = '';
  if (workers && workers.size > 0) {
    const busy = s.threads.filter((t) => workers.has(t.tid) && !(t.activity.kind === 'lock' && t.activity.futexTimed === false)).length;
    wk = ` | workers busy ${busy}/${workers.size}`;
  }
  return `${c.dim(`t=${s.t_s.toFixed(2).padStart(7)}s`)} threads ${s.threads.length} (${states})${wk} | fds ${s.process.fds} | rss ${formatBytes(s.process.status.vmRssBytes)} | tcp ${Object.entries(s.process.sockets.byState).map(([k, v]) => `${k} ${v}`).join(' ') || '-'} | listen q ${lq}${srv}`;
}
