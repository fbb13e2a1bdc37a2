// The measured facts a diagnosis reasons over. Each source (run, sweep, inspect) fills what it
// can; detectors answer "insufficient" for what is missing.

import type { DriftEstimate } from '../analysis/drift.js';
import type { SaturationSummary } from '../analysis/saturation.js';
import type { ServerSettings } from '../config/settings.js';
import type { RunEvent } from '../events.js';
import type { ErrorKind } from '../load/error-kind.js';
import type { MachineCpuSplit } from '../probe/machine-cpu.js';
import type { ErrorCounts, LatencySummaryMs } from '../load/load-result.js';

/**
 * The measured facts a diagnosis reasons over, gathered from a run, a sweep or an inspection.
 * Every field is optional: a detector whose inputs are missing answers insufficient-data.
 */
export interface Findings {
  source: 'run' | 'sweep' | 'inspect';
  duration_s?: number;
  /**
   * How long the process had been running when the window ended (inspect). A process up for
   * minutes is past its warm-up, so growth in a short window is not warm-up.
   */
  process_uptime_s?: number;
  settings?: Partial<ServerSettings>;
  /** Load */
  offered_rps?: number;
  throughput_rps?: number;
  requests?: number;
  latency_ms?: LatencySummaryMs;
  /** Latency when the load was light (the floor), for comparing the tail under load. */
  latency_floor_ms?: number;
  errors?: ErrorCounts;
  /** Slow clients' outcomes when the run had them. */
  slow_clients?: {
    attempted: number;
    failed: number;
    by_kind: Partial<Record<ErrorKind, number>>;
    /** Longest pause a slow client makes between bytes (or its idle hold), seconds, when known. */
    pause_s?: number;
  };
  /** Request mix facts that detectors use (e.g. body sizes against the limit). */
  max_request_body_bytes?: number;
  mean_response_bytes?: number;
  /**
   * The machine's CPU over the measurement, split into the target, cpdiag and everything else: a
   * target that shared a busy machine may not have shown its fault (diagnose/machine-caveat.ts).
   */
  machine_cpu?: MachineCpuSplit;
  /** Process */
  cpu_percent_mean?: number;
  cores?: number;
  ctx_involuntary_per_s?: number;
  ctx_voluntary_per_s?: number;
  /** Context switches per request. */
  ctx_per_request?: number;
  saturation?: SaturationSummary;
  drift?: Partial<Record<DriftEstimate['metric'], DriftEstimate>>;
  fds?: { count: number; limit: number; close_wait: number };
  /**
   * Requests waiting for the server's threads (inspect), per sample: connections in its listening
   * sockets' accept queues plus accepted connections whose request bytes sit unread in the kernel's
   * receive queue — the mean, the most and the samples. The queue in front of the threads, seen
   * from /proc without the server's stats.
   */
  requests_waiting?: { mean: number; max: number; samples: number };
  /** Threads by what they are doing (inspect), e.g. { 'blocked:recvfrom': 12, 'futex': 2 }. */
  threads_by_activity?: Record<string, number>;
  worker_threads?: {
    total: number; blocked_io: number; waiting_lock: number; running: number; idle: number;
    /** Share of the window's samples in which no worker was idle, the mean number busy, and how many samples there were. */
    all_busy_share?: number;
    busy_mean?: number;
    samples?: number;
    /**
     * Mean workers running or queued on a lock per sample (worker-census.ts meanComputing). Absent
     * in findings stored before it was measured.
     */
    computing_mean?: number;
  };
  /** Sweep: the value it recommends, so that a fix names that value and never contradicts it. */
  recommended?: { setting: string; value: number };
  /**
   * Workers blocked on one remote peer (threads in recvfrom/connect/... on sockets to the same
   * address), the largest such group: the peer, and the workers' median count over the window.
   */
  blocked_on_peer?: { peer: string; workers: number; total_workers: number };
  /**
   * Workers held by their clients: blocked reading from a connection accepted on the server's own
   * port that has not delivered a complete request (a fresh connection that sent nothing, a request
   * head or body arriving slowly). The mean and the most over the window, the pool, and whether the
   * server's own worker states (the bundled server's `reading`) or /proc (threads in recv or poll on
   * client sockets) said so.
   */
  workers_on_clients?: { mean: number; max: number; total_workers: number; samples: number; source: 'server' | 'proc' };
  /** CLOSE_WAIT sockets whose peer (the side that closed) is a proxy on this machine (nginx, Apache). */
  close_wait_proxy?: { count: number; proxy: string };
  /** Threads parked like idle workers but beyond the pool's size (leaked threads, not workers). */
  leaked_threads?: number;
  /**
   * Closed-loop connections asked for and established, and the kernel's listen-queue overflow
   * and drop counters over the run (TcpExt ListenOverflows / ListenDrops, machine-wide).
   */
  connections?: { requested: number; established: number; listen_overflows?: number; listen_drops?: number; backlog?: number };
  /** Sweep: how capacity reacts to the pool size. */
  pool_scaling?: { values: number[]; capacity_rps: number[]; p99_ms: number[]; ctx_per_request?: number[] };
  /** Service time of one request as measured (mean, ms) and its CPU part if known. */
  service_time_ms?: number;
  cpu_time_per_request_ms?: number;
  /** Proxy in front */
  proxy?: {
    kind: 'nginx' | 'apache';
    read_timeout_s: number;
    keepalive: boolean;
    upstream_timeouts: number;
    premature_closes: number;
    upstream_resets: number;
    status_502: number;
    status_504: number;
    /** Apache: front style and whether the RewriteMap escape fix is on. */
    apache_style?: 'rewrite' | 'proxypass';
    apache_escape_fix?: boolean;
    apache_rewrite_ne?: boolean;
    /** Proxy's access log: 400/403 answers, and how many of those paths had %xx as the client sent them. */
    escaped_rejected?: number;
    paths_rejected?: string[];
    /** What the backend saw of the client through the proxy (run --proxy-check). */
    forwarded?: { app_logs_proxy_address: boolean; urls_use_proxy_host: boolean; recoverable_with_tools_proxy: boolean; host_seen: string | null; peer_address: string | null };
    /** Proxy's error log: paths it refused to forward because a rewrite left a raw space (Apache AH10415). */
    unescaped_refused?: number;
    /** Proxy's error log: connects to the backend refused (nobody listening). */
    connection_refused?: number;
    /** 503 answers (Apache marks a refusing backend unavailable and answers 503 after the first 502). */
    status_503?: number;
    /**
     * Requests the proxy lets through to the backend at once, from its own settings (Apache
     * MaxRequestWorkers, nginx worker_connections / 2), the settings named, and the settings themselves.
     */
    concurrency_limit?: number;
    concurrency_limit_setting?: string;
    apache_threads_per_child?: number;
    apache_server_limit?: number;
    nginx_worker_connections?: number;
    /** How often the proxy's error log said it ran into that limit (Apache AH00484, nginx "worker_connections are not enough"). */
    limit_reached?: number;
    /** Proxy's access log: 5xx answers relayed from the backend, and (nginx) 5xx it made itself. */
    relayed_5xx?: number;
    own_5xx?: number;
  };
  /**
   * Requests the server itself answered 5xx over the measurement (its application failed), from its
   * own counters (the bundled server's requests.errored). Not a proxy's 502/504.
   */
  server_5xx_count?: number;
  /** The request paths answered 5xx by the application: the proxy's access log, else the mix entries that failed. */
  paths_5xx?: string[];
  /**
   * Requests the clients had in flight at once: a closed loop's connections, else Little's law at
   * the client (throughput × mean latency). What a proxy in front must let through.
   */
  client_concurrency?: number;
  /**
   * New connections the server accepted per request it served, over the measurement (its stats):
   * about 1 when each request comes on a fresh connection (a proxy without keep-alive to the
   * backend: a connect per request), near 0 when connections are reused.
   */
  connections_per_request?: number;
  /**
   * Malformed requests (400 before the application: a raw space in the request line) as the
   * server itself counted them. Never the client's count of 400s, which includes the
   * application's own refusals (bad parameters).
   */
  bad_request_count?: number;
  /** Events such as target exited. */
  events?: RunEvent[];
  /**
   * The server's process tree over the measurement (probes): most processes at once, the fastest
   * rate new ones appeared (fork per request), and the fewest and most threads (thread per request).
   */
  process_tree?: { processes_max: number; created_per_s_max: number; threads_min: number; threads_max: number };
  /** Requests each server process served over the measurement, when several served (a process pool's stats, or X-Cpdiag-Pid). */
  requests_per_process?: number[];
  /**
   * How capacity reacts to the number of processes: a processes sweep, or a model comparison's
   * thread pool (1 process) against its process pool (N), at the same workload.
   */
  process_scaling?: { values: number[]; capacity_rps: number[] };
  /** OS threads of the process now (inspect or the last probe), to compare with thread_pool. */
  threads?: number;
  /** Resident memory now (inspect or the last probe), to judge RSS growth against its level. */
  rss_bytes?: number;
  /** Logging on the request path, when known (cpdiag cannot see it from outside). */
  logging?: { synchronous: boolean; share_of_service_time?: number };
  /** Response compression, when known: gzip on and how much of the output was already compressed. */
  compression?: { gzip_on: boolean; precompressed_share?: number };
}
