// Is the CPU what a request is made of? Shared by gil-bound (yes, and the GIL serialises it) and
// io-bound-handlers (no, the request waits). The CPU time per request is set against the
// fastest request seen (the uncontended service time): under the GIL a contended request's
// service time includes its wait for the lock, so against that the CPU share shrinks to about
// 1 / busy workers and says nothing. A CPU share of a few percent (1 ms of CPU in a 21 ms
// request) is a waiting handler whatever the process's CPU; most of it is a computing one.
import type { Evidence } from './detector-result.js';
import type { Findings } from './findings.js';
import { evidence } from './detector-result.js';
import { ramp } from './strength.js';
import { formatMs, formatPercent } from '../format.js';

/** CPU from 15% of the fastest request's time (mixed) to 45% (mostly computing). */
export const CPU_SHARE_FROM = 0.15;
export const CPU_SHARE_TO = 0.45;
/**
 * "About one core": the GIL lets one thread run Python at a time. On a shared machine a
 * GIL-bound process gets only part of a core (measured here: 57-67% for the GIL fault while
 * other load ran), so the ramp starts at 45% and is full at 80%.
 */
export const ONE_CORE_FROM_PERCENT = 45;
export const ONE_CORE_TO_PERCENT = 80;

export interface CpuShare {
  share: number;
  evidence: Evidence;
}

/** CPU time per request over the fastest request's latency; undefined when either is unknown. */
export function cpuShareOfFastest(f: Findings): CpuShare | undefined {
  const cpu = f.cpu_time_per_request_ms;
  const fastest = f.latency_ms?.min;
  if (cpu === undefined || fastest === undefined || !(fastest > 0)) return undefined;
  const share = Math.min(1, cpu / fastest);
  return {
    share,
    evidence: evidence('cpu_share_of_fastest_request', share, 'share',
      `CPU ${formatMs(cpu)} per request against ${formatMs(fastest)} for the fastest request: ${formatPercent(share)} of an uncontended request is CPU`),
  };
}

/** 0..1: the process at about one core. */
export function oneCoreStrength(cpuPercent: number): number {
  return ramp(cpuPercent, ONE_CORE_FROM_PERCENT, ONE_CORE_TO_PERCENT);
}

/** 0..1: requests are mostly CPU (from cpuShareOfFastest). */
export function computingStrength(share: number): number {
  return ramp(share, CPU_SHARE_FROM, CPU_SHARE_TO);
}

/**
 * How likely the time off the CPU is a wait for the GIL rather than for I/O: the process near one
 * core and requests made of CPU. Without the share, the CPU level alone cannot tell (an I/O-bound
 * pool's own overhead also reaches half a core at a few hundred requests a second).
 */
export function gilWaitLikelihood(f: Findings): number {
  const s = cpuShareOfFastest(f);
  if (f.cpu_percent_mean === undefined || !s) return 0;
  return oneCoreStrength(f.cpu_percent_mean) * computingStrength(s.share);
}
