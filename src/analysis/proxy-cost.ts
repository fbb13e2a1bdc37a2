// What a proxy in front costs, from one interleaved measurement: short rounds of the same workload
// direct and through the proxy, alternating, so that the shared machine's drift falls on both
// alike. Per-request latency added (p50 and p99, the Hodges–Lehmann shift over the rounds with
// its distribution-free interval), the capacity ratio (the shift of log throughput: a ratio with
// its interval), and the proxy's CPU per request. The sentence says it in the terms of "CherryPy
// behind Apache with mod_rewrite" ("mod_rewrite adds 0.9 ms per request"). Pure: the rounds are
// passed in (src/run/measure-proxy-cost.ts measures them).
import { formatMs, formatNumber, formatPercent, formatPercentChange } from '../format.js';
import { roundTo } from '../numbers.js';
import { median } from './percentiles.js';
import { hodgesLehmann } from './rank-statistics.js';

/** One short round of the workload against one front. */
export interface ProxyCostRound {
  throughput_rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
  /** The proxy's process group CPU over the round (proxied rounds only). */
  proxy_cpu_s?: number;
}

/** A shift b − a with its interval (ms) or a ratio b / a with its interval. */
export interface ShiftWithInterval {
  estimate: number;
  ci_low: number;
  ci_high: number;
  /** Confidence the interval achieves (the exact distribution is discrete). */
  confidence: number;
}

export interface ProxyCostFront {
  rounds: number;
  throughput_rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
}

/** The run document's `proxy_cost` section. */
export interface ProxyCost {
  proxy: 'nginx' | 'apache' | 'haproxy';
  /** e.g. "Apache 2.4.62 RewriteRule [P]", "nginx 1.22.1". */
  proxy_label: string;
  rounds: number;
  round_s: number;
  /** "closed loop, 8 connections" or "open loop, 200 req/s": what the ratio means depends on it. */
  workload: string;
  closed_loop: boolean;
  /** Medians over the rounds. */
  direct: ProxyCostFront;
  proxied: ProxyCostFront;
  p50_added_ms: ShiftWithInterval;
  p99_added_ms: ShiftWithInterval;
  /** Throughput through the proxy over direct (closed loop: the capacity ratio). */
  capacity_ratio: ShiftWithInterval;
  /** The proxy's CPU (master and workers) per request it relayed, ms. */
  proxy_cpu_ms_per_request?: number;
  /** p50 added over the direct p50: what the proxy adds to this handler's request time. */
  p50_added_share: number;
  sentence: string;
}

export interface ProxyCostInput {
  proxy: 'nginx' | 'apache' | 'haproxy';
  proxyLabel: string;
  roundS: number;
  workload: string;
  closedLoop: boolean;
  direct: readonly ProxyCostRound[];
  proxied: readonly ProxyCostRound[];
  /** Of the intervals (default 0.9: with 5–8 rounds a side the exact test reaches it). */
  confidence?: number;
}

const DEFAULT_COST_CONFIDENCE = 0.9;

function summarizeFront(rounds: readonly ProxyCostRound[]): ProxyCostFront {
  return {
    rounds: rounds.length,
    throughput_rps: roundTo(median(rounds.map((r) => r.throughput_rps))),
    p50_ms: roundTo(median(rounds.map((r) => r.p50_ms)), 4),
    p99_ms: roundTo(median(rounds.map((r) => r.p99_ms)), 4),
    requests: rounds.reduce((a, r) => a + r.requests, 0),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  };
}

function roundShift(s: { estimate: number; ci_low: number; ci_high: number; confidence: number }, decimals: number): ShiftWithInterval {
  return { estimate: roundTo(s.estimate, decimals), ci_low: roundTo(s.ci_low, decimals), ci_high: roundTo(s.ci_high, decimals), confidence: roundTo(s.confidence, 3) };
}

/**
 * The least proxy CPU a cost is computed from: /proc counts CPU in clock ticks (10 ms), so a total
 * under two ticks says only "less than that" and the per-request figure is left out.
 */
export const MIN_RESOLVED_PROXY_CPU_S = 0.02;

/** Needs at least two rounds a side (one round has no spread, so no interval). */
export function computeProxyCost(input: ProxyCostInput): ProxyCost {
  if (input.direct.length < 2 || input.proxied.length < 2) throw new RangeError('proxy cost: need at least 2 rounds a side');
  const confidence = input.confidence ?? DEFAULT_COST_CONFIDENCE;
  const a = input.direct;
  const b = input.proxied;
  const p50 = hodgesLehmann(a.map((r) => r.p50_ms), b.map((r) => r.p50_ms), confidence);
  const p99 = hodgesLehmann(a.map((r) => r.p99_ms), b.map((r) => r.p99_ms), confidence);
  // Throughput: the shift of the logs is the log of the ratio (a round with nothing done counts as 0.001 req/s).
  const log = (x: number) => Math.log(Math.max(x, 1e-3));
  const lr = hodgesLehmann(a.map((r) => log(r.throughput_rps)), b.map((r) => log(r.throughput_rps)), confidence);
  const ratio = { estimate: Math.exp(lr.estimate), ci_low: Math.exp(lr.ci_low), ci_high: Math.exp(lr.ci_high), confidence: lr.confidence };
  const cpuRounds = b.filter((r) => r.proxy_cpu_s !== undefined);
  const relayed = cpuRounds.reduce((s, r) => s + r.requests, 0);
  const cpuS = cpuRounds.reduce((s, r) => s + r.proxy_cpu_s!, 0);
  // Below what /proc resolves, "0 ms per request" would be a reading of the clock, not of the proxy.
  const cpuMsPerRequest = cpuRounds.length > 0 && relayed > 0 && cpuS >= MIN_RESOLVED_PROXY_CPU_S ? (cpuS * 1000) / relayed : undefined;
  const direct = summarizeFront(a);
  const proxied = summarizeFront(b);
  const share = direct.p50_ms > 0 ? p50.estimate / direct.p50_ms : 0;
  const cost: Omit<ProxyCost, 'sentence'> = {
    proxy: input.proxy,
    proxy_label: input.proxyLabel,
    rounds: Math.min(a.length, b.length),
    round_s: input.roundS,
    workload: input.workload,
    closed_loop: input.closedLoop,
    direct,
    proxied,
    p50_added_ms: roundShift(p50, 4),
    p99_added_ms: roundShift(p99, 4),
    capacity_ratio: roundShift(ratio, 3),
    ...(cpuMsPerRequest !== undefined ? { proxy_cpu_ms_per_request: roundTo(cpuMsPerRequest, 4) } : {}),
    p50_added_share: roundTo(share, 4),
  };
  return { ...cost, sentence: describeProxyCost(cost) };
}

function describeAdded(s: ShiftWithInterval): string {
  return `${formatMs(s.estimate)} (${formatPercent(s.confidence)} interval ${formatMs(s.ci_low)} … ${formatMs(s.ci_high)})`;
}

/**
 * "Apache adds 0.9 ms (90% interval 0.7 ms … 1.1 ms) per request at p50, 2.1 ms (…) at p99;
 * capacity 0.7 of direct (0.65 … 0.74; closed loop, 8 connections); its own CPU 0.31 ms per
 * request; on this handler (direct p50 2.2 ms) that is +41% per request." A negative shift is
 * printed as measured (a proxy cannot make a request faster: it says the rounds were noise).
 */
export function describeProxyCost(c: Omit<ProxyCost, 'sentence'>): string {
  const name = c.proxy === 'apache' ? 'Apache' : c.proxy === 'haproxy' ? 'HAProxy' : 'nginx';
  const capacity = c.closed_loop
    ? `capacity ${formatNumber(c.capacity_ratio.estimate)} of direct (${formatNumber(c.capacity_ratio.ci_low)} … ${formatNumber(c.capacity_ratio.ci_high)}; ${c.workload})`
    : `throughput ${formatNumber(c.capacity_ratio.estimate)} of direct (${c.workload}: the offered rate, not a capacity)`;
  const cpu = c.proxy_cpu_ms_per_request !== undefined ? `; its own CPU ${formatMs(c.proxy_cpu_ms_per_request)} per request` : '';
  return `${name} adds ${describeAdded(c.p50_added_ms)} per request at p50, ${describeAdded(c.p99_added_ms)} at p99; ${capacity}${cpu}; on this handler (direct p50 ${formatMs(c.direct.p50_ms)}) that is ${formatPercentChange(1 + c.p50_added_share)} per request.`;
}
