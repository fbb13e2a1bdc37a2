// One ramp level's numbers from its load result and the process samples taken while it ran:
// pure, so that the sweep's arithmetic (context switches per request, worker-seconds) is testable.
import { summarizeSaturation } from '../analysis/saturation.js';
import type { LoadResult } from '../load/load-result.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { SweepLevel } from './sweep-document.js';
import { roundTo } from '../numbers.js';

export function summarizeLevel(load: LoadResult, probes: readonly ProbeSample[], workers: number, tStartS: number): SweepLevel {
  // Only samples inside the recorded window (t_s ≥ 0 relative to recording) describe this level.
  const recorded = probes.filter((p) => p.t_s >= 0 && p.t_s <= load.duration_s + 0.05);
  const level: SweepLevel = {
    offered_rps: load.plan.mode === 'open' ? load.plan.rate_rps : undefined,
    connections: load.plan.mode === 'closed' ? load.plan.connections : undefined,
    t_s: roundTo(tStartS),
    duration_s: load.duration_s,
    requests: load.requests,
    throughput_rps: load.throughput_rps,
    goodput_rps: load.goodput_rps,
    latency_ms: load.latency_ms,
    service_latency_ms: load.service_latency_ms,
    errors: load.errors,
    overload: load.overload,
    generator: load.generator,
    slow_clients: load.slow_clients,
  };
  const withServer = recorded.filter((p) => p.server !== undefined);
  if (withServer.length > 0) {
    level.saturation = summarizeSaturation(
      withServer.map((p) => ({ busy: p.server!.busy, queue: p.server!.queue, listen_queue: p.listen_queue })),
      Math.max(1, workers),
    );
    level.worker_seconds = roundTo(workerSeconds(withServer));
  }
  if (recorded.length > 0) level.cpu_percent_mean = roundTo(recorded.reduce((a, p) => a + p.cpu_percent, 0) / recorded.length);
  const ctx = contextSwitchesPerRequest(recorded, load.requests, load.duration_s);
  if (ctx !== undefined) level.ctx_per_request = roundTo(ctx);
  return level;
}

/** ∫ busy dt by the trapezoid rule over the samples (seconds × workers). */
export function workerSeconds(samples: readonly ProbeSample[]): number {
  let total = 0;
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i].t_s - samples[i - 1].t_s;
    if (dt > 0) total += ((samples[i].server?.busy ?? 0) + (samples[i - 1].server?.busy ?? 0)) / 2 * dt;
  }
  return total;
}

/**
 * Context switches of the target between the first and last sample, per request completed in
 * that time (the requests are scaled to the sampled span, since samples do not cover the level
 * edge to edge).
 */
export function contextSwitchesPerRequest(samples: readonly ProbeSample[], requests: number, durationS?: number): number | undefined {
  if (samples.length < 2 || !(requests > 0)) return undefined;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const span = last.t_s - first.t_s;
  if (!(span > 0)) return undefined;
  const switches = last.ctx_voluntary + last.ctx_involuntary - (first.ctx_voluntary + first.ctx_involuntary);
  if (!(switches >= 0)) return undefined;
  const levelS = durationS ?? Math.max(span, last.t_s);
  const requestsInSpan = requests * Math.min(1, span / Math.max(levelS, 1e-9));
  return requestsInSpan > 0 ? switches / requestsInSpan : undefined;
}
