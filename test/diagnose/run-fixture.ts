// A synthetic run record, as `cpdiag run` saves it: a saturated pool and leaking fds.
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';
import { RUN_SCHEMA, type RunRecord } from '../../src/run/run-record.js';

export function syntheticRun(opts: { leakFds?: boolean; saturated?: boolean } = {}): RunRecord {
  const probes: ProbeSample[] = [];
  for (let i = 0; i < 30; i++) {
    probes.push({
      t_s: i,
      pid: 4242,
      cpu_percent: 35 + (i % 3),
      rss_bytes: 40 * 1024 * 1024 + (i % 4) * 64 * 1024,
      threads: 20,
      threads_by_state: { S: 19, R: 1 },
      fds: 40 + (opts.leakFds ? i * 3 : i % 2),
      fds_by_type: { socket: 30, file: 5, pipe: 3, anon_inode: 2, other: 0 },
      fd_limit: 1024,
      ctx_voluntary: 1000 + i * 2000,
      ctx_involuntary: 10 + i * 20,
      tcp_by_state: { ESTABLISHED: 20, CLOSE_WAIT: opts.leakFds ? 12 : 0 },
      listen_queue: 0,
      server: opts.saturated
        ? { threads: 8, busy: 8, idle: 0, queue: 10 + (i % 5), requests: i * 400, errors: 0 }
        : { threads: 8, busy: 2 + (i % 2), idle: 5, queue: 0, requests: i * 400, errors: 0 },
    });
  }
  const latency = opts.saturated
    ? { min: 20, mean: 55, p50: 50, p90: 80, p95: 90, p99: 120, p999: 150, max: 170 }
    : { min: 20, mean: 21, p50: 21, p90: 22, p95: 23, p99: 26, p999: 30, max: 35 };
  return {
    schema: RUN_SCHEMA,
    cpdiag_version: '0.1.0',
    started_at: '2026-11-23T00:00:00.000Z',
    finished_at: '2026-11-23T00:00:30.000Z',
    complete: true,
    environment: { hostname: 'h', platform: 'linux', kernel: '6', cpu_model: 'x', cores: 2, memory_bytes: 4e9, node_version: 'v20', load_average: [0, 0, 0] },
    scenario: 'synthetic',
    settings: { ...DEFAULT_SETTINGS, thread_pool: 8 },
    target: { kind: 'bundled', url: 'http://127.0.0.1:8080', pid: 4242 },
    load: { mode: 'closed', url: 'http://127.0.0.1:8080', connections: 32, duration_s: 30, warmup_s: 2, mix: [{ method: 'POST', path: '/work', body_bytes: 2048 }], timeout_ms: 10000, window_ms: 1000, seed: 1 },
    summary: { duration_s: 30, requests: 12000, throughput_rps: 400, goodput_rps: 400, latency_ms: latency, errors: { total: 0, rate: 0, by_kind: {} } },
    series: [],
    probes,
    events: [],
  };
}
