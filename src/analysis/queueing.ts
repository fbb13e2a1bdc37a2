// Queueing theory for a thread pool: a pool of c workers fed by one queue is an M/M/c system when
// arrivals are Poisson and service times exponential. Real services are rarely exactly that, so
// these numbers are a first-order model: they say how many workers a load needs, and whether a
// measured latency is explained by queueing at all. References: Kleinrock, Queueing Systems I
// (1975) §3.5; Harchol-Balter, Performance Modeling and Design of Computer Systems (2013) ch. 14.
//
// Bad arguments are a caller's bug (user input is validated where it is read), so they throw a
// plain RangeError, which the CLI reports as an internal error (exit 70), never as a usage error.

import { formatPercent } from '../format.js';

/** The largest pool erlangCPoolSize will consider; far beyond any sane thread_pool. */
const MAX_POOL_SEARCH = 100_000;

function requireFinite(name: string, value: number, min: number, strict: boolean): void {
  if (!Number.isFinite(value) || (strict ? value <= min : value < min)) {
    throw new RangeError(`${name} must be a finite number ${strict ? '>' : '≥'} ${min}, got ${value}`);
  }
}

/**
 * Erlang B blocking probability for c servers and offered load a (Erlangs), by the recursion
 * B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)). Every intermediate value stays in [0, 1], so unlike
 * the factorial formula it neither overflows nor loses precision for c in the thousands.
 */
export function erlangB(c: number, a: number): number {
  requireFinite('pool size c', c, 0, false);
  requireFinite('offered load a', a, 0, false);
  if (!Number.isInteger(c)) throw new RangeError(`pool size c must be an integer, got ${c}`);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/**
 * Erlang C: probability that an arriving request has to wait in an M/M/c queue, with a = λ/μ the
 * offered load in Erlangs. From Erlang B: C = c·B / (c − a·(1 − B)). At a ≥ c the queue is
 * unstable and every request eventually waits: returns 1.
 */
export function erlangC(c: number, a: number): number {
  requireFinite('offered load a', a, 0, false);
  if (a >= c) return 1;
  if (a === 0) return 0;
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/** Mean time in queue W_q = C / (cμ − λ) in seconds; Infinity when λ ≥ cμ (unstable). */
export function erlangCMeanWaitS(c: number, lambdaPerS: number, muPerS: number): number {
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('service rate', muPerS, 0, true);
  const drain = c * muPerS - lambdaPerS;
  if (drain <= 0) return Infinity;
  return erlangC(c, lambdaPerS / muPerS) / drain;
}

/** P(W_q > t) = C · e^{−(cμ−λ)t}: the share of requests that wait longer than tS. 1 when unstable. */
export function erlangCWaitExceedsProb(c: number, lambdaPerS: number, muPerS: number, tS: number): number {
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('service rate', muPerS, 0, true);
  requireFinite('wait threshold', tS, 0, false);
  const drain = c * muPerS - lambdaPerS;
  if (drain <= 0) return 1;
  return erlangC(c, lambdaPerS / muPerS) * Math.exp(-drain * tS);
}

export interface PoolSizeTarget {
  /** Mean queueing delay must not exceed this. */
  maxMeanWaitS?: number;
  /** P(wait > waitThresholdS) must not exceed this. */
  maxWaitProb?: number;
  /** Threshold for maxWaitProb; default 0 (then maxWaitProb bounds the probability of waiting at all). */
  waitThresholdS?: number;
}

/**
 * The smallest pool c for which an M/M/c queue with arrival rate λ and mean service time S meets
 * every given target. With no target, the smallest stable pool (c > λS). The search starts at the
 * stability bound and walks up: Erlang C falls monotonically in c, so the first c that meets the
 * target is the answer.
 */
export function erlangCPoolSize(lambdaPerS: number, serviceTimeS: number, target: PoolSizeTarget = {}): number {
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('service time', serviceTimeS, 0, true);
  if (target.maxMeanWaitS !== undefined) requireFinite('maxMeanWaitS', target.maxMeanWaitS, 0, false);
  if (target.maxWaitProb !== undefined && !(target.maxWaitProb >= 0 && target.maxWaitProb <= 1)) {
    throw new RangeError(`maxWaitProb must be within [0, 1], got ${target.maxWaitProb}`);
  }
  const tS = target.waitThresholdS ?? 0;
  requireFinite('waitThresholdS', tS, 0, false);
  const muPerS = 1 / serviceTimeS;
  const a = lambdaPerS * serviceTimeS;
  const start = Math.max(1, Math.floor(a) + 1);
  for (let c = start; c <= start + MAX_POOL_SEARCH; c++) {
    if (target.maxMeanWaitS !== undefined && erlangCMeanWaitS(c, lambdaPerS, muPerS) > target.maxMeanWaitS) continue;
    if (target.maxWaitProb !== undefined && erlangCWaitExceedsProb(c, lambdaPerS, muPerS, tS) > target.maxWaitProb) continue;
    return c;
  }
  throw new RangeError(`no pool of up to ${start + MAX_POOL_SEARCH} workers meets the target (a zero wait target is unreachable)`);
}

/** Little's law L = λ·W: mean number in the system from the arrival rate and the mean time in it. */
export function littleL(lambdaPerS: number, wS: number): number {
  return lambdaPerS * wS;
}

/** The most a pool of `pool` workers can serve when each request holds a worker for serviceTimeS: N/S. */
export function poolCapacityRps(pool: number, serviceTimeS: number): number {
  requireFinite('service time', serviceTimeS, 0, true);
  return pool / serviceTimeS;
}

// ---------------------------------------------------------------------------------------------
// Response time (wait + service), and service times that are not exponential
// ---------------------------------------------------------------------------------------------

/**
 * M/M/c: P(T > t) for the response time T = wait + service (FIFO). The wait is 0 with probability
 * 1 − C and exponential with rate θ = cμ − λ otherwise; the service is exponential with rate μ. The
 * convolution gives e^{−μt}·[1 + C·(1 − e^{−μ(c−1−a)t}) / (c − 1 − a)], and e^{−μt}·(1 + C·μt) when
 * c − 1 − a = 0 (a = λ/μ). 1 when unstable. (Sizing a pool with the wait alone against SLO − S, as
 * if every service took exactly its mean, undersizes it: S = 20 ms, λ = 400/s, p99 ≤ 120 ms needs
 * 10 workers, not 9.)
 */
export function mmcResponseExceedsProb(c: number, lambdaPerS: number, muPerS: number, tS: number): number {
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('service rate', muPerS, 0, true);
  requireFinite('response-time threshold', tS, 0, false);
  const a = lambdaPerS / muPerS;
  if (a >= c) return 1;
  const C = erlangC(c, a);
  const k = c - 1 - a;
  const decay = Math.exp(-muPerS * tS);
  if (Math.abs(k) < 1e-9) return Math.min(1, decay * (1 + C * muPerS * tS));
  return Math.min(1, decay * (1 + (C * -Math.expm1(-muPerS * k * tS)) / k));
}

/**
 * Allen–Cunneen: the mean wait of a GI/G/c queue from M/M/c's, W_q ≈ W_q(M/M/c)·(c_a² + c_s²)/2,
 * with c_a and c_s the coefficients of variation of the inter-arrival and service times (1 and 1
 * for M/M/c; c_s = 0 for constant service halves the wait). Allen, Probability, Statistics and
 * Queueing Theory (1990), §6.2. Infinity when unstable.
 */
export function allenCunneenMeanWaitS(c: number, lambdaPerS: number, serviceTimeS: number, arrivalCv2: number, serviceCv2: number): number {
  requireFinite('arrival variability c_a²', arrivalCv2, 0, false);
  requireFinite('service variability c_s²', serviceCv2, 0, false);
  requireFinite('service time', serviceTimeS, 0, true);
  return erlangCMeanWaitS(c, lambdaPerS, 1 / serviceTimeS) * ((arrivalCv2 + serviceCv2) / 2);
}

/**
 * A service-time distribution given by its quantiles (seconds at cumulative shares, ascending,
 * from share 0 to share 1), e.g. a latency summary's min, p50 … p999. Between two quantiles the
 * value is interpolated linearly in −ln(1 − share): exact for an exponential distribution (whose
 * quantile is S·(−ln(1 − share))), and a constant stays constant. Linear in the share itself would
 * thin the tail between p90, p99 and p999 and understate c_s² (0.89 for an exponential).
 */
export interface ServiceDistribution {
  /** [share, seconds] pairs, shares from 0 to 1, both non-decreasing. */
  quantiles: [number, number][];
}

/** Points at which the service distribution is evaluated (quantile midpoints): enough for a 1% tail. */
const SERVICE_POINTS = 2000;

/** The distribution's values at SERVICE_POINTS evenly spaced shares, scaled to `meanS` when given. */
export function serviceSamplePoints(dist: ServiceDistribution, meanS?: number): Float64Array {
  const q = dist.quantiles;
  if (q.length < 2 || q[0][0] !== 0 || q[q.length - 1][0] !== 1) throw new RangeError('a service distribution needs quantiles from share 0 to share 1');
  for (let i = 0; i < q.length; i++) {
    requireFinite('service quantile', q[i][1], 0, false);
    if (i > 0 && (q[i][0] < q[i - 1][0] || q[i][1] < q[i - 1][1])) throw new RangeError('service quantiles must be non-decreasing');
  }
  const out = new Float64Array(SERVICE_POINTS);
  let seg = 0;
  for (let k = 0; k < SERVICE_POINTS; k++) {
    const u = (k + 0.5) / SERVICE_POINTS;
    while (seg < q.length - 2 && u > q[seg + 1][0]) seg++;
    const [u0, v0] = q[seg];
    const [u1, v1] = q[seg + 1];
    const g = (x: number) => -Math.log1p(-x);
    // The last segment reaches share 1, where −ln(1 − share) is infinite: linear in the share there.
    const w = u1 <= u0 ? 1 : u1 < 1 ? (g(u) - g(u0)) / (g(u1) - g(u0)) : (u - u0) / (u1 - u0);
    out[k] = v0 + w * (v1 - v0);
  }
  if (meanS !== undefined) {
    requireFinite('service time', meanS, 0, true);
    const m = out.reduce((s, v) => s + v, 0) / out.length;
    if (m > 0) for (let k = 0; k < out.length; k++) out[k] *= meanS / m;
  }
  return out;
}

/** Mean and squared coefficient of variation c_s² of the sample points. */
export function serviceMoments(points: Float64Array): { meanS: number; cv2: number } {
  let sum = 0;
  for (const v of points) sum += v;
  const mean = sum / points.length;
  let sq = 0;
  for (const v of points) sq += (v - mean) ** 2;
  return { meanS: mean, cv2: mean > 0 ? sq / points.length / (mean * mean) : 0 };
}

/**
 * GI/G/c with a measured service distribution: P(T > t) for the response time T = W + S. The wait
 * W is taken as 0 with probability 1 − C (Erlang C of the same load, the usual approximation of
 * the chance to wait) and otherwise exponential with the Allen–Cunneen mean W_q/C, i.e. rate
 * θ = (cμ − λ)·2/(c_a² + c_s²); S follows the measured distribution (points from serviceSamplePoints),
 * so P(T > t) = mean over S of [S > t ? 1 : C·e^{−θ(t − S)}]. With exponential service and
 * Poisson arrivals this is M/M/c's exact answer (mmcResponseExceedsProb).
 */
export function ggcResponseExceedsProb(c: number, lambdaPerS: number, points: Float64Array, arrivalCv2: number, tS: number): number {
  const { meanS, cv2 } = serviceMoments(points);
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('service time', meanS, 0, true);
  const a = lambdaPerS * meanS;
  if (a >= c) return 1;
  const C = erlangC(c, a);
  const variability = (arrivalCv2 + cv2) / 2;
  const theta = variability > 0 ? (c / meanS - lambdaPerS) / variability : Infinity;
  let sum = 0;
  for (const s of points) sum += s > tS ? 1 : theta === Infinity ? (s === tS ? C : 0) : C * Math.exp(-theta * (tS - s));
  return Math.min(1, sum / points.length);
}

/** The answer of a pool-size search: a pool, or why none exists. */
export type PoolForResponseTime = { pool: number } | { pool: null; reason: string; serviceAloneExceedsProb: number };

/**
 * The smallest pool whose response time exceeds tS for at most `tailShare` of requests, for a
 * GI/G/c queue with the measured service distribution (ggcResponseExceedsProb). As the pool grows
 * the wait vanishes and P(T > t) falls to P(S > t): when the service time alone exceeds tS for
 * `tailShare` of requests or more, no pool meets the target, and the answer says so.
 */
export function poolForResponseTime(lambdaPerS: number, points: Float64Array, arrivalCv2: number, tS: number, tailShare: number): PoolForResponseTime {
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('response-time threshold', tS, 0, false);
  if (!(tailShare > 0 && tailShare < 1)) throw new RangeError(`tail share must be within (0, 1), got ${tailShare}`);
  let over = 0;
  for (const s of points) if (s > tS) over++;
  const serviceAlone = over / points.length;
  if (serviceAlone >= tailShare) {
    return { pool: null, serviceAloneExceedsProb: serviceAlone, reason: `the service time alone exceeds it for ${formatPercent(serviceAlone)} of requests` };
  }
  const { meanS } = serviceMoments(points);
  const start = Math.max(1, Math.floor(lambdaPerS * meanS) + 1);
  for (let c = start; c <= start + MAX_POOL_SEARCH; c++) {
    if (ggcResponseExceedsProb(c, lambdaPerS, points, arrivalCv2, tS) <= tailShare) return { pool: c };
  }
  return { pool: null, serviceAloneExceedsProb: serviceAlone, reason: `no pool of up to ${start + MAX_POOL_SEARCH} workers meets it` };
}

/**
 * M/M/c (exponential service, Poisson arrivals): the smallest pool whose response time exceeds tS
 * for at most tailShare of requests, or null when none can (exponential service alone exceeds tS
 * with probability e^{−t/S}).
 */
export function erlangCPoolForResponseTime(lambdaPerS: number, serviceTimeS: number, tS: number, tailShare: number): number | null {
  requireFinite('arrival rate', lambdaPerS, 0, false);
  requireFinite('service time', serviceTimeS, 0, true);
  if (Math.exp(-tS / serviceTimeS) >= tailShare) return null;
  const mu = 1 / serviceTimeS;
  const start = Math.max(1, Math.floor(lambdaPerS * serviceTimeS) + 1);
  for (let c = start; c <= start + MAX_POOL_SEARCH; c++) {
    if (mmcResponseExceedsProb(c, lambdaPerS, mu, tS) <= tailShare) return c;
  }
  return null;
}
