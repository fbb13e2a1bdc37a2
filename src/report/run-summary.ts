// The facts of a run that both the terminal and the Markdown reporter show, computed once.
import type { RunRecord } from '../run/run-record.js';

export interface RunFacts {
  rows: [string, string][];
  errorsByKind: [string, number][];
}

import { formatBytes, formatCount, formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';

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
  const target = run.target.proxy ? `${run.target.kind} (pid ${run.target.pid}) behind nginx` : `${run.target.kind} (pid ${run.target.pid})`;
  rows.push(['target', target]);
  rows.push(['settings', describeSettings(run)]);
  const load = run.load.mode === 'open' ? `open loop, ${formatRate(run.load.rate_rps)} req/s ${run.load.arrival ?? 'constant'}` : `closed loop, ${run.load.connections} connections`;
  rows.push(['load', `${load}, ${run.load.duration_s} s after ${run.load.warmup_s} s warm-up`]);
  if (s) {
    rows.push(['requests', `${formatCount(s.requests)} in ${formatSeconds(s.duration_s)} = ${formatRate(s.throughput_rps)} req/s (${formatRate(s.goodput_rps)} ok/s)`]);
    const from = run.load.mode === 'open' ? ' (from intended send)' : '';
    rows.push([`latency${from}`, `p50 ${formatMs(s.latency_ms.p50)}  p90 ${formatMs(s.latency_ms.p90)}  p99 ${formatMs(s.latency_ms.p99)}  max ${formatMs(s.latency_ms.max)}`]);
    if (s.service_latency_ms) rows.push(['service time (actual send)', `p50 ${formatMs(s.service_latency_ms.p50)}  p99 ${formatMs(s.service_latency_ms.p99)}`]);
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
      rows.push(['workers', `${formatNumber(busy)} of ${withServer[0].server!.threads} busy on average, queue max ${qmax}`]);
    }
  }
  if (run.target.proxy) {
    const p = run.target.proxy;
    rows.push(['proxy', `nginx read timeout ${p.read_timeout_s} s; upstream timeouts ${p.upstream_timeouts ?? 0}, premature closes ${p.premature_closes ?? 0}`]);
  }
  const errorsByKind = Object.entries(s?.errors.by_kind ?? {}).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => [k, n ?? 0] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { rows, errorsByKind };
}
