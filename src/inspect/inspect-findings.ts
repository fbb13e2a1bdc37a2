// Turns an inspection into the Findings the diagnosis reasons over (source 'inspect'): the same
// facts a run gives wherever /proc (and the server's stats, when given) can show them — drift of
// RSS, fds and threads over the window, the workers' states and the peer they wait on, threads
// beyond the pool, and CLOSE_WAIT sockets a proxy in front abandoned.
import { serverCounterGrowth } from '../probe/server-counter-growth.js';
import { summarizeSaturation } from '../analysis/saturation.js';
import type { Findings } from '../diagnose/findings.js';
import type { RunEvent } from '../events.js';
import type { InspectSample } from './inspect-sample.js';
import type { InspectReport } from './inspect-report.js';
import type { ProxyInFront } from './proxy-in-front.js';
import { censusFromServerStates, meanComputing, summarizeOnClients } from '../probe/worker-census.js';
import { median } from '../analysis/percentiles.js';

export function buildInspectFindings(report: InspectReport, samples: InspectSample[], proxy?: ProxyInFront): Findings {
  const f: Findings = {
    source: 'inspect',
    duration_s: report.window.duration_s,
    process_uptime_s: report.process.uptime_s,
    cores: report.environment.cores,
    threads: report.threads.total,
    rss_bytes: report.memory.rss_bytes,
    threads_by_activity: Object.fromEntries(
      Object.entries(report.threads.activity_mean).map(([k, v]) => [k, Math.round(v)]),
    ),
    drift: report.drift,
  };
  // Requests waiting for a thread on the server's own ports (summed over its listeners).
  const waiting = report.listen.filter((l) => l.waiting_mean !== undefined);
  if (waiting.length > 0) {
    f.requests_waiting = {
      mean: waiting.reduce((a, l) => a + l.waiting_mean!, 0), max: waiting.reduce((a, l) => a + l.waiting_max!, 0), samples: report.window.samples,
    };
  }
  if (report.fds.count !== null) f.fds = { count: report.fds.count, limit: report.fds.limit ?? 0, close_wait: report.sockets.close_wait };
  if (report.memory.cpu_percent !== null) f.cpu_percent_mean = report.memory.cpu_percent;
  if (report.machine_cpu) f.machine_cpu = report.machine_cpu;
  if (report.memory.ctx_voluntary_per_s !== null) f.ctx_voluntary_per_s = report.memory.ctx_voluntary_per_s;
  if (report.memory.ctx_involuntary_per_s !== null) f.ctx_involuntary_per_s = report.memory.ctx_involuntary_per_s;
  const w = report.threads.workers;
  if (w && w.total > 0) {
    f.worker_threads = {
      total: w.total, blocked_io: w.blocked_io, waiting_lock: w.waiting_lock, running: w.running, idle: w.idle,
      all_busy_share: w.all_busy_share, busy_mean: w.busy_mean, samples: report.window.samples,
      ...(w.computing_mean !== undefined ? { computing_mean: w.computing_mean } : {}),
    };
    // The server's own per-worker states (the bundled server's stats) say what /proc cannot: its
    // GIL waits and its emulated I/O both look like private timed waits there.
    const states = samples.map((s) => s.server?.worker_states).filter((x): x is Record<string, number> => !!x).map(censusFromServerStates);
    if (states.length > 0) {
      const med = (k: 'idle' | 'blocked_io' | 'waiting_lock' | 'running') => Math.round(median(states.map((c) => c[k])));
      Object.assign(f.worker_threads, { idle: med('idle'), blocked_io: med('blocked_io'), waiting_lock: med('waiting_lock'), running: med('running'), ...meanComputing(states) });
    }
    // Workers held by their clients: the server's own `reading` state where it reports one (its
    // workers wait for a request in a private futex, invisible to /proc), else /proc's count.
    const onClients = states.length > 0 ? summarizeOnClients(states, 'server')
      : w.on_clients ? { ...w.on_clients, total_workers: w.total, samples: report.window.samples, source: 'proc' as const } : undefined;
    if (onClients) f.workers_on_clients = onClients;
    f.settings = { thread_pool: w.total };
    if (w.leaked > 0) f.leaked_threads = w.leaked;
    if (w.blocked_on_peer) f.blocked_on_peer = { peer: w.blocked_on_peer.peer, workers: w.blocked_on_peer.workers, total_workers: w.total };
  }
  // The server's own view of its pool (queue included) makes a saturation summary over the window.
  const pool = samples.filter((s) => s.server).map((s) => ({
    busy: s.server!.busy,
    queue: s.server!.queue,
    threads: s.server!.threads,
    listen_queue: s.process.sockets.listen.reduce((a, l) => a + l.acceptQueue, 0),
  }));
  const poolSize = samples.find((s) => s.server)?.server?.threads ?? 0;
  // The size is the server's own report (foreign data): only a whole number of workers is summarised.
  if (pool.length > 0 && Number.isInteger(poolSize) && poolSize > 0) {
    f.saturation = summarizeSaturation(pool, poolSize);
    f.settings = { thread_pool: poolSize };
    if (report.server?.requests_per_s != null) {
      f.throughput_rps = report.server.requests_per_s;
      f.requests = Math.round(report.server.requests_per_s * report.window.duration_s);
      // Little's law at the server, as for a run: busy workers = throughput × service time.
      if (f.throughput_rps > 0 && f.saturation.samples > 0) f.service_time_ms = (f.saturation.busy_mean / f.throughput_rps) * 1000;
    }
    const bad = serverCounterGrowth(samples, 'bad_request_400', { countsFromZero: false });
    if (bad !== undefined) f.bad_request_count = bad;
    // The 5xx the server itself answered in the window (its application failing), as a run counts them.
    const failed = serverCounterGrowth(samples, 'server_errors_5xx', { countsFromZero: false });
    if (failed !== undefined) f.server_5xx_count = failed;
  }
  if (proxy && f.fds && f.fds.close_wait > 0 && proxy.close_wait_from_proxy > 0) {
    f.close_wait_proxy = { count: proxy.close_wait_from_proxy, proxy: proxy.label };
  }
  if (proxy?.error_log) {
    const log = proxy.error_log;
    // nginx's proxy_read_timeout and Apache's Timeout both default to 60 s when the config is silent.
    f.proxy = {
      kind: proxy.name === 'nginx' ? 'nginx' : 'apache', read_timeout_s: proxy.read_timeout_s ?? 60, keepalive: proxy.keepalive ?? false,
      upstream_timeouts: log.upstream_timeouts, premature_closes: log.premature_closes, upstream_resets: log.upstream_resets,
      // What the proxy answered for those: a 504 per timeout, a 502 per close, reset or refusal.
      status_502: log.premature_closes + log.upstream_resets + log.upstream_refused, status_504: log.upstream_timeouts,
    };
    if (log.upstream_refused > 0) f.proxy.connection_refused = log.upstream_refused;
  }
  if (report.window.exited) {
    const ev: RunEvent = { t_s: report.window.exited_at_s ?? report.window.duration_s, kind: 'target_exited', message: 'the process exited during the inspection' };
    f.events = [ev];
  }
  return f;
}
