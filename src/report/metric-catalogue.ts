// Every metric cpdiag exports, in one table: the names are a stable interface (dashboards and
// alerts are built on them), documented in docs/metrics.md, which a test keeps equal to this table.
// Naming follows OpenMetrics and Prometheus practice: prefix cpdiag_, base units as suffixes
// (_bytes, _seconds, _ratio), counters exposed as _total, one meaning per name, dimensions as labels.
import type { MetricFamily, MetricSample, MetricType } from './openmetrics.js';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  unit?: string;
  help: string;
  labels: readonly string[];
  /** Where it comes from: `inspect --watch --metrics-listen` and/or `run --metrics-file`. */
  sources: readonly ('inspect' | 'run')[];
}

const BOTH = ['inspect', 'run'] as const;
const INSPECT = ['inspect'] as const;
const RUN = ['run'] as const;

export const METRICS = {
  rss: { name: 'cpdiag_process_resident_memory_bytes', type: 'gauge', unit: 'bytes', help: 'Resident set size of the process (VmRSS; the run sums its process tree).', labels: ['pid'], sources: BOTH },
  cpuSeconds: { name: 'cpdiag_process_cpu_seconds', type: 'counter', unit: 'seconds', help: 'CPU time the process used in user and system mode, all threads.', labels: ['pid'], sources: INSPECT },
  cpuRatio: { name: 'cpdiag_process_cpu_usage_ratio', type: 'gauge', unit: 'ratio', help: 'CPU seconds per second over the last sample interval, all threads (1 = one core busy).', labels: ['pid'], sources: BOTH },
  threads: { name: 'cpdiag_process_threads', type: 'gauge', help: 'Threads of the process.', labels: ['pid'], sources: BOTH },
  threadsByState: { name: 'cpdiag_process_threads_by_state', type: 'gauge', help: 'Threads by kernel state letter (R running, S sleeping, D disk wait, Z zombie, T stopped, I idle).', labels: ['pid', 'state'], sources: BOTH },
  threadsByActivity: { name: 'cpdiag_process_threads_by_activity', type: 'gauge', help: 'Threads by what they are doing: running, io (blocked on a socket, pipe or file), poll, lock (futex), sleep, disk, stopped, zombie, other.', labels: ['pid', 'activity'], sources: INSPECT },
  workers: { name: 'cpdiag_workers', type: 'gauge', help: 'Worker threads of the request pool: source="threads" as recognised from /proc, source="stats" as the server reports them.', labels: ['pid', 'source'], sources: BOTH },
  workersBusy: { name: 'cpdiag_workers_busy', type: 'gauge', help: 'Worker threads handling a request (not parked idle).', labels: ['pid', 'source'], sources: BOTH },
  serverQueue: { name: 'cpdiag_server_queued_requests', type: 'gauge', help: "Requests accepted and waiting for a worker, as the server's statistics report them.", labels: ['pid'], sources: BOTH },
  serverRequests: { name: 'cpdiag_server_requests', type: 'counter', help: "Requests the server has handled, from its statistics.", labels: ['pid'], sources: BOTH },
  serverErrors: { name: 'cpdiag_server_errors', type: 'counter', help: "Errors the server has counted (cheroot: socket errors), from its statistics.", labels: ['pid'], sources: BOTH },
  fds: { name: 'cpdiag_process_open_fds', type: 'gauge', help: 'Open file descriptors.', labels: ['pid'], sources: BOTH },
  fdsByType: { name: 'cpdiag_process_open_fds_by_type', type: 'gauge', help: 'Open file descriptors by type: socket, file, pipe, anon_inode, other.', labels: ['pid', 'type'], sources: BOTH },
  maxFds: { name: 'cpdiag_process_max_fds', type: 'gauge', help: 'Soft limit on open file descriptors (RLIMIT_NOFILE); absent when unlimited.', labels: ['pid'], sources: BOTH },
  tcp: { name: 'cpdiag_process_tcp_sockets', type: 'gauge', help: 'TCP sockets the process holds, by state (ESTABLISHED, CLOSE_WAIT, LISTEN, ...).', labels: ['pid', 'state'], sources: BOTH },
  listenQueue: { name: 'cpdiag_process_listen_queue', type: 'gauge', help: 'Connections completed by the kernel and not yet accepted, summed over the listening sockets.', labels: ['pid'], sources: BOTH },
  contextSwitches: { name: 'cpdiag_process_context_switches', type: 'counter', help: 'Context switches, kind="voluntary" (blocked) or "involuntary" (preempted): run sums all threads; inspect counts as /proc/PID/status does (the main thread).', labels: ['pid', 'kind'], sources: BOTH },
  driftRss: { name: 'cpdiag_drift_rss_bytes_per_second', type: 'gauge', help: 'Theil-Sen slope of RSS over the samples so far.', labels: ['pid'], sources: INSPECT },
  driftFds: { name: 'cpdiag_drift_fds_per_second', type: 'gauge', help: 'Theil-Sen slope of the open fd count over the samples so far.', labels: ['pid'], sources: INSPECT },
  driftThreads: { name: 'cpdiag_drift_threads_per_second', type: 'gauge', help: 'Theil-Sen slope of the thread count over the samples so far.', labels: ['pid'], sources: INSPECT },
  drifting: { name: 'cpdiag_drift_detected', type: 'gauge', help: '1 when the resource grows steadily (the slope interval excludes zero and the growth is material), else 0.', labels: ['pid', 'resource'], sources: INSPECT },
  loadRequests: { name: 'cpdiag_load_requests', type: 'counter', help: 'Responses the load generator received (any status).', labels: ['scenario'], sources: RUN },
  loadErrors: { name: 'cpdiag_load_errors', type: 'counter', help: 'Failed requests by kind: refused, reset, timeout, closed, other, http_<status>.', labels: ['scenario', 'kind'], sources: RUN },
  loadLatency: { name: 'cpdiag_load_latency_seconds', type: 'gauge', unit: 'seconds', help: 'Request latency in the window, by percentile (p50, p90, p95, p99, p999, max); open loop: from the intended send time.', labels: ['scenario', 'percentile'], sources: RUN },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** Collects samples per metric and returns the families in the catalogue's order. */
export class FamilyBuilder {
  private readonly samples = new Map<MetricKey, MetricSample[]>();

  add(key: MetricKey, labels: Record<string, string>, value: number | undefined | null, timestampS?: number): void {
    if (value === undefined || value === null || !Number.isFinite(value)) return;
    const list = this.samples.get(key) ?? [];
    list.push(timestampS === undefined ? { labels, value } : { labels, value, timestampS });
    this.samples.set(key, list);
  }

  build(): MetricFamily[] {
    return (Object.keys(METRICS) as MetricKey[])
      .filter((k) => this.samples.has(k))
      .map((k) => {
        const d: MetricDefinition = METRICS[k];
        return { name: d.name, type: d.type, ...(d.unit ? { unit: d.unit } : {}), help: d.help, samples: this.samples.get(k)! };
      });
  }
}
