// A run record reduced to the facts the detectors reason over. Pure: the record comes in, the
// findings go out; anything the run did not measure stays undefined (and its detectors answer
// "insufficient data" rather than guess).
import { estimateDrift, MIN_DRIFT_SAMPLES, type DriftMetric } from '../analysis/drift.js';
import { summarizeSaturation } from '../analysis/saturation.js';
import type { DriftEstimate } from '../analysis/drift.js';
import type { Findings } from '../diagnose/findings.js';
import type { RequestSpec } from '../load/load-plan.js';
import type { ProbeSample, WorkerCensusSample } from '../probe/probe-sample.js';
import { median } from '../analysis/percentiles.js';
import { censusFromServerStates, meanComputing, summarizeOnClients } from '../probe/worker-census.js';
import type { RunRecord } from './run-record.js';
import { processTreeFindings } from './process-tree-findings.js';
import { connectionsPerRequest } from './connections-per-request.js';
import { serverCounterGrowth } from '../probe/server-counter-growth.js';
import { applicationServerErrors } from '../proxy/status-origin.js';

export function findingsFromRun(run: RunRecord): Findings {
  const f: Findings = { source: 'run', settings: knownSettings(run), events: run.events };
  const summary = run.summary;
  if (summary) {
    f.duration_s = summary.duration_s;
    f.requests = summary.requests;
    f.throughput_rps = summary.throughput_rps;
    f.offered_rps = summary.offered_rps;
    f.latency_ms = summary.latency_ms;
    f.errors = summary.errors;
  }
  if (run.environment?.cores) f.cores = run.environment.cores;
  if (run.machine_cpu) f.machine_cpu = run.machine_cpu;

  // Only samples taken while load was recorded (warm-up has t_s < 0): the means are of the load.
  const probes = measuredProbes(run.probes ?? []);
  if (probes.length > 0) {
    f.cpu_percent_mean = probes.reduce((s, p) => s + p.cpu_percent, 0) / probes.length;
    const last = probes[probes.length - 1];
    f.threads = last.threads;
    f.rss_bytes = last.rss_bytes;
    f.fds = { count: last.fds, limit: last.fd_limit, close_wait: last.tcp_by_state?.CLOSE_WAIT ?? 0 };
    Object.assign(f, contextSwitchRates(probes, f.throughput_rps));
    Object.assign(f, processTreeFindings(probes));
    if (f.throughput_rps && f.throughput_rps > 0) {
      // CPU seconds per second over requests per second = CPU time per request.
      f.cpu_time_per_request_ms = (f.cpu_percent_mean / 100 / f.throughput_rps) * 1000;
    }
    const drift = driftFromProbes(probes, f.requests);
    if (Object.keys(drift).length > 0) f.drift = drift;

    const withStats = probes.filter((p) => p.server);
    const workers = withStats[0]?.server?.threads ?? knownPool(run);
    // The pool size comes from a record or a server's stats (foreign data): a size that is not a
    // whole number of workers leaves the saturation summary out rather than reach analysis/.
    if (withStats.length > 0 && workers !== undefined && Number.isInteger(workers) && workers > 0) {
      f.saturation = summarizeSaturation(
        withStats.map((p) => ({ busy: p.server!.busy, queue: p.server!.queue, threads: p.server!.threads, listen_queue: p.listen_queue })),
        workers,
      );
      if (f.saturation.samples > 0 && f.throughput_rps && f.throughput_rps > 0) {
        // Little's law at the server: busy workers = throughput × service time.
        f.service_time_ms = (f.saturation.busy_mean / f.throughput_rps) * 1000;
      }
    }
    const states = workerStates(probes);
    if (states) {
      f.worker_threads = states.counts;
      if (states.peer) f.blocked_on_peer = states.peer;
      if (states.onClients) f.workers_on_clients = states.onClients;
    }
    // The server's own count of malformed requests (400 before the application). The client's
    // 400s are not it: the application answers 400 to bad parameters too.
    const bad = serverCounterGrowth(withStats, 'bad_request_400', { countsFromZero: true });
    if (bad !== undefined) f.bad_request_count = bad;
    // The server's own count of the 5xx it answered (its application failing), over the measurement.
    const failed = serverCounterGrowth(withStats, 'server_errors_5xx', { countsFromZero: true });
    const perRequest = connectionsPerRequest(withStats);
    if (perRequest !== undefined) f.connections_per_request = perRequest;
    if (failed !== undefined) f.server_5xx_count = failed;
  }
  // No pool statistics (a plain CherryPy app): with more requests in the server (Little) than
  // workers, the pool is busy throughout, so each worker completes throughput / pool requests a
  // second and the service time is pool / throughput; with fewer, requests do not wait for a
  // worker and the service time is about the mean latency. Both: min(mean latency, pool / throughput).
  const pool = knownPool(run);
  if (f.service_time_ms === undefined && pool && f.throughput_rps && f.latency_ms) {
    f.service_time_ms = Math.min(f.latency_ms.mean, (pool / f.throughput_rps) * 1000);
  }
  // The floor a request costs without waiting: the server's own service time when known,
  // otherwise the fastest request seen.
  if (f.service_time_ms !== undefined) f.latency_floor_ms = f.service_time_ms;
  else if (f.latency_ms) f.latency_floor_ms = f.latency_ms.min;

  // A closed loop asks for N connections: how many got through (at least one response)? Through a
  // proxy the proxy decides its upstream connections, so there is nothing to compare.
  if (run.connections && run.connections.requested > 0 && !run.target?.proxy) {
    f.connections = { requested: run.connections.requested, established: Math.min(run.connections.requested, run.connections.served) };
    if (run.listen_overflows) {
      f.connections.listen_overflows = run.listen_overflows.overflows;
      f.connections.listen_drops = run.listen_overflows.drops;
    }
    const known = run.settings_known ? run.settings_known.includes('socket_queue_size') : true;
    if (known && run.settings?.socket_queue_size !== undefined) f.connections.backlog = run.settings.socket_queue_size;
  }

  const concurrency = clientConcurrency(run);
  if (concurrency !== undefined) f.client_concurrency = concurrency;
  const paths5xx = failingPaths(run);
  if (paths5xx.length > 0) f.paths_5xx = paths5xx;

  const bodies = requestBodies(run);
  if (bodies.length > 0) f.max_request_body_bytes = Math.max(...bodies);

  if (run.slow_clients) {
    const holds = (run.load?.slow_clients ?? []).map((s) => s.spec.idle_hold_s).filter((x): x is number => x !== undefined);
    f.slow_clients = { attempted: run.slow_clients.attempted, failed: run.slow_clients.failed, by_kind: run.slow_clients.by_kind };
    if (holds.length > 0) f.slow_clients.pause_s = Math.max(...holds);
  }

  const proxy = run.target?.proxy;
  if (proxy) {
    const byKind = summary?.errors.by_kind ?? {};
    f.proxy = {
      kind: proxy.kind,
      read_timeout_s: proxy.read_timeout_s,
      // Unrecorded means cpdiag's default, which (as the scenario schema's) is upstream keepalive on.
      keepalive: proxy.keepalive ?? true,
      upstream_timeouts: proxy.upstream_timeouts ?? 0,
      premature_closes: proxy.premature_closes ?? 0,
      upstream_resets: proxy.upstream_resets ?? 0,
      status_502: byKind.http_502 ?? 0,
      status_504: byKind.http_504 ?? 0,
      status_503: byKind.http_503 ?? 0,
      connection_refused: proxy.connection_refused ?? 0,
    };
    const optional = {
      concurrency_limit: proxy.concurrency_limit, concurrency_limit_setting: proxy.concurrency_limit_setting,
      apache_threads_per_child: proxy.apache_threads_per_child, apache_server_limit: proxy.apache_server_limit,
      nginx_worker_connections: proxy.nginx_worker_connections, limit_reached: proxy.limit_reached,
      relayed_5xx: proxy.relayed_5xx, own_5xx: proxy.own_5xx,
    };
    // Only what this record measured: an older record without them leaves the detectors insufficient.
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(f.proxy, { [k]: v });
    if (proxy.forwarded) {
      const w = proxy.forwarded;
      f.proxy.forwarded = {
        app_logs_proxy_address: w.app_logs_proxy_address, urls_use_proxy_host: w.urls_use_proxy_host,
        recoverable_with_tools_proxy: w.recoverable_with_tools_proxy, host_seen: w.host_seen, peer_address: w.peer_address,
      };
    }
    if (proxy.kind === 'apache') {
      Object.assign(f.proxy, {
        apache_style: proxy.apache_style,
        apache_escape_fix: proxy.apache_escape_fix,
        apache_rewrite_ne: proxy.apache_rewrite_ne,
        escaped_rejected: proxy.escaped_rejected ?? 0,
        paths_rejected: (proxy.paths_rejected ?? []).map((p) => p.path),
        unescaped_refused: proxy.unescaped_refused ?? 0,
      });
    }
  }
  return f;
}

/**
 * What the workers were doing over the run: the server's own per-worker states where it reports
 * them, else the census read from /proc. Medians of each state, the share of samples with no idle
 * worker, and the peer most of them waited on.
 */
function workerStates(probes: ProbeSample[]): {
  counts: NonNullable<Findings['worker_threads']>; peer?: Findings['blocked_on_peer']; onClients?: Findings['workers_on_clients'];
} | undefined {
  const fromServer = probes.some((p) => p.server?.worker_states);
  const census = probes
    .map((p) => (p.server?.worker_states ? censusFromServerStates(p.server.worker_states) : p.workers))
    .filter((c): c is WorkerCensusSample => !!c && c.total > 0);
  if (census.length === 0) return undefined;
  const onClients = summarizeOnClients(census, fromServer ? 'server' : 'proc');
  const med = (k: 'total' | 'idle' | 'blocked_io' | 'waiting_lock' | 'running') => Math.round(median(census.map((c) => c[k])));
  const counts: NonNullable<Findings['worker_threads']> = {
    total: med('total'), idle: med('idle'), blocked_io: med('blocked_io'), waiting_lock: med('waiting_lock'), running: med('running'),
    all_busy_share: census.filter((c) => c.idle === 0).length / census.length,
    busy_mean: census.reduce((a, c) => a + c.total - c.idle, 0) / census.length,
    samples: census.length,
    ...meanComputing(census),
  };
  const byPeer = new Map<string, number>();
  for (const c of census) if (c.peer) byPeer.set(c.peer, (byPeer.get(c.peer) ?? 0) + 1);
  const top = [...byPeer].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!top) return { counts, onClients };
  const onTop = Math.round(median(census.map((c) => (c.peer === top ? c.on_peer ?? 0 : 0))));
  return { counts, peer: onTop > 0 ? { peer: top, workers: onTop, total_workers: counts.total } : undefined, onClients };
}

/** The pool size when it is known (given, read from the server, or inferred), else undefined. */
function knownPool(run: RunRecord): number | undefined {
  if (run.settings_known && !run.settings_known.includes('thread_pool')) return undefined;
  return run.settings?.thread_pool;
}

/** Only the settings the record says are known: a default presented as a fact misleads the detectors. */
function knownSettings(run: RunRecord): Findings['settings'] {
  if (!run.settings_known) return run.settings;
  const known = new Set<string>(run.settings_known);
  return Object.fromEntries(Object.entries(run.settings ?? {}).filter(([k]) => known.has(k))) as Findings['settings'];
}

function measuredProbes(probes: ProbeSample[]): ProbeSample[] {
  const during = probes.filter((p) => p.t_s >= 0);
  return (during.length > 0 ? during : probes).slice().sort((a, b) => a.t_s - b.t_s);
}

/** Context switches are cumulative counters: rates come from the first and last sample. */
function contextSwitchRates(probes: ProbeSample[], throughputRps: number | undefined): Partial<Findings> {
  if (probes.length < 2) return {};
  const first = probes[0];
  const last = probes[probes.length - 1];
  const dt = last.t_s - first.t_s;
  if (!(dt > 0)) return {};
  const dVol = last.ctx_voluntary - first.ctx_voluntary;
  const dInv = last.ctx_involuntary - first.ctx_involuntary;
  // A restarted target resets its counters; a negative delta is meaningless.
  if (dVol < 0 || dInv < 0) return {};
  const out: Partial<Findings> = { ctx_voluntary_per_s: dVol / dt, ctx_involuntary_per_s: dInv / dt };
  if (throughputRps && throughputRps > 0) out.ctx_per_request = (dVol + dInv) / (throughputRps * dt);
  return out;
}

function driftFromProbes(probes: ProbeSample[], requests: number | undefined): Partial<Record<DriftMetric, DriftEstimate>> {
  const out: Partial<Record<DriftMetric, DriftEstimate>> = {};
  if (probes.length < MIN_DRIFT_SAMPLES) return out;
  const times = probes.map((p) => p.t_s);
  const metrics: [DriftMetric, (p: ProbeSample) => number][] = [
    ['rss_bytes', (p) => p.rss_bytes],
    ['fds', (p) => p.fds],
    ['threads', (p) => p.threads],
  ];
  // The descriptor limit is where an fd leak ends: growth that stopped there is still the leak.
  const fdLimit = probes[probes.length - 1].fd_limit;
  for (const [metric, pick] of metrics) {
    out[metric] = estimateDrift(metric, times, probes.map(pick), { requests, ...(metric === 'fds' && fdLimit > 0 ? { ceiling: fdLimit } : {}) });
  }
  return out;
}

/** A closed loop's connections; an open loop's requests in flight by Little's law at the client. */
function clientConcurrency(run: RunRecord): number | undefined {
  const plan = run.load;
  if (plan?.mode === 'closed' && plan.connections !== undefined) return plan.connections;
  const s = run.summary;
  if (s && s.throughput_rps > 0 && s.latency_ms) return (s.throughput_rps * s.latency_ms.mean) / 1000;
  return undefined;
}

/**
 * The paths whose requests the application answered 5xx: the proxy's access log names them (relayed
 * 5xx); without a proxy, the mix entries with errors when the client saw 5xx other than a gateway's.
 */
function failingPaths(run: RunRecord): string[] {
  const fromProxy = run.target?.proxy?.paths_5xx;
  if (fromProxy) return fromProxy.map((p) => p.path);
  if (applicationServerErrors(run.summary?.errors.by_kind) === 0) return [];
  const mix = run.load?.mix ?? [];
  const failing = Object.entries(run.by_request ?? {}).filter(([, r]) => r.errors > 0).map(([key]) => key);
  if (failing.length > 0) return failing.slice(0, 10);
  return mix.length === 1 ? [mix[0]!.path] : [];
}

function requestBodies(run: RunRecord): number[] {
  const specs: RequestSpec[] = [...(run.load?.mix ?? []), ...(run.load?.slow_clients ?? []).map((s) => s.request)];
  return specs.map((r) => r.body_bytes ?? (r.body !== undefined ? Buffer.byteLength(r.body) : 0));
}
