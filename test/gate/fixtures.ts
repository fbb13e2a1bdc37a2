// Synthetic run records and samples for the gate's unit tests (no processes).
import { captureEnvironment } from '../../src/environment.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';
import { RUN_SCHEMA, type RunRecord } from '../../src/run/run-record.js';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import type { RunSample } from '../../src/gate/run-sample.js';

export function lat(p50: number) {
  return { min: p50 * 0.8, mean: p50 * 1.05, p50, p90: p50 * 1.2, p95: p50 * 1.3, p99: p50 * 1.5, p999: p50 * 1.8, max: p50 * 2 };
}

/** A run record with the given p50 and throughput, and probes with a growing fd count when asked. */
export function fakeRecord(p50Ms: number, opts: { throughput?: number; errors?: number; fdGrowthPerS?: number; complete?: boolean } = {}): RunRecord {
  const requests = 1000;
  const probes: ProbeSample[] = [];
  for (let i = -2; i <= 20; i++) {
    const t = i * 0.25;
    probes.push({
      t_s: t, pid: 1, cpu_percent: 10, rss_bytes: 50e6, threads: 20, threads_by_state: {}, fds: 40 + Math.max(0, t) * (opts.fdGrowthPerS ?? 0),
      fds_by_type: { socket: 10, file: 10, pipe: 10, anon_inode: 10, other: 0 }, fd_limit: 1024, ctx_voluntary: 0, ctx_involuntary: 0, tcp_by_state: {},
    });
  }
  const errors = opts.errors ?? 0;
  return {
    schema: RUN_SCHEMA,
    cpdiag_version: '0.1.0',
    started_at: new Date(0).toISOString(),
    complete: opts.complete ?? true,
    environment: captureEnvironment(),
    scenario: 'test',
    settings: DEFAULT_SETTINGS,
    target: { kind: 'bundled', url: 'http://127.0.0.1:1', pid: 1 },
    load: { mode: 'closed', url: 'http://127.0.0.1:1', connections: 8, duration_s: 5, warmup_s: 0.5, mix: [], timeout_ms: 30000, window_ms: 1000, seed: 1 },
    summary: {
      duration_s: 5,
      requests,
      throughput_rps: opts.throughput ?? 8000 / p50Ms,
      goodput_rps: opts.throughput ?? 8000 / p50Ms,
      latency_ms: lat(p50Ms),
      errors: { total: errors, rate: errors / requests, by_kind: {} },
    },
    series: [],
    probes,
    events: [],
  };
}

export function sample(side: 'A' | 'B', index: number, values: RunSample['values'], drifting: RunSample['drifting'] = {}, died = false): RunSample {
  return { side, index, started_at: new Date(0).toISOString(), duration_s: 5, requests: 1000, values, drifting, target_died: died, complete: true };
}

/** n samples of p50 around `center` with a small deterministic spread (±2%). */
export function samples(side: 'A' | 'B', center: number, n: number, extra: (i: number) => RunSample['values'] = () => ({})): RunSample[] {
  return Array.from({ length: n }, (_, i) => {
    const v = center * (1 + ((i % 5) - 2) * 0.01);
    return sample(side, i + 1, { p50: v, p99: v * 1.5, throughput: 8000 / v, error_rate: 0, ...extra(i) });
  });
}
