// A sweep reduced to the facts the detectors reason over: how capacity reacted to the setting
// (pool_scaling) and, for everything else, the operating point a user would run at — the
// recommended value at about 80% of its capacity (the geometric mean of its runs, repeats
// included), read from its full ladder (or the best step's when there is no recommendation) —
// and the recommendation itself, which the fixes name.
import type { DriftEstimate } from '../analysis/drift.js';
import { isErrorRateWithinSlo } from '../analysis/ramp-rules.js';
import type { Findings } from '../diagnose/findings.js';
import type { SweepLevel, SweepStep } from './sweep-document.js';
import { groupByValue } from './analyze-sweep.js';
import { processTreeFindings } from '../run/process-tree-findings.js';

export function findingsFromSweep(input: {
  setting: string;
  steps: readonly SweepStep[];
  recommendedValue: number | null;
  cores?: number;
  sloP99Ms: number;
  maxErrorRate?: number;
  /**
   * The plateau coincided with the machine's CPU running out (machine-limit.ts): how capacity
   * reacted to the pool then says more about the machine than about the server, so the causes
   * read from that shape (pool too large, flat capacity) are left undecided rather than guessed.
   */
  machineLimited?: boolean;
}): Findings {
  // One step per value (repeats folded into their value's capacity), as the recommendation saw them.
  const ok = groupByValue(input.steps.filter((s) => s.status === 'ok' && s.levels.length > 0)).map((g) => g.step);
  const f: Findings = { source: 'sweep' };
  // A fix that names the setting names the value the sweep recommends, never another.
  if (input.recommendedValue !== null) f.recommended = { setting: input.setting, value: input.recommendedValue };
  if (input.cores) f.cores = input.cores;
  const events = input.steps.flatMap((s) => (s.status === 'failed' && s.error ? [{ t_s: 0, kind: 'error' as const, message: s.error }] : []));
  if (events.length > 0) f.events = events;
  if (ok.length === 0) return f;

  if (input.setting === 'thread_pool' && !ok.some((s) => s.value2 !== undefined) && !input.machineLimited) {
    f.pool_scaling = {
      values: ok.map((s) => s.value),
      capacity_rps: ok.map((s) => s.capacity_rps ?? 0),
      p99_ms: ok.map((s) => s.latency_ms.p99),
    };
    if (ok.every((s) => s.ctx_per_request !== undefined)) f.pool_scaling.ctx_per_request = ok.map((s) => s.ctx_per_request!);
  }
  // A processes sweep: does capacity follow the processes (separate GILs), and where does it stop?
  if (input.setting === 'processes' && !ok.some((s) => s.value2 !== undefined)) {
    f.process_scaling = { values: ok.map((s) => s.value), capacity_rps: ok.map((s) => s.capacity_rps ?? 0) };
  }

  const step = ok.find((s) => s.value === input.recommendedValue) ?? [...ok].sort((a, b) => (b.capacity_rps ?? 0) - (a.capacity_rps ?? 0))[0];
  f.settings = step.settings;
  f.duration_s = step.duration_s;
  const level = operatingLevel(step, input.maxErrorRate);
  if (level) {
    f.offered_rps = level.offered_rps;
    f.throughput_rps = level.throughput_rps;
    f.requests = level.requests;
    f.latency_ms = level.latency_ms;
    f.errors = level.errors;
    if (level.saturation && level.saturation.samples > 0) {
      f.saturation = level.saturation;
      if (level.throughput_rps > 0) f.service_time_ms = (level.saturation.busy_mean / level.throughput_rps) * 1000;
    }
    if (level.cpu_percent_mean !== undefined) {
      f.cpu_percent_mean = level.cpu_percent_mean;
      if (level.throughput_rps > 0) f.cpu_time_per_request_ms = (level.cpu_percent_mean / 100 / level.throughput_rps) * 1000;
    }
    if (level.ctx_per_request !== undefined) f.ctx_per_request = level.ctx_per_request;
    if (level.slow_clients) f.slow_clients = { attempted: level.slow_clients.attempted, failed: level.slow_clients.failed, by_kind: level.slow_clients.by_kind };
  }
  if (f.service_time_ms === undefined && step.service_time_ms !== undefined) f.service_time_ms = step.service_time_ms;
  f.latency_floor_ms = Number.isFinite(step.knee.floor_p99_ms) ? step.service_time_ms ?? step.knee.floor_p99_ms : step.service_time_ms;
  Object.assign(f, processTreeFindings(step.probes));
  const lastProbe = step.probes[step.probes.length - 1];
  if (lastProbe) {
    f.threads = lastProbe.threads;
    f.fds = { count: lastProbe.fds, limit: lastProbe.fd_limit, close_wait: lastProbe.tcp_by_state?.CLOSE_WAIT ?? 0 };
  }
  // Drift: a leak at any value is a leak; otherwise the operating step's estimate. RSS is left
  // out: within a ramp it grows with the load (buffers, in-flight requests), so a rising RSS here
  // is not evidence of a leak — a run at a constant rate is (the report says so).
  const drift: Partial<Record<DriftEstimate['metric'], DriftEstimate>> = {};
  for (const metric of ['fds', 'threads'] as const) {
    const drifting = ok.map((s) => s.drift?.[metric]).find((d) => d?.drifting);
    const d = drifting ?? step.drift?.[metric];
    if (d) drift[metric] = d;
  }
  if (Object.keys(drift).length > 0) f.drift = drift;
  return f;
}

/**
 * The operating point a user would run at: the highest level at or below OPERATING_SHARE of the
 * step's capacity. (The capacity level itself is saturated by definition — every worker busy, a
 * queue — and would have the detectors call a well-sized pool too small.) Its errors must be within
 * the SLO's limit (ramp-rules; the default 1% unless the sweep's SLO says otherwise). Else the lowest level.
 */
export const OPERATING_SHARE = 0.8;

function operatingLevel(step: SweepStep, maxErrorRate?: number): SweepLevel | undefined {
  if (step.levels.length === 0) return undefined;
  const load = (l: SweepLevel) => l.offered_rps ?? l.throughput_rps;
  const sorted = [...step.levels].sort((a, b) => load(a) - load(b));
  if (step.capacity_rps !== null) {
    const below = sorted.filter((l) => load(l) <= OPERATING_SHARE * step.capacity_rps! * 1.02 && isErrorRateWithinSlo(l.errors.rate, { maxErrorRate }));
    if (below.length > 0) return below[below.length - 1];
  }
  return sorted[0];
}
