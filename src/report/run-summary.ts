// The facts of a run that both the terminal and the Markdown reporter show, computed once.
import type { RunRecord } from '../run/run-record.js';
import type { ProbeSample } from '../probe/probe-sample.js';

export interface RunFacts {
  rows: [string, string][];
  errorsByKind: [string, number][];
}

import { formatBytes, formatCount, formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from '../format.js';

export function summarizeRunFacts(run: RunRecord): RunFacts {
  const s = run.summary;
  const rows: [string, string][] = [];
  const target = run.target.proxy ? `${run.target.kind} (pid ${run.target.pid}) behind nginx` : `${run.target.kind} (pid ${run.target.pid})`;
  rows.push(['target', target]);
  rows.push(['settings', `thread_pool=${run.settings.thread_pool} socket_timeout=${run.settings.socket_timeout}s socket_queue_size=${run.settings.socket_queue_size} gil=${run.settings.gil ? 'on' : 'off'}`]);
  const load = run.load.mode === 'open' ? `open loop, ${formatRate(run.load.rate_rps)} req/s ${run.load.arrival ?? 'constant'}` : `closed loop, ${run.load.connections} connections`;
  rows.push(['load', `${load}, ${run.load.duration_s} s after ${run.load.warmup_s} s warm-up`]);
  if (s) {
    rows.push(['requests', `${formatCount(s.requests)} in ${formatSeconds(s.duration_s)} = ${formatRate(s.throughput_rps)} req/s (${formatRate(s.goodput_rps)} ok/s)`]);
    const from = run.load.mode === 'open' ? ' (from intended send)' : '';
    rows.push([`latency${from}`, `p50 ${formatMs(s.latency_ms.p50)}  p90 ${formatMs(s.latency_ms.p90)}  p99 ${formatMs(s.latency_ms.p99)}  max ${formatMs(s.latency_ms.max)}`]);
    if (s.service_latency_ms) rows.push(['service time (actual send)', `p50 ${formatMs(s.service_latency_ms.p50)}  p99 ${formatMs(s.service_latency_ms.p99)}`]);
    rows.push(['errors', `${formatCount(s.errors.total)} (${formatPercent(s.errors.rate)})`]);
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
    rows.push(['proxy', `nginx read timeout ${p.read_timeout_s} s; upstream timeouts ${p.upstream_timeouts ?? 0}, premature closes ${p.premature_closes ?? 0}`]);
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
