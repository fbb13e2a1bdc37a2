// One model's step at one workload, summarised for the comparison table: capacity at the SLO (by
// ramp-rules, as every sweep step), p99 at 50% and 90% of it, what happened past it, and what it
// cost (RSS, PSS, threads, processes, CPU per request). Pure: the step is passed in.
import { findCapacityIndex } from '../analysis/ramp-rules.js';
import { formatCount, formatNumber, formatPercent, formatRate } from '../format.js';
import { roundTo } from '../numbers.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { SweepLevel, SweepStep } from '../sweep/sweep-document.js';
import { rampPoint } from '../sweep/summarize-step.js';
import type { CompareModel, ModelSummary, PastCapacityBehaviour } from './compare-document.js';
import { processTreeFindings } from '../run/process-tree-findings.js';
import { storedLoadSkew } from '../run/summarize-balancer.js';

/** Throughput past capacity under 80% of the capacity is a collapse, not a queue (a queue holds the rate). */
export const COLLAPSE_SHARE = 0.8;
/**
 * Threads or processes "grow without bound" when the level past capacity has at least twice as
 * many as the capacity level had and at least this many more: a fixed pool's count does not move
 * with the load, a thread or a process per request follows the concurrency.
 */
export const UNBOUNDED_MIN_GROWTH = 4;
const UNBOUNDED_FACTOR = 2;
/** Error kinds that mean the server did not take the connection (the backlog overflowed, or it was reset). */
const CONNECTION_ERRORS = ['refused', 'reset', 'closed'] as const;

/**
 * A closed-loop level's latency as the SLO must judge it: its p99, or the mean response time
 * Little's law gives (connections ÷ throughput, with no think time) when that is higher. A p99 is
 * never below the mean, and a short level under deep queueing only records the requests that
 * finished inside it — the early, fast ones — so its measured p99 can sit far below the truth
 * (64 connections on a single-threaded server serving 45 req/s wait 1.4 s each, yet a 1-s level
 * recorded a p99 of 170 ms). Levels without a connection count are returned as they are.
 */
export function withLittleBound(level: SweepLevel): SweepLevel {
  if (level.connections === undefined || !(level.throughput_rps > 0)) return level;
  const littleMs = (level.connections / level.throughput_rps) * 1000;
  if (!(littleMs > level.latency_ms.p99)) return level;
  return { ...level, latency_ms: { ...level.latency_ms, p99: roundTo(littleMs) } };
}

export interface SummarizeSlo {
  p99Ms: number;
  maxErrorRate: number;
}

/** The probes taken while a level was recorded (both on the step's clock: seconds since the target was ready). */
export function probesOfLevel(probes: readonly ProbeSample[], level: SweepLevel): ProbeSample[] {
  return probes.filter((p) => p.t_s >= level.t_s - 0.05 && p.t_s <= level.t_s + level.duration_s + 0.05);
}

function maxOf(probes: readonly ProbeSample[], pick: (p: ProbeSample) => number | undefined): number | null {
  const values = probes.map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length ? Math.max(...values) : null;
}

/**
 * The p99 at `rateRps` of throughput, interpolated linearly between the two levels around it
 * (levels in load order, up to the capacity level); the lightest level's p99 below it. Null
 * without levels.
 */
export function interpolateP99AtRate(levels: readonly SweepLevel[], rateRps: number): number | null {
  const ordered = [...levels].filter((l) => Number.isFinite(l.latency_ms.p99)).sort((a, b) => (a.connections ?? a.throughput_rps) - (b.connections ?? b.throughput_rps));
  if (ordered.length === 0) return null;
  if (rateRps <= ordered[0].throughput_rps) return ordered[0].latency_ms.p99;
  for (let i = 1; i < ordered.length; i++) {
    const a = ordered[i - 1];
    const b = ordered[i];
    if (rateRps <= b.throughput_rps && b.throughput_rps > a.throughput_rps) {
      const f = (rateRps - a.throughput_rps) / (b.throughput_rps - a.throughput_rps);
      return roundTo(a.latency_ms.p99 + f * (b.latency_ms.p99 - a.latency_ms.p99));
    }
  }
  return ordered[ordered.length - 1].latency_ms.p99;
}

/** What the levels past capacity showed, with one sentence. Pure. */
export function classifyPastCapacity(levels: readonly SweepLevel[], capIndex: number | null, probes: readonly ProbeSample[], maxErrorRate: number): { kind: PastCapacityBehaviour; text: string } {
  if (capIndex === null) return { kind: 'no-capacity', text: 'no level held the SLO' };
  const cap = levels[capIndex];
  const capConnections = cap.connections ?? 0;
  const past = levels.filter((l) => (l.connections ?? 0) > capConnections);
  if (past.length === 0) return { kind: 'not-reached', text: `within the SLO up to ${formatCount(capConnections)} connections, the ladder's top` };
  const capacity = cap.goodput_rps || cap.throughput_rps;
  const first = past[0];
  const requests = past.reduce((a, l) => a + l.requests + l.errors.total, 0);
  const refused = past.reduce((a, l) => a + CONNECTION_ERRORS.reduce((s, k) => s + (l.errors.by_kind[k] ?? 0), 0), 0);
  const worst = past.reduce((w, l) => (l.throughput_rps < w.throughput_rps ? l : w), first);
  const capProbes = probesOfLevel(probes, cap);
  const pastProbes = past.flatMap((l) => probesOfLevel(probes, l));
  const grew = (pick: (p: ProbeSample) => number | undefined): [number, number] | null => {
    const before = maxOf(capProbes, pick);
    const after = maxOf(pastProbes, pick);
    if (before === null || after === null) return null;
    return after >= UNBOUNDED_FACTOR * before && after - before >= UNBOUNDED_MIN_GROWTH ? [before, after] : null;
  };
  const processes = grew((p) => p.processes);
  const threads = grew((p) => p.threads);
  const at = `at ${formatCount(first.connections ?? 0)} connections`;
  if (requests > 0 && refused / requests > maxErrorRate) {
    return { kind: 'refused', text: `${formatPercent(refused / requests)} of requests past capacity were refused or reset (the backlog overflowed) ${at}` };
  }
  if (processes) return { kind: 'unbounded-processes', text: `processes grew from ${formatCount(processes[0])} to ${formatCount(processes[1])} past capacity (one per request, no bound)` };
  if (threads) return { kind: 'unbounded-threads', text: `threads grew from ${formatCount(threads[0])} to ${formatCount(threads[1])} past capacity (one per request, no bound)` };
  if (worst.throughput_rps < COLLAPSE_SHARE * capacity) {
    return { kind: 'collapse', text: `throughput fell to ${formatRate(worst.throughput_rps)} req/s (${formatPercent(worst.throughput_rps / Math.max(capacity, 1e-9))} of capacity) at ${formatCount(worst.connections ?? 0)} connections` };
  }
  return { kind: 'queueing', text: `throughput held at ${formatRate(first.throughput_rps)} req/s and requests queued: p99 ${formatNumber(first.latency_ms.p99)} ms ${at}` };
}

export function summarizeModelStep(step: SweepStep, model: CompareModel, workload: string, slo: SummarizeSlo): ModelSummary {
  const levels = step.levels.map(withLittleBound);
  const points = levels.map(rampPoint);
  const capIndex = levels.length ? findCapacityIndex(points, { p99Ms: slo.p99Ms, maxErrorRate: slo.maxErrorRate }) : null;
  const cap = capIndex !== null ? levels[capIndex] : undefined;
  const capacity = cap ? roundTo(cap.goodput_rps || cap.throughput_rps) : null;
  const upToCap = cap ? levels.filter((l) => (l.connections ?? 0) <= (cap.connections ?? 0)) : [];
  const past = levels.length ? classifyPastCapacity(levels, capIndex, step.probes, slo.maxErrorRate) : { kind: 'no-capacity' as const, text: step.error ?? 'no level was measured' };
  const cpuMs = cap && cap.cpu_percent_mean !== undefined && cap.throughput_rps > 0 ? roundTo((cap.cpu_percent_mean / 100) * 1000 / cap.throughput_rps) : null;
  return {
    model: model.model,
    label: model.label,
    workload,
    status: step.status,
    ...(step.error ? { error: step.error } : {}),
    capacity_rps: capacity,
    capacity_connections: cap?.connections ?? null,
    max_throughput_rps: step.max_throughput_rps,
    p99_at_50_ms: capacity !== null ? interpolateP99AtRate(upToCap, 0.5 * capacity) : null,
    p99_at_90_ms: capacity !== null ? interpolateP99AtRate(upToCap, 0.9 * capacity) : null,
    past_capacity: past.kind,
    past_capacity_text: past.text,
    rss_max_bytes: maxOf(step.probes, (p) => p.rss_bytes),
    pss_max_bytes: maxOf(step.probes, (p) => p.pss_bytes),
    threads_max: maxOf(step.probes, (p) => p.threads),
    processes_max: maxOf(step.probes, (p) => p.processes),
    processes_created_per_s_max: maxOf(step.probes, (p) => p.processes_created_per_s),
    cpu_ms_per_request: cpuMs,
    ...(model.model === 'process-pool' || model.balancer ? { process_skew: storedLoadSkew(processTreeFindings(step.probes).requests_per_process) ?? null } : {}),
    ...(model.balancer ? { balancer_cpu_ms_per_request: cap?.balancer_cpu_ms_per_request ?? null } : {}),
  };
}
