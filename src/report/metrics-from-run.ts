// A run's series as metric families with a timestamp per point, for `cpdiag run --metrics-file`:
// the process samples (every probe interval) and the load windows (every window_ms). Points are
// placed in real time: the recording starts at started_at plus the warm-up, and the samples'
// t_s count from there (warm-up samples have a negative t_s and come before it).
import type { RunRecord } from '../run/run-record.js';
import { FamilyBuilder } from './metric-catalogue.js';
import { addServerStats } from './metrics-from-inspect.js';
import type { MetricFamily } from './openmetrics.js';

const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

export function metricsFromRun(record: RunRecord): MetricFamily[] {
  const b = new FamilyBuilder();
  const originS = Date.parse(record.started_at) / 1000 + record.load.warmup_s;
  const scenario = { scenario: record.scenario };
  for (const p of record.probes) {
    const ts = originS + p.t_s;
    const labels = { ...scenario, pid: String(p.pid) };
    b.add('rss', labels, p.rss_bytes, ts);
    b.add('cpuRatio', labels, p.cpu_percent / 100, ts);
    b.add('threads', labels, p.threads, ts);
    for (const [state, n] of Object.entries(p.threads_by_state)) b.add('threadsByState', { ...labels, state }, n, ts);
    b.add('fds', labels, p.fds, ts);
    for (const [type, n] of Object.entries(p.fds_by_type)) b.add('fdsByType', { ...labels, type }, n, ts);
    if (p.fd_limit > 0) b.add('maxFds', labels, p.fd_limit, ts);
    for (const [state, n] of Object.entries(p.tcp_by_state)) b.add('tcp', { ...labels, state }, n, ts);
    b.add('listenQueue', labels, p.listen_queue, ts);
    b.add('contextSwitches', { ...labels, kind: 'voluntary' }, p.ctx_voluntary, ts);
    b.add('contextSwitches', { ...labels, kind: 'involuntary' }, p.ctx_involuntary, ts);
    if (p.server) addServerStats(b, labels, p.server, ts);
  }
  let requests = 0;
  const errors = new Map<string, number>();
  for (const w of record.series) {
    const ts = originS + w.t_s + w.duration_s;
    requests += w.requests;
    b.add('loadRequests', scenario, requests, ts);
    for (const [kind, n] of Object.entries(w.errors)) errors.set(kind, (errors.get(kind) ?? 0) + (n ?? 0));
    for (const [kind, n] of errors) b.add('loadErrors', { ...scenario, kind }, n, ts);
    if (w.requests > 0) for (const pct of PERCENTILES) b.add('loadLatency', { ...scenario, percentile: pct }, w.latency_ms[pct] / 1000, ts);
  }
  return b.build();
}
