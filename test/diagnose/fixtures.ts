// Seeded synthetic findings: a healthy service with every field measured, and the scenarios the
// diagnosis must recognise, each a small change to the healthy one.
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import type { DriftEstimate } from '../../src/analysis/drift.js';
import type { Findings } from '../../src/diagnose/findings.js';

export function flatDrift(metric: DriftEstimate['metric']): DriftEstimate {
  return { metric, slope_per_s: 0, ci_low: -1, ci_high: 1, growth: 0, per_request: 0, samples: 30, drifting: false };
}

export function risingDrift(metric: DriftEstimate['metric'], slopePerS: number): DriftEstimate {
  return { metric, slope_per_s: slopePerS, ci_low: slopePerS * 0.8, ci_high: slopePerS * 1.2, growth: slopePerS * 60, per_request: slopePerS / 200, samples: 60, drifting: true };
}

export function healthyFindings(): Findings {
  return {
    source: 'run',
    duration_s: 30,
    settings: { ...DEFAULT_SETTINGS, thread_pool: 16 },
    offered_rps: 200,
    throughput_rps: 200,
    requests: 6000,
    latency_ms: { min: 20, mean: 21, p50: 21, p90: 22, p95: 23, p99: 25, p999: 30, max: 40 },
    latency_floor_ms: 20,
    errors: { total: 0, rate: 0, by_kind: {} },
    slow_clients: { attempted: 4, failed: 0, by_kind: {}, pause_s: 2 },
    max_request_body_bytes: 512,
    mean_response_bytes: 2048,
    cpu_percent_mean: 30,
    cores: 2,
    ctx_per_request: 4,
    saturation: { workers: 16, all_busy_share: 0, busy_mean: 4, queue_p50: 0, queue_p99: 0, queue_max: 0, listen_queue_max: 0, samples: 30 },
    drift: { rss_bytes: flatDrift('rss_bytes'), fds: flatDrift('fds'), threads: flatDrift('threads') },
    fds: { count: 30, limit: 1024, close_wait: 0 },
    worker_threads: { total: 16, blocked_io: 1, waiting_lock: 0, running: 3, idle: 12 },
    workers_on_clients: { mean: 0.1, max: 1, total_workers: 16, samples: 30, source: 'proc' },
    pool_scaling: { values: [1, 4, 16, 64], capacity_rps: [47, 188, 763, 1407], p99_ms: [40, 40, 42, 60], ctx_per_request: [4, 4, 5, 6] },
    service_time_ms: 20,
    // Mixed handlers: 8 of the 20 ms on the CPU, so not I/O-bound (an I/O-bound service is not ill,
    // but io-bound-handlers would then answer "issue" here, and this is the all-"none" service).
    cpu_time_per_request_ms: 8,
    proxy: {
      kind: 'nginx', read_timeout_s: 60, keepalive: true, upstream_timeouts: 0, premature_closes: 0, upstream_resets: 0, status_502: 0, status_504: 0, connection_refused: 0,
      concurrency_limit: 511, concurrency_limit_setting: 'worker_connections 1024 (1 worker process, 2 connections per proxied request)', nginx_worker_connections: 1024,
      limit_reached: 0, relayed_5xx: 0, own_5xx: 0,
      forwarded: { app_logs_proxy_address: false, urls_use_proxy_host: false, recoverable_with_tools_proxy: true, host_seen: 'app.example:8443', peer_address: '127.0.0.2' },
    },
    bad_request_count: 0,
    server_5xx_count: 0,
    client_concurrency: 4.2,
    connections: { requested: 16, established: 16, listen_overflows: 0, listen_drops: 0, backlog: 5 },
    threads: 30,
    // One process with a steady pool; a comparison found one more process added nothing (I/O waits).
    process_tree: { processes_max: 1, created_per_s_max: 0, threads_min: 28, threads_max: 30 },
    requests_per_process: [3010, 2990],
    process_scaling: { values: [1, 2], capacity_rps: [760, 770] },
    rss_bytes: 60 * 1024 * 1024,
    logging: { synchronous: false },
    compression: { gzip_on: false },
  };
}

/** A run (no sweep, no inspect): I/O-bound handlers, the pool full, requests queueing, CPU idle. */
export function poolTooSmallFindings(): Findings {
  const f = healthyFindings();
  delete f.pool_scaling;
  delete f.worker_threads;
  f.saturation = { workers: 16, all_busy_share: 0.95, busy_mean: 15.9, queue_p50: 20, queue_p99: 40, queue_max: 52, samples: 30 };
  f.latency_ms = { min: 20, mean: 150, p50: 140, p90: 260, p95: 320, p99: 400, p999: 480, max: 520 };
  f.cpu_percent_mean = 35;
  f.cpu_time_per_request_ms = 1.75;
  return f;
}

export function gilBoundFindings(): Findings {
  const f = healthyFindings();
  delete f.worker_threads;
  f.cpu_percent_mean = 100;
  f.cpu_time_per_request_ms = 5;
  f.service_time_ms = 5.5;
  f.latency_floor_ms = 5.5;
  f.saturation = { workers: 16, all_busy_share: 0.9, busy_mean: 15.5, queue_p50: 8, queue_p99: 20, queue_max: 30, samples: 30 };
  f.latency_ms = { min: 5, mean: 60, p50: 55, p90: 100, p95: 120, p99: 150, p999: 200, max: 230 };
  f.pool_scaling = { values: [1, 4, 16, 64], capacity_rps: [170, 174, 175, 172], p99_ms: [30, 60, 150, 500] };
  return f;
}

export function proxyReadTimeoutFindings(): Findings {
  const f = healthyFindings();
  f.requests = 200;
  f.service_time_ms = 1500;
  f.latency_floor_ms = 1500;
  f.latency_ms = { min: 20, mean: 400, p50: 25, p90: 1000, p95: 1001, p99: 1002, p999: 1003, max: 1004 };
  f.errors = { total: 12, rate: 0.06, by_kind: { http_504: 12 } };
  f.proxy = { kind: 'nginx', read_timeout_s: 1, keepalive: true, upstream_timeouts: 12, premature_closes: 0, upstream_resets: 0, status_502: 0, status_504: 12 };
  return f;
}
