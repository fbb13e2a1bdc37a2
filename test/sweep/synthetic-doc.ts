// A sweep document built from a synthetic pool model (capacity min(N/S, limit)), for testing the
// analysis and the reporters without measuring anything.
import { analyzeSweep } from '../../src/sweep/analyze-sweep.js';
import { findingsFromSweep } from '../../src/sweep/findings-from-sweep.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import type { LatencySummaryMs } from '../../src/load/load-result.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';
import { SWEEP_SCHEMA, type SweepDocument, type SweepLevel, type SweepStep } from '../../src/sweep/sweep-document.js';

function latency(p99: number): LatencySummaryMs {
  return { min: p99 / 4, mean: p99 / 2, p50: p99 / 2.2, p90: p99 / 1.3, p95: p99 / 1.1, p99, p999: p99 * 1.2, max: p99 * 1.3 };
}

export function syntheticStep(value: number, opts: { serviceMs: number; limitRps: number; setting?: string; value2?: number; t0Ms?: number }): SweepStep {
  const capacity = Math.min(value / (opts.serviceMs / 1000), opts.limitRps);
  const levels: SweepLevel[] = [0.3, 0.6, 0.8, 0.95, 1.1].map((f, i) => {
    const offered = Math.round(f * capacity);
    const over = f > 1;
    return {
      offered_rps: offered,
      t_s: i * 1.2 + 0.5,
      duration_s: 1,
      requests: offered,
      throughput_rps: over ? capacity * 0.97 : offered,
      goodput_rps: over ? capacity * 0.97 : offered,
      latency_ms: latency(over ? 900 : opts.serviceMs * (1.5 + 4 * f * f)),
      errors: { total: 0, rate: over ? 0.02 : 0, by_kind: {} },
      saturation: { workers: value, all_busy_share: Math.min(1, f * f), busy_mean: Math.min(value, f * value), queue_p50: over ? 20 : 0, queue_p99: over ? 60 : f > 0.9 ? 3 : 0, queue_max: over ? 80 : 4, samples: 10 },
      cpu_percent_mean: 40 + 50 * f,
      ctx_per_request: 2 + value / 32,
    };
  });
  const probes: ProbeSample[] = Array.from({ length: 60 }, (_, k) => ({
    t_s: k * 0.1,
    pid: 1000 + value,
    cpu_percent: 50,
    rss_bytes: (60 + value * 8) * 1048576 + k * 1024,
    threads: value + 11,
    threads_by_state: { S: value + 10, R: 1 },
    fds: 20 + (k % 3),
    fds_by_type: { socket: 5, file: 10, pipe: 3, anon_inode: 2, other: 0 },
    fd_limit: 1024,
    ctx_voluntary: k * 100,
    ctx_involuntary: k * 10,
    tcp_by_state: { ESTABLISHED: 5 },
  }));
  return {
    setting: opts.setting ?? 'thread_pool',
    value,
    ...(opts.value2 !== undefined ? { setting2: 'accepted_queue_size', value2: opts.value2 } : {}),
    status: 'ok',
    origin: 'plan',
    started_at: new Date((opts.t0Ms ?? Date.UTC(2026, 0, 1)) + value * 7000).toISOString(),
    duration_s: 7,
    settings: { ...DEFAULT_SETTINGS, thread_pool: value },
    capacity_rps: Math.round(0.95 * capacity),
    max_throughput_rps: capacity,
    latency_ms: levels[3].latency_ms,
    service_time_ms: opts.serviceMs,
    knee: { knee_rps: Math.round(0.95 * capacity), floor_p99_ms: opts.serviceMs * 1.9, capacity_at_slo_rps: Math.round(0.95 * capacity), method: 'kneedle', reason: 'synthetic' },
    ramp_stop_reason: 'synthetic stop',
    levels,
    saturation: levels[3].saturation,
    drift: {
      rss_bytes: { metric: 'rss_bytes', slope_per_s: 10240, ci_low: 0, ci_high: 20000, growth: 60000, samples: 60, drifting: false },
      fds: { metric: 'fds', slope_per_s: 0, ci_low: -1, ci_high: 1, growth: 0, samples: 60, drifting: false },
      threads: { metric: 'threads', slope_per_s: 0, ci_low: 0, ci_high: 0, growth: 0, samples: 60, drifting: false },
    },
    ctx_per_request: levels[3].ctx_per_request,
    probes,
    events: [],
  };
}

/** A synthetic step whose capacity is `capacity` (its ladder from the pool model around it). */
export function stepWith(value: number, capacity: number, origin: SweepStep['origin'] = 'plan'): SweepStep {
  return { ...syntheticStep(value, { serviceMs: 21, limitRps: capacity / 0.95 }), capacity_rps: capacity, origin };
}

/** The machine's CPU on every level of a step (the boundary level is the first that missed the SLO). */
export function withMachine(step: SweepStep, busy: number, other: number): SweepStep {
  return { ...step, levels: step.levels.map((l) => ({ ...l, machine_cpu: { cpus: 2, busy_share: busy, target_share: Math.min(0.5, busy - other), cpdiag_share: Math.max(0, busy - other - 0.5), other_share: other } })) };
}

export function syntheticSweep(values: number[], opts: { serviceMs: number; limitRps: number }): SweepDocument {
  const steps = values.map((v) => syntheticStep(v, opts));
  const analysis = analyzeSweep(steps, { setting: 'thread_pool', sloP99Ms: 250, maxErrorRate: 0.01, mixPaths: ['GET /work?io_ms=20&cpu_ms=1'], levelS: 1 });
  const doc: SweepDocument = {
    schema: SWEEP_SCHEMA,
    cpdiag_version: '0.1.0',
    started_at: steps[0].started_at,
    finished_at: steps[steps.length - 1].started_at,
    complete: true,
    environment: { hostname: 'test', platform: 'linux-x64', kernel: '6', cpu_model: 'test cpu', cores: 2, memory_bytes: 4e9, node_version: 'v20', load_average: [1, 1, 1] },
    scenario: 'sweep-thread_pool',
    preset: 'thread-pool',
    setting: 'thread_pool',
    values,
    target: { kind: 'bundled' },
    base_settings: DEFAULT_SETTINGS,
    load: { ramp: 'open', mix: [{ method: 'GET', path: '/work?io_ms=20&cpu_ms=1', weight: 1 }], level_s: 1, warmup_s: 0.2, max_levels: 7 },
    slo: { p99_ms: 250, error_rate: 0.01 },
    steps,
    knee: analysis.knee,
    usl: analysis.usl,
    theory: analysis.theory,
    resources: analysis.resources,
    recommendation: analysis.recommendation,
    events: [],
    budget: { planned_s: 90, wall_s: 63 },
  };
  doc.findings = findingsFromSweep({ setting: 'thread_pool', steps, recommendedValue: analysis.recommendation.value, cores: 2, sloP99Ms: 250 });
  doc.diagnosis = diagnose(doc.findings);
  return doc;
}
