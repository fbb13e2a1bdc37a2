// Pool sizing for a p99 SLO on the response time (wait + service), with the service-time
// distribution (issue 11: S = 20 ms, λ = 400/s, p99 ≤ 120 ms — the old rule said 9 workers,
// M/M/c needs 10; and a pool was named even where none can meet the SLO).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allenCunneenMeanWaitS, erlangC, erlangCMeanWaitS, erlangCPoolForResponseTime, erlangCWaitExceedsProb, ggcResponseExceedsProb,
  mmcResponseExceedsProb, poolForResponseTime, serviceMoments, serviceSamplePoints,
} from '../../src/analysis/queueing.js';
import { theoryNumbers, theorySentence, serviceDistributionFromSummary } from '../../src/sweep/theory-check.js';
import { mulberry32 } from '../../src/random.js';
import { exponentialDraw } from '../../src/random.js';

const near = (x: number, y: number, eps: number, what = '') => assert.ok(Math.abs(x - y) <= eps, `${what} ${x} vs ${y}`);

/** FIFO queue in front of c identical servers, by simulation: each request's response time. */
function simulateResponseTimes(c: number, lambda: number, service: () => number, n: number, rng: () => number): number[] {
  const freeAt = new Array<number>(c).fill(0);
  let t = 0;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    t += -Math.log(1 - rng()) / lambda;
    let j = 0;
    for (let i = 1; i < c; i++) if (freeAt[i]! < freeAt[j]!) j = i;
    const start = Math.max(t, freeAt[j]!);
    const s = service();
    freeAt[j] = start + s;
    out.push(start + s - t);
  }
  return out;
}

test('M/M/c response-time tail: the issue example needs 10 workers, not 9', () => {
  // S = 20 ms (μ = 50/s), λ = 400/s, a = 8 Erlangs, SLO p99 ≤ 120 ms.
  // By hand (Erlang B recursion, C = cB/(c − a(1 − B))): C(9, 8) = 0.653327, C(10, 8) = 0.409180.
  // c = 9: c − 1 − a = 0, so P(T > t) = e^{−μt}(1 + Cμt) = e^{−6}(1 + 0.653327·6) = 0.012195 > 1%.
  // c = 10: c − 1 − a = 1, P(T > t) = e^{−6}(1 + 0.409180·(1 − e^{−6})) = 0.003490 ≤ 1%.
  // The old rule — the wait alone within SLO − S: C·e^{−(cμ−λ)·0.1} = 0.653327·e^{−5} = 0.0044 at
  // c = 9 — passed 9, as if every request were served in exactly 20 ms.
  near(erlangC(9, 8), 0.653327, 1e-6, 'C(9,8)');
  near(mmcResponseExceedsProb(9, 400, 50, 0.12), 0.012195, 1e-6, 'c=9');
  near(mmcResponseExceedsProb(10, 400, 50, 0.12), 0.003490, 1e-6, 'c=10');
  near(erlangCWaitExceedsProb(9, 400, 50, 0.1), 0.004402, 1e-6, 'old rule at c=9');
  assert.equal(erlangCPoolForResponseTime(400, 0.02, 0.12, 0.01), 10);
  const t = theoryNumbers(400, 20, 120)!;
  assert.equal(t.erlang_c_pool, 10);
  assert.equal(t.pool_for_slo, 10);
  assert.equal(t.model, 'M/M/c');
});

test('the M/M/c response-time formula agrees with a FIFO simulation (independent reference)', () => {
  const rng = mulberry32(21);
  for (const c of [9, 10]) {
    const times = simulateResponseTimes(c, 400, () => exponentialDraw(rng, 0.02), 300_000, rng);
    const over = times.filter((x) => x > 0.12).length / times.length;
    near(over, mmcResponseExceedsProb(c, 400, 50, 0.12), 0.0015, `c=${c} simulated`);
  }
});

test('Allen–Cunneen: constant service halves M/M/c’s wait; sizing by hand for S = 20 ms constant, p99 ≤ 30 ms', () => {
  // W_q(M/M/10, λ=400, S=20 ms) = C(10,8)/(cμ − λ) = 0.409180/100 = 4.092 ms; with c_s = 0 and Poisson
  // arrivals (c_a = 1), W_q ≈ 4.092·(1 + 0)/2 = 2.046 ms.
  near(erlangCMeanWaitS(10, 400, 50) * 1000, 4.0918, 1e-3);
  near(allenCunneenMeanWaitS(10, 400, 0.02, 1, 0) * 1000, 2.0459, 1e-3);
  // Pool for p99 ≤ 30 ms: every request is served in exactly 20 ms, so it may wait at most 10 ms.
  // The wait is 0 with probability 1 − C and exponential otherwise, with mean W_q/C, i.e. rate
  // θ = (cμ − λ)·2/(c_a² + c_s²) = 2(cμ − λ). P(T > 30 ms) = C·e^{−θ·0.01}:
  //   c = 10: 0.409180·e^{−2} = 0.0554;  c = 11: 0.244958·e^{−3} = 0.0122;  c = 12: 0.139842·e^{−4} = 0.00256.
  // So 12. M/M/c cannot meet it at all: an exponential service alone exceeds 30 ms for e^{−1.5} = 22%.
  const constant = serviceSamplePoints({ quantiles: [[0, 0.02], [1, 0.02]] });
  near(serviceMoments(constant).cv2, 0, 1e-12, 'constant');
  near(ggcResponseExceedsProb(11, 400, constant, 1, 0.03), 0.012196, 1e-5, 'c=11');
  near(ggcResponseExceedsProb(12, 400, constant, 1, 0.03), 0.002561, 1e-5, 'c=12');
  assert.deepEqual(poolForResponseTime(400, constant, 1, 0.03, 0.01), { pool: 12 });
  assert.equal(erlangCPoolForResponseTime(400, 0.02, 0.03, 0.01), null);
  const t = theoryNumbers(400, 20, 30, { min: 20, mean: 20, p50: 20, p90: 20, p95: 20, p99: 20, p999: 20, max: 20 })!;
  assert.equal(t.pool_for_slo, 12);
  assert.equal(t.service_cv, 0);
  assert.equal(t.erlang_c_pool, null);
  assert.match(theorySentence(t, 12), /with the measured service times \(M\/G\/c, Allen–Cunneen\) 12 are needed for p99 within the SLO \(Erlang C, which assumes exponential service: none would do\); 12 agrees/);
});

test('with an exponential service distribution given by its percentiles, M/G/c gives M/M/c’s answer', () => {
  // Exponential, mean 20 ms: the q-quantile is −20·ln(1 − q) ms.
  const q = (p: number) => -20 * Math.log(1 - p);
  const summary = { min: 0.01, mean: 20, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), p999: q(0.999), max: 150 };
  const dist = serviceDistributionFromSummary(summary)!;
  const points = serviceSamplePoints(dist, 0.02);
  near(serviceMoments(points).cv2, 1, 0.03, 'c_s² of the reconstruction (the top 0.1% taken at p999)');
  for (const c of [9, 10, 12]) near(ggcResponseExceedsProb(c, 400, points, 1, 0.12), mmcResponseExceedsProb(c, 400, 50, 0.12), 0.0015, `c=${c}`);
  assert.equal(theoryNumbers(400, 20, 120, summary)!.pool_for_slo, 10);
});

test('no pool meets an SLO the service time alone exceeds: said, not a pool', () => {
  // 3% of requests take 150 ms or more in service: p99 ≤ 120 ms is out of reach at any pool size.
  const summary = { min: 5, mean: 25, p50: 15, p90: 40, p95: 80, p99: 200, p999: 300, max: 400 };
  const t = theoryNumbers(400, 25, 120, summary)!;
  assert.equal(t.pool_for_slo, null);
  assert.match(t.no_pool!, /^no pool meets this SLO: the service time alone exceeds it for \d+(\.\d+)?% of requests/);
  assert.match(theorySentence(t, 16), /no pool meets this SLO.*16 workers is a capacity choice, not a latency guarantee/);
  // Only the mean known, and it is above the SLO.
  const u = theoryNumbers(400, 150, 120)!;
  assert.equal(u.pool_for_slo, null);
  assert.match(u.no_pool!, /mean service time alone \(150 ms\) exceeds it/);
});
