// What a proxy's static location takes off the backend: the same mix through the proxy with the
// location (the proxy serves /static/ from files) and without it (every request reaches the
// backend), in alternating rounds. Per side, medians over the rounds of the backend's requests per
// client request and its workers' busy share (work time over threads × round time, from the
// server's stats), and what the client saw. Pure: the rounds are passed in
// (src/run/measure-static-offload.ts measures them).
import { formatMs, formatNumber, formatPercent } from '../format.js';
import { roundTo } from '../numbers.js';
import { median } from './percentiles.js';

export interface StaticOffloadRound {
  /** Requests the clients completed. */
  client_requests: number;
  /** Requests the backend counted over the round. */
  backend_requests: number;
  /** Backend workers' work time over (threads × round time): 0..1. */
  backend_busy_share: number;
  throughput_rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

export interface StaticOffloadSide {
  rounds: number;
  /** Backend requests per client request (1 when everything is forwarded). */
  backend_share_of_requests: number;
  backend_requests: number;
  client_requests: number;
  backend_busy_share: number;
  throughput_rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** The run document's `static_offload` section. */
export interface StaticOffload {
  proxy: 'nginx' | 'apache';
  prefix: string;
  round_s: number;
  with_static: StaticOffloadSide;
  without_static: StaticOffloadSide;
  /** 1 − backend requests with / without (per client request): the share moved off the backend. */
  backend_requests_moved: number;
  /** Busy share without minus with: the workers' time freed. */
  busy_share_freed: number;
  sentence: string;
}

function summarizeSide(rounds: readonly StaticOffloadRound[]): StaticOffloadSide {
  const client = rounds.reduce((a, r) => a + r.client_requests, 0);
  const backend = rounds.reduce((a, r) => a + r.backend_requests, 0);
  return {
    rounds: rounds.length,
    backend_share_of_requests: roundTo(client > 0 ? backend / client : 0, 4),
    backend_requests: backend,
    client_requests: client,
    backend_busy_share: roundTo(median(rounds.map((r) => r.backend_busy_share)), 4),
    throughput_rps: roundTo(median(rounds.map((r) => r.throughput_rps))),
    p50_ms: roundTo(median(rounds.map((r) => r.p50_ms)), 4),
    p99_ms: roundTo(median(rounds.map((r) => r.p99_ms)), 4),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  };
}

export function computeStaticOffload(input: { proxy: 'nginx' | 'apache'; prefix: string; roundS: number; withStatic: readonly StaticOffloadRound[]; withoutStatic: readonly StaticOffloadRound[] }): StaticOffload {
  if (input.withStatic.length < 1 || input.withoutStatic.length < 1) throw new RangeError('static offload: need at least 1 round a side');
  const w = summarizeSide(input.withStatic);
  const wo = summarizeSide(input.withoutStatic);
  const moved = wo.backend_share_of_requests > 0 ? 1 - w.backend_share_of_requests / wo.backend_share_of_requests : 0;
  const freed = wo.backend_busy_share - w.backend_busy_share;
  const name = input.proxy === 'apache' ? 'Apache' : 'nginx';
  const sentence =
    `With ${name} serving ${input.prefix} itself, ${formatPercent(moved)} of the requests no longer reach the backend ` +
    `(${formatPercent(w.backend_share_of_requests)} of client requests forwarded, against ${formatPercent(wo.backend_share_of_requests)} without the static location); ` +
    `its workers were busy ${formatPercent(w.backend_busy_share)} of the time against ${formatPercent(wo.backend_busy_share)}; ` +
    `clients got ${formatNumber(w.throughput_rps)} req/s at p50 ${formatMs(w.p50_ms)} against ${formatNumber(wo.throughput_rps)} req/s at p50 ${formatMs(wo.p50_ms)}.`;
  return { proxy: input.proxy, prefix: input.prefix, round_s: input.roundS, with_static: w, without_static: wo, backend_requests_moved: roundTo(moved, 4), busy_share_freed: roundTo(freed, 4), sentence };
}
