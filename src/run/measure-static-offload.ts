// Measure what a proxy's static location moves off the backend: the scenario's mix through two
// proxies of the same kind in front of the same backend, one with the static location and one
// without, in alternating rounds; the backend's request count and workers' work time read from
// its stats page around each round. The numbers come from src/analysis/static-offload.ts.
import { computeStaticOffload, type StaticOffload, type StaticOffloadRound } from '../analysis/static-offload.js';
import { runLoad } from '../load/run-load.js';
import { fetchServerStats } from '../probe/server-stats.js';
import type { Scenario } from '../scenario/schema.js';
import { planFromScenario } from './plan-from-scenario.js';

export interface MeasureStaticOffloadOptions {
  scenario: Scenario;
  proxy: 'nginx' | 'apache';
  prefix: string;
  statsUrl: string;
  withStaticUrl: string;
  withoutStaticUrl: string;
  rounds: number;
  roundS: number;
  signal?: AbortSignal;
}

/** No warm-up: every request the clients complete is counted, as every one the backend counts is. */
const ROUND_WARMUP_S = 0;

export async function measureStaticOffload(opts: MeasureStaticOffloadOptions): Promise<StaticOffload | undefined> {
  const roundScenario: Scenario = { ...opts.scenario, slow_clients: undefined, load: { ...opts.scenario.load, duration_s: opts.roundS, warmup_s: ROUND_WARMUP_S } };
  const sides = [
    { url: opts.withStaticUrl, rounds: [] as StaticOffloadRound[] },
    { url: opts.withoutStaticUrl, rounds: [] as StaticOffloadRound[] },
  ];
  for (let round = 0; round < opts.rounds && !opts.signal?.aborted; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      if (opts.signal?.aborted) break;
      // The stats around the whole round: the backend's count against the clients' (no warm-up).
      const before = await fetchServerStats(opts.statsUrl);
      const startedMs = Date.now();
      const r = await runLoad(planFromScenario(roundScenario, side.url), { signal: opts.signal });
      const after = await fetchServerStats(opts.statsUrl);
      const elapsedS = (Date.now() - startedMs) / 1000;
      if (!before || !after || before.requests === undefined || after.requests === undefined) return undefined;
      const work = (s: typeof before) => (s.worker_work_time_s ?? []).reduce((a, t) => a + t, 0);
      const busy = after.threads > 0 && elapsedS > 0 ? (work(after) - work(before)) / (after.threads * elapsedS) : 0;
      side.rounds.push({
        // Open loop: every request sent in the round (the ones answered after its end were served too).
        client_requests: r.overload?.sent ?? r.requests,
        backend_requests: Math.max(0, after.requests - before.requests),
        backend_busy_share: Math.min(1, Math.max(0, busy)),
        throughput_rps: r.throughput_rps,
        p50_ms: r.latency_ms.p50,
        p99_ms: r.latency_ms.p99,
        errors: r.errors.total,
      });
    }
  }
  if (sides[0].rounds.length === 0 || sides[1].rounds.length === 0) return undefined;
  return computeStaticOffload({ proxy: opts.proxy, prefix: opts.prefix, roundS: opts.roundS, withStatic: sides[0].rounds, withoutStatic: sides[1].rounds });
}
