// The workload a gate uses when no scenario file is given (the same as scenarios/gate-default.yaml;
// a test keeps the two identical). Chosen so that a default gate is quick and its numbers steady
// on a small, shared CI machine:
// - the handler is a 150 ms blocking wait (a database-bound page). Measured here with other load
//   tests running (load average 8–13 on 2 cores): per-run p50 varied by 1% between identical
//   runs, throughput by 3%, p99 by 10%. Adding just 1 ms of CPU to the handler raised that to 5%,
//   10% and 25%: a CPU burst waits for a core behind the neighbours' work, a sleeper that wakes
//   does not. So the default measures the server and not the neighbours; a workload with CPU in
//   it needs more runs per side (see runs_needed in the report);
// - 8 connections against 10 workers: no queue, so latency is service time and throughput is
//   connections / service time, both stable; a pool that shrank or a handler that slowed shows;
// - 5 s measured after 1 s of warm-up, 6 runs per side plus one warm-up run each: 14 runs of
//   ~7 s, about 100 s in all.
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario, ScenarioInput } from '../scenario/schema.js';

export const DEFAULT_GATE_RUNS = 6;
/** Unmeasured runs per side before the measured ones (see planRuns in run-gate.ts). */
export const DEFAULT_WARMUP_RUNS = 1;

export const GATE_DEFAULT_SCENARIO_INPUT: ScenarioInput = {
  name: 'gate-default',
  description: 'The default CI gate workload: a 150 ms I/O-bound handler, 8 connections on 10 workers, 5 s runs.',
  settings: { thread_pool: 10 },
  load: { mode: 'closed', connections: 8, duration_s: 5, warmup_s: 1 },
  mix: [{ method: 'GET', path: '/work?io_ms=150', weight: 1 }],
  gate: {
    runs: DEFAULT_GATE_RUNS,
    metrics: {
      p50: '+10%',
      p99: '+20%',
      throughput: '-10%',
      error_rate: '+0.5pp',
      fd_slope: '0',
      thread_slope: '0',
    },
  },
};

export function defaultGateScenario(): Scenario {
  return parseScenario(structuredClone(GATE_DEFAULT_SCENARIO_INPUT), 'gate-default');
}
