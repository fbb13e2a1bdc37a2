// Measure what a proxy costs: the scenario's workload direct and through each proxy in short
// alternating rounds (the order rotated every round, so that no front always runs first or right
// after another), the proxy's process group CPU read from /proc around each of its rounds.
// `cpdiag run --compare-direct` and `npm run bench:proxy` both measure through here; the numbers
// come from src/analysis/proxy-cost.ts.
import { computeProxyCost, type ProxyCost, type ProxyCostRound } from '../analysis/proxy-cost.js';
import { runLoad } from '../load/run-load.js';
import { readProcessGroupCpuSeconds } from '../probe/process-group-cpu.js';
import type { Scenario } from '../scenario/schema.js';
import { planFromScenario } from './plan-from-scenario.js';

export interface ProxyFront {
  kind: 'nginx' | 'apache' | 'haproxy';
  label: string;
  url: string;
  /** The proxy's master pid, which leads its process group (started detached). */
  pid: number;
}

export interface MeasureProxyCostOptions {
  scenario: Scenario;
  directUrl: string;
  proxies: readonly ProxyFront[];
  rounds: number;
  roundS: number;
  signal?: AbortSignal;
  /** After each round (progress). */
  onRound?: (done: number, total: number) => void;
}

/** Warm-up per round: enough to open the connections (and the proxy's to the backend), no more. */
const ROUND_WARMUP_S = 0.2;

function describeWorkload(scenario: Scenario, connections: number | undefined): string {
  return scenario.load.mode === 'open' ? `open loop, ${scenario.load.rate_rps} req/s` : `closed loop, ${connections} connection${connections === 1 ? '' : 's'}`;
}

/** One ProxyCost per proxy, each against the same direct rounds. */
export async function measureProxyCosts(opts: MeasureProxyCostOptions): Promise<ProxyCost[]> {
  const roundScenario: Scenario = { ...opts.scenario, slow_clients: undefined, load: { ...opts.scenario.load, duration_s: opts.roundS, warmup_s: ROUND_WARMUP_S } };
  const fronts: { url: string; pid?: number; rounds: ProxyCostRound[] }[] = [
    { url: opts.directUrl, rounds: [] },
    ...opts.proxies.map((p) => ({ url: p.url, pid: p.pid, rounds: [] as ProxyCostRound[] })),
  ];
  const total = opts.rounds * fronts.length;
  let done = 0;
  for (let round = 0; round < opts.rounds && !opts.signal?.aborted; round++) {
    const order = fronts.map((_, i) => fronts[(i + round) % fronts.length]);
    for (const front of order) {
      if (opts.signal?.aborted) break;
      const cpu0 = front.pid !== undefined ? readProcessGroupCpuSeconds(front.pid) : undefined;
      const r = await runLoad(planFromScenario(roundScenario, front.url), { signal: opts.signal });
      const cpuS = front.pid !== undefined && cpu0 !== undefined ? readProcessGroupCpuSeconds(front.pid) - cpu0 : undefined;
      front.rounds.push({
        throughput_rps: r.throughput_rps,
        p50_ms: r.latency_ms.p50,
        p99_ms: r.latency_ms.p99,
        requests: r.requests,
        errors: r.errors.total,
        ...(cpuS !== undefined ? { proxy_cpu_s: Math.max(0, cpuS) } : {}),
      });
      opts.onRound?.(++done, total);
    }
  }
  const connections = planFromScenario(roundScenario, opts.directUrl).connections;
  return opts.proxies.map((p, i) =>
    computeProxyCost({
      proxy: p.kind,
      proxyLabel: p.label,
      roundS: opts.roundS,
      workload: describeWorkload(opts.scenario, connections),
      closedLoop: opts.scenario.load.mode === 'closed',
      direct: fronts[0].rounds,
      proxied: fronts[i + 1].rounds,
    }),
  );
}
