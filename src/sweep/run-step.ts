// One sweep step: a fresh target with the step's setting, a load ramp against it (adaptive open-
// loop ladder, explicit levels, or closed-loop connection levels), the process sampled
// throughout, and the target stopped whatever happens. A target that fails to start or dies is
// a failed step with a one-line reason, not an exception: the sweep goes on.
import { findFloorP99Ms, isWithinSlo, looksLikeStall, MAX_STALL_RETRIES, rampStopReason, type RampPoint } from '../analysis/ramp-rules.js';
import type { ServerSettings } from '../config/settings.js';
import { measurePhase } from '../run/measure-phase.js';
import { planFromScenario } from '../run/plan-from-scenario.js';
import { balancerCpuMsPerRequest } from '../run/summarize-balancer.js';
import { startTarget } from '../target/start-target.js';
import { fetchServerStats } from '../probe/server-stats.js';
import { hasStatsPage, type RunningTarget } from '../target/target.js';
import type { RunEvent } from '../events.js';
import { connectRampS, LADDER_CONNECT_SPACING_MS, type LoadPlan } from '../load/load-plan.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { SweepLevel, SweepStep } from './sweep-document.js';
import { closedLadder, INFORMED_FIRST_FRACTION, nextLevelRps, predictCapacity, REPEAT_DESCENT_FACTOR, REPEAT_FRACTIONS, type LadderPoint } from './plan-ladder.js';
import { meanCores, openMachineCpuWindow } from '../probe/machine-cpu-window.js';
import { rampPoint, summarizeStep, EMPTY_LATENCY } from './summarize-step.js';
import { summarizeLevel } from './summarize-level.js';
import type { SweepSpec } from './sweep-spec.js';
import { formatMs, formatNumber, formatPercent, formatRate } from '../format.js';
import { roundTo } from '../numbers.js';

/** A level at a low rate runs until it has at least this many requests (capped below), so its p99 means something. */
export const MIN_REQUESTS_PER_LEVEL = 20;
export const MAX_LEVEL_S = 3;
/** The light-load probe that measures the service time at the first value: one connection, closed loop. */
export const SERVICE_PROBE_S = 0.6;
export const SERVICE_PROBE_WARMUP_S = 0.3;
/** Client timeout within a ramp: far above any p99 worth measuring, short enough to drain quickly. */
export const LEVEL_TIMEOUT_FLOOR_MS = 2000;
/** A repeat's ladder: from 0.85× the capacity measured before, up past it and bisected to 5%. */
export const REPEAT_MAX_LEVELS = 6;
/** Probes kept per step in the document (evenly thinned): enough for the charts. */
export const MAX_PROBES_PER_STEP = 400;

export interface StepContext {
  spec: SweepSpec;
  value: number;
  value2?: number;
  settings: ServerSettings;
  origin: SweepStep['origin'];
  /** Earlier steps of this sweep (for the capacity prediction). */
  previous: readonly SweepStep[];
  /** Service time measured at an earlier step, ms. */
  serviceTimeMs?: number;
  /**
   * A repeat of the capacity search at a value measured before: the ladder starts just below this
   * capacity and climbs in small steps (plan-ladder's REPEAT_FRACTIONS), at most REPEAT_MAX_LEVELS.
   */
  repeatCapacityRps?: number;
  signal?: AbortSignal;
  onLevel?: (level: SweepLevel, index: number) => void;
  /** Announces the level about to run (progress). */
  onLevelStart?: (load: string) => void;
}

export async function runSweepStep(ctx: StepContext): Promise<SweepStep> {
  const { spec } = ctx;
  const startedAt = new Date();
  const startMs = performance.now();
  const label = `${spec.setting}=${ctx.value}${spec.setting2 ? ` ${spec.setting2}=${ctx.value2}` : ''}`;
  const step: SweepStep = {
    setting: spec.setting,
    value: ctx.value,
    ...(spec.setting2 ? { setting2: spec.setting2, value2: ctx.value2 } : {}),
    status: 'ok',
    origin: ctx.origin,
    started_at: startedAt.toISOString(),
    duration_s: 0,
    settings: ctx.settings,
    capacity_rps: null,
    max_throughput_rps: 0,
    latency_ms: EMPTY_LATENCY,
    knee: { knee_rps: null, floor_p99_ms: NaN, capacity_at_slo_rps: null, method: 'none', reason: 'no level was measured' },
    levels: [],
    probes: [],
    events: [],
  };
  const elapsedS = () => (performance.now() - startMs) / 1000;
  let target: RunningTarget | undefined;
  const probes: ProbeSample[] = [];
  try {
    try {
      target = await startTarget(spec.scenario.target, ctx.settings, ctx.signal);
    } catch (e) {
      if (ctx.signal?.aborted) {
        step.status = 'interrupted';
        step.error = `${label}: interrupted before the target was ready`;
      } else {
        step.status = 'failed';
        step.error = `${label}: ${startFailure(e)}`;
      }
      step.events.push({ t_s: roundTo(elapsedS()), kind: 'target_not_ready', message: step.error });
      return step;
    }
    step.target = { kind: target.kind, url: target.url, pid: target.pid, command: target.command };
    const readyS = elapsedS();
    const workers = ctx.settings.thread_pool;

    const runLevel = async (plan: LoadPlan): Promise<{ level: SweepLevel; died: boolean; events: RunEvent[] } | undefined> => {
      const tStart = elapsedS() - readyS + plan.warmup_s;
      // The whole machine's CPU over the level (warm-up included), beside the target's own: whose
      // CPU a plateau ran out of (machine-limit.ts).
      const machine = openMachineCpuWindow();
      const balancerBefore = target!.balancer?.cpuSeconds();
      const wallBefore = performance.now();
      const phase = await measurePhase(target!, plan, {
        probeIntervalMs: spec.probeIntervalMs,
        // The bundled server's stats page, or the one given with --stats-url (statsUrl is unset otherwise).
        stats: spec.scenario.probes.stats && hasStatsPage(target!),
        signal: ctx.signal,
      });
      const machineCpu = machine.close(meanCores(phase.probes));
      const wallS = (performance.now() - wallBefore) / 1000;
      const balancerCpuS = balancerBefore !== undefined ? target!.balancer!.cpuSeconds() - balancerBefore : undefined;
      for (const p of phase.probes) probes.push({ ...p, t_s: roundTo(p.t_s + tStart) });
      const level = summarizeLevel(phase.load, phase.probes, workers, tStart);
      const balancerMs = balancerCpuS !== undefined ? balancerCpuMsPerRequest(balancerCpuS, wallS, level.throughput_rps) : undefined;
      if (balancerMs !== undefined) level.balancer_cpu_ms_per_request = balancerMs;
      if (machineCpu) level.machine_cpu = machineCpu;
      const events = phase.events.map((e) => ({ ...e, t_s: roundTo(e.t_s + tStart) }));
      return { level, died: phase.targetDied, events };
    };

    const levelPlan = (load: { rate?: number; connections?: number }, first: boolean): LoadPlan => {
      const base = planFromScenario({ ...spec.scenario, load: { ...spec.scenario.load, mode: load.rate !== undefined ? 'open' : 'closed', rate_rps: load.rate ?? 1, connections: load.connections } }, target!.url);
      const perRequestS = load.rate !== undefined ? MIN_REQUESTS_PER_LEVEL / load.rate : 0;
      const mode = load.rate !== undefined ? 'open' : 'closed';
      const spaced = { mode, connections: load.connections, connect_spacing_ms: LADDER_CONNECT_SPACING_MS } as const;
      return {
        ...base,
        ...spaced,
        rate_rps: load.rate,
        // Stretched (up to MAX_LEVEL_S) when the rate is too low for MIN_REQUESTS_PER_LEVEL; never cut below what was asked.
        duration_s: Math.max(spec.ramp.levelS, Math.min(MAX_LEVEL_S, perRequestS)),
        // The level's warm-up starts once its connections are all open.
        warmup_s: (first ? spec.ramp.firstWarmupS : spec.ramp.warmupS) + connectRampS(spaced),
        timeout_ms: Math.max(LEVEL_TIMEOUT_FLOOR_MS, 4 * spec.sloP99Ms),
        window_ms: Math.max(100, Math.min(base.window_ms, 500)),
      };
    };

    let serviceTimeMs = ctx.serviceTimeMs;
    const adaptive = spec.ramp.mode === 'open' && !spec.ramp.levels && spec.ramp.startRps === undefined;
    let firstLevel = true;
    if (adaptive && serviceTimeMs === undefined && ctx.previous.every((p) => p.capacity_rps === null)) {
      // Light load, one connection: the mean response time is the service time S.
      ctx.onLevelStart?.('measuring the service time (1 connection)');
      const plan = { ...levelPlan({ connections: 1 }, true), duration_s: SERVICE_PROBE_S, warmup_s: SERVICE_PROBE_WARMUP_S };
      const probe = await runLevel(plan);
      firstLevel = false;
      if (probe) {
        step.events.push(...probe.events.filter((e) => e.kind !== 'generator_saturated'));
        if (probe.died) return failDied(step, label, target, elapsedS());
        if (probe.level.requests > 0) serviceTimeMs = probe.level.latency_ms.mean;
      }
    }
    if (ctx.signal?.aborted) return interrupted(step, label);
    step.service_time_ms = serviceTimeMs;

    const history: LadderPoint[] = [];
    let stallRetries = 0;
    const informed = ctx.previous.some((p) => p.status === 'ok' && p.capacity_rps !== null);
    const repeat = ctx.repeatCapacityRps !== undefined && ctx.repeatCapacityRps > 0;
    const predicted = repeat ? ctx.repeatCapacityRps : predictCapacity({
      value: ctx.value,
      workers,
      serviceTimeMs,
      previous: ctx.previous.filter((p) => p.status === 'ok' && (p.value2 ?? null) === (ctx.value2 ?? null)).map((p) => ({ value: p.value, workers: p.settings.thread_pool, capacity_rps: p.capacity_rps, max_throughput_rps: p.max_throughput_rps })),
    });
    const fixed = spec.ramp.mode === 'closed'
      ? (spec.ramp.levels ?? closedLadder(workers, spec.ramp.maxLevels)).map((c) => ({ connections: Math.round(c) }))
      : spec.ramp.levels
        ? spec.ramp.levels.map((r) => ({ rate: r }))
        : spec.ramp.startRps !== undefined
          ? geometric(spec.ramp.startRps, spec.ramp.factor ?? 1.5, spec.ramp.maxRps, spec.ramp.maxLevels).map((r) => ({ rate: r }))
          : undefined;
    if (adaptive && !(predicted && predicted > 0)) {
      step.status = 'failed';
      step.error = `${label}: no request succeeded at light load, so the load ladder could not be planned`;
      step.events.push({ t_s: roundTo(elapsedS()), kind: 'error', message: step.error });
      return step;
    }

    const slo = { p99Ms: spec.sloP99Ms, maxErrorRate: spec.maxErrorRate };
    for (let i = 0; ; i++) {
      let load: { rate?: number; connections?: number } | undefined;
      if (fixed) load = i < fixed.length && i < spec.ramp.maxLevels ? fixed[i] : undefined;
      else {
        const rate = repeat
          ? nextLevelRps(predicted!, history, { maxLevels: Math.min(spec.ramp.maxLevels, REPEAT_MAX_LEVELS), maxRps: spec.ramp.maxRps, fractions: REPEAT_FRACTIONS, descentFactor: REPEAT_DESCENT_FACTOR })
          : nextLevelRps(predicted!, history, { maxLevels: spec.ramp.maxLevels, maxRps: spec.ramp.maxRps, firstFraction: informed ? INFORMED_FIRST_FRACTION : undefined });
        load = rate === null ? undefined : { rate };
      }
      if (!load) break;
      ctx.onLevelStart?.(load.rate !== undefined ? `${formatRate(load.rate)} req/s offered` : `${load.connections} connections`);
      const result = await runLevel(levelPlan(load, firstLevel));
      firstLevel = false;
      if (!result) break;
      step.events.push(...result.events);
      if (result.died) {
        step.levels.push(result.level);
        return failDied(step, label, target, elapsedS());
      }
      if (ctx.signal?.aborted) {
        // A level cut short by Ctrl-C is not comparable with complete ones: drop it.
        return interrupted(step, label);
      }
      const candidate = [...step.levels, result.level].map(rampPoint);
      const latestPoint = candidate[candidate.length - 1];
      const failing = levelStopReason(candidate, spec.sloP99Ms, spec.maxErrorRate, serviceTimeMs) !== null || !isWithinSlo(latestPoint, slo);
      if (failing && stallRetries < MAX_STALL_RETRIES && looksLikeStall(result.level, workers, spec.maxErrorRate, serviceTimeMs)) {
        // The tail says overload but the server says otherwise (an idle pool, or a load queueing
        // theory calls light, with the CPU far from its limit): a pause outside the pool's control
        // (the machine, the generator). Measure the level again rather than let one pause end the ramp.
        stallRetries++;
        const sat = result.level.saturation;
        const why = sat ? `${formatNumber(sat.busy_mean)} of ${workers} workers busy on average, queue p99 ${formatNumber(sat.queue_p99)}` : 'no pool stats';
        step.events.push({ t_s: result.level.t_s, kind: 'note', message: `${label}: ${formatRate(latestPoint.offered_rps)} rps measured again: p99 ${formatMs(latestPoint.p99_ms)} looked like a pause (${why}, CPU ${result.level.cpu_percent_mean !== undefined ? formatPercent(result.level.cpu_percent_mean / 100) : '?'})` });
        if (fixed) i--;
        continue;
      }
      step.levels.push(result.level);
      ctx.onLevel?.(result.level, step.levels.length - 1);
      const points = step.levels.map(rampPoint);
      const latest = points[points.length - 1];
      const stop = levelStopReason(points, spec.sloP99Ms, spec.maxErrorRate, serviceTimeMs);
      history.push({ offered_rps: latest.offered_rps, ok: stop === null, withinSlo: isWithinSlo(latest, slo) });
      if (stop !== null && step.ramp_stop_reason === undefined) step.ramp_stop_reason = stop;
      if (fixed && stop !== null) break;
      // An overloaded level leaves a backlog behind (requests the client gave up on are still
      // queued in the server): let it drain, or the next level measures the last one's queue.
      if (stop !== null) await waitForDrain(target, result.level, workers, ctx.signal);
    }
    if (!fixed && step.ramp_stop_reason === undefined && step.levels.length > 0) {
      step.ramp_stop_reason = `the ladder ended (${step.levels.length} levels) before the knee was clearly passed`;
    }
    return step;
  } finally {
    if (target) await target.stop().catch(() => undefined);
    step.duration_s = roundTo(elapsedS());
    step.probes = thin(probes, MAX_PROBES_PER_STEP);
    if (step.levels.length > 0) {
      const summary = summarizeStep(step.levels, probes, { p99Ms: spec.sloP99Ms, maxErrorRate: spec.maxErrorRate }, step.service_time_ms);
      const { capacityLevelIndex: _ignored, ...fields } = summary;
      Object.assign(step, fields);
    }
  }
}

/** Longest wait for a server to work off an overloaded level's backlog. */
export const MAX_DRAIN_S = 3;
const DRAIN_POLL_MS = 100;

/**
 * Waits until the server's queue is empty (from its stats, when it has them) or, without stats,
 * for as long as the unserved requests take at the measured throughput; at most MAX_DRAIN_S.
 */
async function waitForDrain(target: RunningTarget, level: SweepLevel, workers: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + MAX_DRAIN_S * 1000;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  if (target.statsUrl) {
    while (performance.now() < deadline && !signal?.aborted && !target.hasExited()) {
      const stats = await fetchServerStats(target.statsUrl, 500);
      if (stats && stats.queue === 0 && stats.busy < workers) return;
      await pause(DRAIN_POLL_MS);
    }
    return;
  }
  const offered = (level.offered_rps ?? level.throughput_rps) * level.duration_s;
  const unserved = Math.max(0, offered - level.goodput_rps * level.duration_s);
  const drainS = Math.min(MAX_DRAIN_S, unserved / Math.max(level.throughput_rps, 1));
  if (drainS > 0.05 && !signal?.aborted) await pause(drainS * 1000);
}

/**
 * Why the ramp stops after its latest level (the last of `points`), by ramp-rules: the floor from
 * every level so far (capped by the service time), then rampStopReason with the SLO.
 */
function levelStopReason(points: readonly RampPoint[], sloP99Ms: number, maxErrorRate: number, serviceTimeMs?: number): string | null {
  return rampStopReason(points, findFloorP99Ms(points, serviceTimeMs), { maxErrorRate, sloP99Ms });
}

function failDied(step: SweepStep, label: string, target: RunningTarget, tS: number): SweepStep {
  step.status = 'failed';
  const died = step.events.find((e) => e.kind === 'target_exited');
  const tail = target.stderrTail().trim().split('\n').filter(Boolean).slice(-1)[0];
  step.error = `${label}: ${died ? died.message.replace(/^target exited mid-run/, 'target exited') : `target exited${tail ? `: ${tail}` : ''}`}`;
  if (!died) step.events.push({ t_s: roundTo(tS), kind: 'target_exited', message: step.error });
  return step;
}

/**
 * One line for a target that did not start: what happened and the last line it wrote on stderr
 * ("target exited before it was ready (exit code 1): OSError: [Errno 24] Too many open files"),
 * without the command line, which the report already shows.
 */
export function startFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const [first, stderr] = message.split('--- last lines of its stderr ---');
  const head = first.trim().split('\n')[0].replace(/^(target (?:exited before it was ready \([^)]*\)|not ready after [^:]*)):.*$/, '$1');
  const last = stderr?.trim().split('\n').filter(Boolean).slice(-1)[0];
  return `${head}${last ? `: ${last.trim()}` : ''}`;
}

function interrupted(step: SweepStep, label: string): SweepStep {
  step.status = 'interrupted';
  step.error = `${label}: interrupted after ${step.levels.length} level${step.levels.length === 1 ? '' : 's'}`;
  return step;
}

function geometric(start: number, factor: number, max: number, count: number): number[] {
  const out: number[] = [];
  for (let r = start; r <= max && out.length < count; r *= factor) out.push(Math.round(r * 10) / 10);
  return out;
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  const stepSize = (items.length - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(items[Math.round(k * stepSize)]);
  return out;
}
