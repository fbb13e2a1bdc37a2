// The facts of a run that both the terminal and the Markdown reporter show, computed once.
import type { RunRecord } from '../run/run-record.js';
import type { ProbeSample } from '../probe/probe-sample.js';

export interface RunFacts {
  rows: [string, string][];
  errorsByKind: [string, number][];
}

import { formatBytes, formatCount, formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';
import { formatLatencyMs } from '../load/censored-latency.js';
import { connectionsPerRequest } from '../run/connections-per-request.js';

/**
 * The target's settings as known: a setting cpdiag did not give the target, read from it or infer
 * is "unknown", never its default; read or inferred ones say so.
 */
function describeSettings(run: RunRecord): string {
  const known = run.settings_known ? new Set<string>(run.settings_known) : undefined;
  const show = (name: keyof RunRecord['settings'], text: string) => {
    if (known && !known.has(name)) return `${name}=unknown`;
    const source = run.settings_source?.[name];
    return source && source !== 'given' ? `${text} (${source})` : text;
  };
  return [
    show('thread_pool', `thread_pool=${run.settings.thread_pool}`),
    show('socket_timeout', `socket_timeout=${run.settings.socket_timeout}s`),
    show('socket_queue_size', `socket_queue_size=${run.settings.socket_queue_size}`),
    show('gil', `gil=${run.settings.gil ? 'on' : 'off'}`),
  ].join(' ');
}

export function summarizeRunFacts(run: RunRecord): RunFacts {
  const s = run.summary;
  const rows: [string, string][] = [];
  const target = run.target.proxy ? `${run.target.kind} (pid ${run.target.pid}) behind ${run.target.proxy.kind === 'apache' ? 'Apache' : 'nginx'}` : `${run.target.kind} (pid ${run.target.pid})`;
  rows.push(['target', target]);
  rows.push(['settings', describeSettings(run)]);
  const load = run.load.mode === 'open' ? `open loop, ${formatRate(run.load.rate_rps)} req/s ${run.load.arrival ?? 'constant'}` : `closed loop, ${run.load.connections} connections`;
  rows.push(['load', `${load}, ${run.load.duration_s} s after ${run.load.warmup_s} s warm-up`]);
  if (s) {
    rows.push(['requests', `${formatCount(s.requests)} in ${formatSeconds(s.duration_s)} = ${formatRate(s.throughput_rps)} req/s (${formatRate(s.goodput_rps)} ok/s)`]);
    const from = run.load.mode === 'open' ? ' (from intended send)' : '';
    const lat = s.latency_ms;
    // Censored requests (timeouts): say how many, and what is known of them.
    const censored = lat.censored ? `  (${formatCount(lat.censored.count)} = ${formatPercent(lat.censored.share)} timed out: each took more than ${formatMs(lat.censored.at_least_ms)})` : '';
    rows.push([`latency${from}`, `p50 ${formatLatencyMs(lat, 'p50')}  p90 ${formatLatencyMs(lat, 'p90')}  p99 ${formatLatencyMs(lat, 'p99')}  max ${formatLatencyMs(lat, 'max')}${censored}`]);
    if (s.service_latency_ms) rows.push(['service time (actual send)', `p50 ${formatLatencyMs(s.service_latency_ms, 'p50')}  p99 ${formatLatencyMs(s.service_latency_ms, 'p99')}`]);
    const o = s.overload;
    if (o) {
      const late = o.completed_late > 0 ? `, ${formatCount(o.completed_late)} more answered after it (not counted)` : '';
      rows.push(['offered vs served', `${formatCount(o.sent)} due in the window, ${formatCount(o.completed_in_window)} completed in it (${formatPercent(o.completion_ratio)})${late}; backlog ${formatCount(o.backlog)}, ${formatCount(o.outstanding_at_end)} unanswered at its end`]);
    }
    rows.push(['errors', `${formatCount(s.errors.total)} (${formatPercent(s.errors.rate)})`]);
  }
  const conns = run.connections;
  if (conns && conns.served < conns.requested) {
    const overflow = run.listen_overflows ? `; the kernel counted ${formatCount(run.listen_overflows.overflows)} listen-queue overflows` : '';
    rows.push(['connections', `only ${formatCount(conns.served)} of ${formatCount(conns.requested)} requested connections ever got an answer: the requested concurrency was never reached${overflow}`]);
  }
  const probes = run.probes.filter((p) => p.t_s >= 0);
  if (probes.length) {
    const cpu = probes.reduce((a, p) => a + p.cpu_percent, 0) / probes.length;
    const first = probes[0];
    const last = probes[probes.length - 1];
    rows.push(['process', `CPU ${formatPercent(cpu / 100)} of one core, RSS ${formatBytes(first.rss_bytes)} → ${formatBytes(last.rss_bytes)}, fds ${first.fds} → ${last.fds}, threads ${first.threads} → ${last.threads}`]);
    const withServer = probes.filter((p) => p.server);
    if (withServer.length) {
      const busy = withServer.reduce((a, p) => a + p.server!.busy, 0) / withServer.length;
      const qmax = Math.max(...withServer.map((p) => p.server!.queue));
      rows.push(['workers', `${formatNumber(busy)} of ${withServer[0].server!.threads} busy on average, queue max ${qmax}${workTimeText(withServer)}`]);
    }
  }
  if (run.target.proxy) {
    const p = run.target.proxy;
    if (p.kind === 'apache') {
      const front = p.apache_style === 'proxypass' ? 'ProxyPass' : `RewriteRule ${p.apache_rewrite_ne ? '[P,NE]' : '[P]'}${p.apache_escape_fix ? ' with the escape map' : ''}`;
      rows.push(['proxy', `Apache ${p.apache_version ?? ''} ${front}, ProxyTimeout ${p.read_timeout_s} s; refused to backend ${p.connection_refused ?? 0}, timeouts ${p.upstream_timeouts ?? 0}, unescaped paths refused ${p.unescaped_refused ?? 0}`]);
    } else {
      rows.push(['proxy', `nginx read timeout ${p.read_timeout_s} s; upstream timeouts ${p.upstream_timeouts ?? 0}, premature closes ${p.premature_closes ?? 0}`]);
    }
    if (p.concurrency_limit !== undefined) {
      // Whose limit: the proxy's own, beside the backend's pool in the workers row.
      const hit = p.limit_reached ? `; its error log says it hit it ${formatCount(p.limit_reached)} time${p.limit_reached === 1 ? '' : 's'}` : '';
      rows.push(['proxy limit', `${formatCount(p.concurrency_limit)} requests at once (${p.concurrency_limit_setting ?? 'its settings'})${hit}`]);
    }
    // Keep-alive to the backend, as the backend counted it: a connect per request without it.
    const perRequest = connectionsPerRequest(probes);
    if (perRequest !== undefined) {
      rows.push(['backend connects', `${formatNumber(perRequest)} new connections per request at the backend (keep-alive to the backend ${p.keepalive === false ? 'off' : 'on'})`]);
    }
    if (p.relayed_5xx) {
      const where = p.paths_5xx?.[0] ? `, e.g. ${p.paths_5xx[0].path}` : '';
      rows.push(['relayed 5xx', `${formatCount(p.relayed_5xx)} answers 5xx came from the backend itself${where}${p.own_5xx ? `; ${formatCount(p.own_5xx)} the proxy made itself` : ''}`]);
    }
    const w = p.forwarded;
    if (w) {
      rows.push(['backend sees', `Host ${w.host_seen ?? '-'}, peer ${w.peer_address ?? '-'}, X-Forwarded-For ${w.x_forwarded_for ?? '-'}, X-Forwarded-Host ${w.x_forwarded_host ?? '-'} (client ${w.client_address}, Host ${w.client_host})`]);
      rows.push(['client data', `${w.app_logs_proxy_address ? "an app logs the proxy's address" : "an app logs the client's address"}; ${w.urls_use_proxy_host ? "absolute URLs use the proxy's host" : "absolute URLs keep the client's host"}${w.recoverable_with_tools_proxy ? '; tools.proxy.on recovers both' : ''}`]);
    }
  }
  if (run.target.balancer) rows.push(...balancerRows(run.target.balancer));
  const cost = run.proxy_cost;
  if (cost) {
    rows.push(['proxy cost', cost.sentence]);
    const front = (name: string, f: typeof cost.direct) => `${name} ${formatRate(f.throughput_rps)} req/s, p50 ${formatMs(f.p50_ms)}, p99 ${formatMs(f.p99_ms)}${f.errors > 0 ? `, ${formatCount(f.errors)} errors` : ''}`;
    rows.push(['direct vs proxied', `${front('direct', cost.direct)}; ${front(`through ${cost.proxy_label}`, cost.proxied)} (medians of ${cost.rounds} alternating rounds of ${formatSeconds(cost.round_s)} a side)`]);
  }
  const offload = run.static_offload;
  if (offload) {
    rows.push(['static offload', offload.sentence]);
    const side = (name: string, x: typeof offload.with_static) => `${name}: backend ${formatCount(x.backend_requests)} of ${formatCount(x.client_requests)} requests, workers busy ${formatPercent(x.backend_busy_share)}, ${formatRate(x.throughput_rps)} req/s, p99 ${formatMs(x.p99_ms)}`;
    rows.push(['with vs without', `${side(`with ${offload.prefix}`, offload.with_static)}; ${side('without', offload.without_static)} (${offload.with_static.rounds} alternating rounds of ${formatSeconds(offload.round_s)} a side)`]);
  }
  const errorsByKind = Object.entries(s?.errors.by_kind ?? {}).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => [k, n ?? 0] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { rows, errorsByKind };
}

/**
 * "; work time per worker 1.2 s – 1.5 s of 5 s (24% – 30%)": what each worker spent on requests
 * over the measured window, from the stats' cumulative per-worker work time (the bundled server's
 * workers[], cheroot's "Worker Threads"). Empty when the stats have none.
 */
function workTimeText(samples: ProbeSample[]): string {
  const withTimes = samples.filter((p) => p.server?.worker_work_time_s && p.server.worker_work_time_s.length > 0);
  if (withTimes.length < 2) return '';
  const first = withTimes[0];
  const last = withTimes[withTimes.length - 1];
  const a = first.server!.worker_work_time_s!;
  const b = last.server!.worker_work_time_s!;
  const windowS = last.t_s - first.t_s;
  if (a.length !== b.length || !(windowS > 0)) return '';
  const spent = b.map((t, i) => Math.max(0, t - a[i]));
  const lo = Math.min(...spent);
  const hi = Math.max(...spent);
  return `; work time per worker ${formatSeconds(lo)} – ${formatSeconds(hi)} of ${formatSeconds(windowS)} (${formatPercent(lo / windowS)} – ${formatPercent(hi / windowS)})`;
}

/** A balanced target's rows: the spread over its processes, its own cost, what it did when one died. */
export function balancerRows(b: NonNullable<RunRecord['target']['balancer']>): [string, string][] {
  const name = b.kind === 'haproxy' ? 'HAProxy' : 'nginx';
  const rows: [string, string][] = [];
  const spread = b.requests_per_backend
    ? `requests per process ${b.requests_per_backend.map(formatCount).join(' / ')}${b.skew !== undefined ? ` (the busiest ${formatNumber(b.skew)}× the mean)` : ''}`
    : 'requests per process not read (a backend without a stats page, or one that died)';
  const cpu = b.cpu_ms_per_request !== undefined ? `; its own CPU ${formatNumber(b.cpu_ms_per_request)} ms per request` : '';
  rows.push(['balancer', `${name} round robin over ${b.backends.length} processes: ${spread}${cpu}`]);
  const d = b.after_backend_exit;
  if (d) {
    const errors = Object.entries(d.errors_by_kind).map(([k, n]) => `${k} ${formatCount(n)}`).join(', ');
    const what = d.answer === 'routed-around'
      ? `${name} routed around it: no errors in ${formatCount(d.requests)} responses after`
      : d.answer === 'errors-then-routed-around'
        ? `${name} answered ${formatCount(d.errors)} errors (${errors}) for the requests it had sent there, then routed around it (${formatCount(d.requests)} responses after)`
        : `${name} answered ${formatCount(d.errors)} errors (${errors}) until the end (${formatCount(d.requests)} responses after)`;
    rows.push(['backend died', `at ${formatSeconds(d.t_s)}: ${what}`]);
  }
  return rows;
}
