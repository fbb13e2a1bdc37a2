// Scenario → LoadPlan: the defaults a run uses when the file is silent.
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { Scenario } from '../scenario/schema.js';
import type { LoadPlan, RequestSpec } from '../load/load-plan.js';

export const DEFAULT_CONNECTIONS = 16;

export function planFromScenario(scenario: Scenario, url: string): LoadPlan {
  const load = scenario.load;
  if (load.mode === 'open' && load.rate_rps === undefined) {
    throw new CpdiagError('an open-loop load needs a rate: load.rate_rps (or --rate)', EXIT.USAGE);
  }
  const mix: RequestSpec[] = scenario.mix.map((m) => ({ ...m }));
  return {
    mode: load.mode,
    url,
    connections: load.mode === 'closed' ? (load.connections ?? DEFAULT_CONNECTIONS) : undefined,
    rate_rps: load.mode === 'open' ? load.rate_rps : undefined,
    arrival: load.arrival,
    max_connections: load.max_connections,
    duration_s: load.duration_s,
    warmup_s: load.warmup_s,
    mix,
    slow_clients: scenario.slow_clients?.map((s) => ({
      count: s.count,
      spec: { upload_bytes_per_s: s.upload_bytes_per_s, read_bytes_per_s: s.read_bytes_per_s, idle_hold_s: s.idle_hold_s },
      request: s.request ?? (s.upload_bytes_per_s ? { method: 'POST', path: '/upload', body_bytes: 64 * 1024 } : { method: 'GET', path: '/work?bytes=262144' }),
    })),
    timeout_ms: load.timeout_ms,
    window_ms: load.window_ms,
    seed: load.seed,
  };
}
