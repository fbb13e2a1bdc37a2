// Queueing theory for a thread pool: a pool of c workers fed by one queue is an M/M/c system when
// arrivals are Poisson and service times exponential. Real services are rarely exactly that, so
// these numbers are a first-order model: they say how many workers a load needs, and whether a
// measured latency is explained by queueing at all. References: Kleinrock, Queueing Systems I
// (1975) §3.5; Harchol-Balter, Performance Modeling and Design of Computer Systems (2013) ch. 14.

// Impossible inputs (a negative rate, a pool of 2.5) throw RangeError: they are a caller's bug,
// since callers check user input where it enters.

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

/**
 * The mean number of requests in flight implied by Little's law from a measured throughput and
 * mean latency (ms). Compared with thread_pool it says whether the pool can be the bottleneck:
 * concurrency well below the pool means workers sit idle.
 */
export function impliedConcurrency(throughputRps: number, meanLatencyMs: number): number {
  return throughputRps * (meanLatencyMs / 1000);
}

/** The most a pool of `pool` workers can serve when each request holds a worker for serviceTimeS: N/S. */
export function poolCapacityRps(pool: number, serviceTimeS: number): number {
  requireFinite('service time', serviceTimeS, 0, true);
  return pool / serviceTimeS;
}

/** Mean service time implied by a measured capacity of a pool: S = N / X_max. */
export function impliedServiceTimeS(pool: number, capacityRps: number): number {
  requireFinite('capacity', capacityRps, 0, true);
  return pool / capacityRps;
}

/** Utilisation ρ = λ / (cμ) = λS/c. */
export function utilisation(c: number, lambdaPerS: number, serviceTimeS: number): number {
  return (lambdaPerS * serviceTimeS) / c;
}
