// What a run behind a load balancer says about the balancer: how evenly the processes behind it
// served (each one's own request count over the window), what the balancer cost per response
// (its CPU from /proc), and, when a process died mid-run, whether the balancer answered errors or
// routed around it. Pure: the measurements are passed in.
import type { RunEvent } from '../events.js';
import type { SeriesWindow } from '../load/load-result.js';
import { roundTo } from '../numbers.js';
import { loadSkew } from '../analysis/load-skew.js';
import type { BalancerAnswer, BalancerInfo } from '../target/target-info.js';

export interface BalancerMeasurements {
  kind: string;
  backends: { url: string; pid: number }[];
  /** Requests per backend over the window (process-tree-findings.ts, from the merged stats). */
  requestsPerBackend?: number[];
  /** The balancer's CPU seconds over the load phase (warm-up included), when read, and that phase's wall time. */
  cpuS?: number;
  wallS: number;
  /** Responses per second of the measured window. */
  throughputRps: number;
  series: readonly SeriesWindow[];
  events: readonly RunEvent[];
}

/**
 * The balancer's CPU per response, ms: its CPU rate over a phase (seconds of CPU per second of
 * wall, warm-up included, at the same load) over the phase's throughput. Undefined when either is 0.
 */
export function balancerCpuMsPerRequest(cpuS: number, wallS: number, throughputRps: number): number | undefined {
  if (!(wallS > 0) || !(throughputRps > 0) || !(cpuS >= 0)) return undefined;
  return roundTo(((cpuS / wallS) * 1000) / throughputRps, 4);
}

/** The spread as stored: analysis/load-skew.ts's rule, rounded. */
export function storedLoadSkew(counts: readonly number[] | undefined): number | undefined {
  const skew = loadSkew(counts);
  return skew === undefined ? undefined : roundTo(skew, 3);
}

/** From the window where the first backend died to the end: the errors, and whether they stopped. */
export function answerAfterExit(series: readonly SeriesWindow[], exitAtS: number): NonNullable<BalancerInfo['after_backend_exit']> {
  const after = series.filter((w) => w.t_s + w.duration_s > exitAtS);
  const byKind: Record<string, number> = {};
  for (const w of after) for (const [k, n] of Object.entries(w.errors)) byKind[k] = (byKind[k] ?? 0) + (n ?? 0);
  const errorsOf = (w: SeriesWindow) => Object.values(w.errors).reduce((a: number, n) => a + (n ?? 0), 0);
  const errors = after.reduce((a, w) => a + errorsOf(w), 0);
  const last = after[after.length - 1];
  const answer: BalancerAnswer = errors === 0 ? 'routed-around' : last && errorsOf(last) === 0 && after.length > 1 ? 'errors-then-routed-around' : 'errors';
  return { t_s: roundTo(exitAtS), requests: after.reduce((a, w) => a + w.requests, 0), errors, errors_by_kind: byKind, answer };
}

export function summarizeBalancer(m: BalancerMeasurements): BalancerInfo {
  const info: BalancerInfo = { kind: m.kind, backends: m.backends };
  if (m.requestsPerBackend && m.requestsPerBackend.length === m.backends.length) {
    info.requests_per_backend = m.requestsPerBackend;
    const skew = storedLoadSkew(m.requestsPerBackend);
    if (skew !== undefined) info.skew = skew;
  }
  if (m.cpuS !== undefined) {
    info.cpu_s = roundTo(m.cpuS, 3);
    const perRequest = balancerCpuMsPerRequest(m.cpuS, m.wallS, m.throughputRps);
    if (perRequest !== undefined) info.cpu_ms_per_request = perRequest;
  }
  const died = m.events.find((e) => e.kind === 'backend_exited');
  if (died) info.after_backend_exit = answerAfterExit(m.series, died.t_s);
  return info;
}
