// One measured load phase against a running target: offered load and, beside it, samples of the
// target process from outside. If the target dies mid-phase, the load stops and the death is
// recorded as an event: a finding, not a crash.
import { assertLoopback, loadEngine, runLoad } from '../load/run-load.js';
import { startSampler } from '../probe/sampler.js';
import type { RunEvent } from '../events.js';
import type { LoadPlan } from '../load/load-plan.js';
import type { LoadResult, SeriesWindow } from '../load/load-result.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { RunningTarget } from '../target/target.js';
import { roundTo } from '../numbers.js';
import { ProcReader } from '../probe/proc-reader.js';
import { readListenOverflows, type ListenOverflowCounters } from '../probe/listen-overflows.js';

export interface PhaseOptions {
  probeIntervalMs: number;
  /** Read the bundled server's stats endpoint with every probe. */
  stats: boolean;
  signal?: AbortSignal;
  onWindow?: (w: SeriesWindow) => void;
  onSample?: (s: ProbeSample) => void;
  /**
   * A scenario fault: kill the target this many seconds into the measured phase (SIGKILL to its
   * process group). Recorded as target_killed, not as a death.
   */
  killTargetAtS?: number;
  /** After that kill, keep driving the load (a proxy in front answers for the dead backend). */
  measureAfterKill?: boolean;
}

export interface PhaseResult {
  load: LoadResult;
  /** t_s relative to the start of recording (negative during warm-up). */
  probes: ProbeSample[];
  events: RunEvent[];
  targetDied: boolean;
  /** The kernel's listen-queue overflows and drops during the phase (namespace-wide), when readable. */
  listen?: ListenOverflowCounters;
}

export async function measurePhase(target: RunningTarget, plan: LoadPlan, opts: PhaseOptions): Promise<PhaseResult> {
  // Refuse a bad URL before anything starts: a sampler started first would keep cpdiag alive.
  assertLoopback(plan.url);
  const events: RunEvent[] = [];
  const controller = new AbortController();
  const abort = () => controller.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  if (opts.signal?.aborted) controller.abort();

  // The load engine is loaded before any clock of this phase starts (probes, events, the kill).
  await loadEngine(plan.mode);
  const startedMs = Date.now();
  const elapsedS = () => (Date.now() - startedMs) / 1000 - plan.warmup_s;
  let targetDied = false;
  let phaseOver = false;
  let killedOnPurpose = false;
  const killTimer = opts.killTargetAtS !== undefined
    ? setTimeout(() => {
        if (phaseOver || target.hasExited()) return;
        killedOnPurpose = true;
        killTargetGroup(target);
      }, (plan.warmup_s + opts.killTargetAtS) * 1000)
    : undefined;
  void target.exited.then((exit) => {
    // An exit after the phase (the caller stopping the target) or after Ctrl-C is not a finding.
    if (phaseOver || opts.signal?.aborted) return;
    if (killedOnPurpose) {
      const next = opts.measureAfterKill ? "the proxy's answers are measured from here on" : 'the load stops (no proxy in front to answer for it)';
      events.push({ t_s: roundTo(elapsedS()), kind: 'target_killed', message: `target killed on purpose (the scenario's kill_target fault, ${exit.signal ?? 'exited'}): ${next}` });
      if (!opts.measureAfterKill) controller.abort();
      return;
    }
    targetDied = true;
    const how = exit.signal ? `killed by ${exit.signal}` : exit.code === null ? 'gone' : `exit code ${exit.code}`;
    const lastLine = exit.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
    events.push({ t_s: roundTo(elapsedS()), kind: 'target_exited', message: `target exited mid-run (${how})${lastLine ? `: ${lastLine}` : ''}` });
    controller.abort();
  });

  // Behind a balancer a backend may die while the balancer goes on: a finding, and the load goes on.
  target.backends?.forEach((b, i) => {
    void b.exited.then((exit) => {
      if (phaseOver || opts.signal?.aborted) return;
      const how = killedOnPurpose && i === 0 ? "killed on purpose (the scenario's kill_target fault)" : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
      events.push({ t_s: roundTo(elapsedS()), kind: 'backend_exited', message: `backend ${i + 1} of ${target.backends!.length} (pid ${b.pid}) exited mid-run (${how}): the balancer's answers are measured from here on` });
    });
  });
  const backendStats = target.backends?.map((b) => b.statsUrl).filter((u): u is string => u !== undefined);
  const sampler = startSampler({
    pid: target.pid,
    intervalMs: opts.probeIntervalMs,
    statsUrl: opts.stats ? target.statsUrl : undefined,
    ...(opts.stats && backendStats && backendStats.length === target.backends!.length ? { statsUrls: backendStats } : {}),
    ...(target.backends ? { moreRoots: target.backends.map((b) => b.pid) } : {}),
    includeChildren: true,
    // The bundled server reports its workers' states itself; other targets are read from /proc.
    threads: target.kind !== 'bundled',
    onSample: opts.onSample,
  });
  const netstat = new ProcReader('/proc');
  const listenBefore = readCounters(netstat, target.pid);
  let load: LoadResult;
  let raw: ProbeSample[];
  try {
    load = await runLoad(plan, { signal: controller.signal, onWindow: opts.onWindow });
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    phaseOver = true;
    if (killTimer) clearTimeout(killTimer);
    // On every path: a sampler left running (its timer) would keep the process from exiting.
    raw = await sampler.stop();
  }
  const listenAfter = readCounters(netstat, target.pid);
  netstat.close();
  const listen = listenBefore && listenAfter
    ? { overflows: Math.max(0, listenAfter.overflows - listenBefore.overflows), drops: Math.max(0, listenAfter.drops - listenBefore.drops) }
    : undefined;
  const probes = raw.map((s) => ({ ...s, t_s: roundTo(s.t_s - plan.warmup_s) }));
  if (opts.signal?.aborted && !targetDied) events.push({ t_s: roundTo(elapsedS()), kind: 'interrupted', message: 'interrupted: the results cover the time before Ctrl-C' });
  if (load.generator && load.generator.delayed_sends > 0) {
    events.push({ t_s: roundTo(elapsedS()), kind: 'generator_saturated', message: `${load.generator.delayed_sends} sends waited for a free connection: the offered rate was not fully held` });
  }
  return { load, probes, events, targetDied, ...(listen ? { listen } : {}) };
}

function readCounters(reader: ProcReader, pid: number): ListenOverflowCounters | undefined {
  try {
    return readListenOverflows(reader, pid);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL to the target's process group (started detached, it leads one), else to its pid. Behind
 * a balancer, "the target" is the first process behind it: the balancer stays, to answer for it.
 */
function killTargetGroup(target: RunningTarget): void {
  const pid = target.backends?.[0]?.pid ?? target.pid;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: the exit handler records what happened.
    }
  }
}
