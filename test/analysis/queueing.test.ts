import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  erlangB, erlangC, erlangCMeanWaitS, erlangCWaitExceedsProb, erlangCPoolSize,
  littleL, poolCapacityRps,
} from '../../src/analysis/queueing.js';

/** The textbook formula with factorials, as an independent check for small c. */
function erlangCByFactorials(c: number, a: number): number {
  let fact = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    if (k > 0) fact *= k;
    sum += a ** k / fact;
  }
  const factC = fact * c;
  const top = (a ** c / factC) * (c / (c - a));
  return top / (sum + top);
}

const near = (x: number, y: number, eps: number, what = '') => assert.ok(Math.abs(x - y) <= eps, `${what} ${x} vs ${y}`);

test('erlangC matches published values and the factorial formula', () => {
  near(erlangC(2, 1), 1 / 3, 1e-12, 'c=2 a=1');
  // Textbook table values: c=10, a=8 → 0.409; c=5, a=4 → 0.554.
  near(erlangC(10, 8), 0.409, 0.0005, 'c=10 a=8');
  near(erlangC(5, 4), 0.554, 0.0005, 'c=5 a=4');
  // M/M/1: C = ρ.
  near(erlangC(1, 0.7), 0.7, 1e-12, 'M/M/1');
  for (const [c, a] of [[10, 8], [5, 4], [3, 2.5], [20, 15], [50, 45], [8, 0.5]] as const) {
    near(erlangC(c, a), erlangCByFactorials(c, a), 1e-10, `c=${c} a=${a}`);
  }
});

test('erlangC is stable for large pools and saturates at a ≥ c', () => {
  const big = erlangC(1000, 950);
  assert.ok(big > 0 && big < 1 && Number.isFinite(big));
  // Heavy traffic: C → 1 as a → c; light traffic: C → 0.
  assert.ok(erlangC(1000, 999) > 0.9);
  assert.ok(erlangC(1000, 500) < 1e-50);
  assert.equal(erlangC(4, 4), 1);
  assert.equal(erlangC(4, 9), 1);
  assert.equal(erlangC(4, 0), 0);
  assert.equal(erlangB(0, 3), 1);
  // Erlang C decreases in c.
  let prev = 1;
  for (let c = 9; c < 40; c++) {
    const v = erlangC(c, 8.5);
    assert.ok(v < prev);
    prev = v;
  }
});

test('waits and tails', () => {
  // M/M/1 with λ=8, μ=10: W_q = ρ/(μ−λ) = 0.8/2 = 0.4 s.
  near(erlangCMeanWaitS(1, 8, 10), 0.4, 1e-12);
  assert.equal(erlangCMeanWaitS(2, 20, 10), Infinity);
  // P(W > t) = C e^{−(cμ−λ)t}; at t=0 it is C.
  near(erlangCWaitExceedsProb(10, 8, 1, 0), erlangC(10, 8), 1e-12);
  near(erlangCWaitExceedsProb(10, 8, 1, 1), erlangC(10, 8) * Math.exp(-2), 1e-12);
  assert.equal(erlangCWaitExceedsProb(3, 30, 10, 5), 1);
});

test('erlangCPoolSize finds the smallest pool meeting the target', () => {
  // λ=100/s, S=50 ms: a = 5 Erlangs.
  const lambda = 100;
  const s = 0.05;
  const c = erlangCPoolSize(lambda, s, { maxWaitProb: 0.2 });
  assert.ok(erlangC(c, 5) <= 0.2);
  assert.ok(erlangC(c - 1, 5) > 0.2);
  const c2 = erlangCPoolSize(lambda, s, { maxMeanWaitS: 0.005 });
  assert.ok(erlangCMeanWaitS(c2, lambda, 1 / s) <= 0.005 && erlangCMeanWaitS(c2 - 1, lambda, 1 / s) > 0.005);
  const c3 = erlangCPoolSize(lambda, s, { maxWaitProb: 0.01, waitThresholdS: 0.1 });
  assert.ok(erlangCWaitExceedsProb(c3, lambda, 1 / s, 0.1) <= 0.01);
  assert.ok(c3 === 6 || erlangCWaitExceedsProb(c3 - 1, lambda, 1 / s, 0.1) > 0.01);
  assert.equal(erlangCPoolSize(lambda, s), 6, 'no target: smallest stable pool');
  // Impossible inputs are a caller's bug (RangeError), not a user's usage error (issue 10).
  assert.throws(() => erlangCPoolSize(-1, s), RangeError);
  assert.throws(() => erlangCPoolSize(10, 0), RangeError);
});

test("Little's law helpers", () => {
  assert.equal(littleL(200, 0.05), 10);
  near(littleL(750, 0.02), 15, 1e-12); // 750 rps at a 20 ms mean latency: 15 in flight
  // 16 workers, 20 ms sleep handler: at most 800 rps (the measured 763 is 0.95 of it).
  near(poolCapacityRps(16, 0.02), 800, 1e-9);
});

test('impossible inputs throw RangeError (a programming error), never a CLI usage error', () => {
  assert.throws(() => erlangB(2.5, 1), RangeError);
  assert.throws(() => erlangC(4, -1), RangeError);
  assert.throws(() => erlangCMeanWaitS(4, 1, 0), RangeError);
  assert.throws(() => erlangCWaitExceedsProb(4, 1, 1, Number.NaN), RangeError);
  assert.throws(() => erlangCPoolSize(10, 0.01, { maxWaitProb: 2 }), RangeError);
  assert.throws(() => poolCapacityRps(4, 0), RangeError);
});
