// Queueing theory beside the measurements: Little's law says how many workers a load keeps busy
// (L = λ·S), Erlang C how many an M/M/c queue needs so that p99 stays within the SLO
// (P(wait > SLO − S) ≤ 1%). They are first-order models, so they check a recommendation; they do
// not make it. Where the measured capacity is far below N/S, something other than the pool binds.
import { erlangCPoolSize, littleL, poolCapacityRps } from '../analysis/queueing.js';
import { roundTo } from '../numbers.js';
import { formatNumber } from '../format.js';

/** p99: the share of requests allowed to wait longer than the SLO leaves for queueing. */
export const SLO_TAIL_SHARE = 0.01;

export interface TheoryNumbers {
  service_time_ms: number;
  target_rps: number;
  littles_law_workers: number;
  erlang_c_pool: number | null;
}

export function theoryNumbers(targetRps: number, serviceTimeMs: number, sloP99Ms: number): TheoryNumbers | undefined {
  // Measured numbers and the user's SLO enter queueing maths here: anything it cannot take means "no theory".
  if (!(targetRps > 0 && Number.isFinite(targetRps)) || !(serviceTimeMs > 0 && Number.isFinite(serviceTimeMs)) || !Number.isFinite(sloP99Ms)) return undefined;
  const s = serviceTimeMs / 1000;
  let pool: number | null = null;
  const waitBudgetS = (sloP99Ms - serviceTimeMs) / 1000;
  if (waitBudgetS > 0) {
    try {
      pool = erlangCPoolSize(targetRps, s, { maxWaitProb: SLO_TAIL_SHARE, waitThresholdS: waitBudgetS });
    } catch (e) {
      // RangeError: no pool within the search meets the target. Anything else is a bug: let it out.
      if (!(e instanceof RangeError)) throw e;
      pool = null;
    }
  }
  return { service_time_ms: roundTo(serviceTimeMs), target_rps: roundTo(targetRps), littles_law_workers: roundTo(littleL(targetRps, s)), erlang_c_pool: pool };
}

/** One sentence comparing a recommended pool with the theory. */
export function theorySentence(t: TheoryNumbers, recommendedPool: number): string {
  const head = `queueing theory: at ${formatNumber(t.target_rps)} requests/s and a ${formatNumber(t.service_time_ms)} ms service time, Little's law keeps ${formatNumber(t.littles_law_workers)} workers busy on average`;
  const erlang = t.erlang_c_pool !== null ? `, and Erlang C needs ${t.erlang_c_pool} for p99 within the SLO` : '';
  let verdict: string;
  const need = t.erlang_c_pool ?? Math.ceil(t.littles_law_workers);
  if (recommendedPool < t.littles_law_workers) {
    verdict = `; ${recommendedPool} is below that: at this load every worker is busy and requests queue, so ${recommendedPool} carries it only at the edge of the SLO${t.erlang_c_pool !== null ? ` — ${t.erlang_c_pool} would leave headroom` : ''}`;
  } else if (recommendedPool <= Math.max(need * 1.5, need + 2)) {
    verdict = `; ${recommendedPool} agrees`;
  } else {
    const capacity = poolCapacityRps(recommendedPool, t.service_time_ms / 1000);
    verdict = `; ${recommendedPool} is more than that because the measured capacity (${formatNumber(t.target_rps)}) sits below N/S = ${formatNumber(capacity)} requests/s: workers wait for something other than their own I/O (the CPU, the GIL), which lengthens the real service time under load`;
  }
  return head + erlang + verdict;
}
