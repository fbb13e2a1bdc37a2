// Queueing truth: open-loop Poisson arrivals at utilisation 0.7 against the bundled server's
// pool of c = 4 workers with exponential service times (M/M/4, FIFO).
//
// Why not compare one run's mean wait with Erlang C directly: the mean wait of a finite run
// wanders far from its expectation. A pure simulation of M/M/4 at ρ = 0.7 (mean service 20 ms,
// 2,240 requests = 16 s at 140 rps) gave 4.5–9.1 ms over 8 seeds against Erlang C's 7.14 ms —
// ±35%, so a 15% bound would fail by chance. The test therefore splits the claim in two:
//  1. the FIFO c-server simulator below reproduces Erlang C W_q = C(c,a)/(cμ − λ) in the long run
//     (pure, 200,000 requests, within 3%);
//  2. the load engine's measured mean queue wait is within 15% of that simulator fed with the
//     SAME sample path: the arrival times come from the engine's own pacer (same seed) and the
//     service times are the very draws the server made (it draws request n from PRNG(seed + n),
//     src/server/distributions.ts). The run's luck cancels; what is left is measurement error.
// Mean service is 100 ms (λ = 28 rps) so that fixed costs — HTTP over loopback, the hand-off to a
// worker, 1–4 ms on this loaded 2-core machine — stay small against the wait; they are measured
// first at the same rate on a pool of 16 with constant service (nobody queues there) and
// subtracted: measured wait = mean latency − mean service draw − overhead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus, loadavg } from 'node:os';
import { runLoad } from '../../src/load/run-load.js';
import { createPacer } from '../../src/load/pacer.js';
import { exponentialDraw } from '../../src/random.js';
import { createRandom } from '../../src/load/prng.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import type { LoadResult } from '../../src/load/load-result.js';
import { erlangCMeanWaitS } from '../../src/analysis/queueing.js';
import { drawWithMean, makeRandom } from '../../src/server/distributions.js';
import { startBundledServer, startChildServer } from './servers.js';

const POOL = 4;
const MEAN_SERVICE_MS = 100;
const UTILISATION = 0.7;
const LAMBDA_RPS = (UTILISATION * POOL * 1000) / MEAN_SERVICE_MS; // 28
const WARMUP_S = 2;
const DURATION_S = 12;
const SEED = 11;
const CALIBRATION_POOL = 16;
/** Above this load average per core the bundled-server queueing test is skipped (see there). */
const MAX_LOAD_PER_CORE = 3;

/** FIFO queue in front of c identical servers: each request's wait before a server takes it. */
function simulateFifoWaitsMs(arrivalsMs: number[], servicesMs: number[], c: number): number[] {
  const freeAt = new Array<number>(c).fill(-Infinity);
  return arrivalsMs.map((t, k) => {
    let j = 0;
    for (let i = 1; i < c; i++) if (freeAt[i]! < freeAt[j]!) j = i;
    const start = Math.max(t, freeAt[j]!);
    freeAt[j] = start + servicesMs[k]!;
    return start - t;
  });
}

/**
 * Responses to the requests due in the window — what the latency histogram holds: the window's
 * completions without those carried in from the warm-up, plus the ones completed in the drain.
 */
function answeredOfDue(r: LoadResult): number {
  const o = r.overload!;
  return o.completed_in_window - o.carried_in + o.completed_late;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** A reason to skip a timing-truth test on an overloaded machine, or undefined to run it. */
function tooLoadedForTiming(): string | undefined {
  const load1 = loadavg()[0]!;
  if (process.env.CPDIAG_FORCE_TIMING_TESTS === '1' || load1 <= MAX_LOAD_PER_CORE * cpus().length) return undefined;
  return `machine too loaded for queueing truth (load average ${load1.toFixed(1)} on ${cpus().length} cores; CPDIAG_FORCE_TIMING_TESTS=1 runs it)`;
}

test('the FIFO c-server simulator reproduces Erlang C in the long run', async (t) => {
  const n = 200_000;
  const pacer = createPacer({ rateRps: LAMBDA_RPS, arrival: 'poisson', seed: SEED });
  const service = createRandom(SEED + 1);
  const arrivals = Array.from({ length: n }, () => pacer());
  const services = Array.from({ length: n }, () => exponentialDraw(service, MEAN_SERVICE_MS));
  const simulated = mean(simulateFifoWaitsMs(arrivals, services, POOL));
  const expected = erlangCMeanWaitS(POOL, LAMBDA_RPS, 1000 / MEAN_SERVICE_MS) * 1000;
  t.diagnostic(`simulated W_q ${simulated.toFixed(2)} ms, Erlang C ${expected.toFixed(2)} ms`);
  assert.ok(Math.abs(simulated - expected) / expected < 0.03, `simulated ${simulated} vs Erlang C ${expected}`);
});

test('open-loop Poisson at ρ = 0.7 on the bundled M/M/4 pool: mean queue wait within 15% of queueing theory', async (t) => {
  // Timing truth needs CPU: with more runnable work than cores, worker wake-ups and the
  // server's event loop lag stretch every service time (measured here at load 13 on 2 cores:
  // +8% service, waits 30–80% above the same-path simulation), which is the machine, not the
  // engine. The test after this one checks the engine against the server's own clock instead.
  // CPDIAG_FORCE_TIMING_TESTS=1 runs it anyway.
  const why = tooLoadedForTiming();
  if (why) return t.skip(why);

  // 1. Fixed overhead at the same rate where nobody queues.
  const calib = await startBundledServer(['--thread-pool', String(CALIBRATION_POOL)]);
  let overheadMs: number;
  try {
    const r = await runLoad({
      mode: 'open', url: calib.url, rate_rps: LAMBDA_RPS, arrival: 'poisson', max_connections: 64,
      duration_s: 3, warmup_s: 0.5, mix: [{ method: 'GET', path: `/work?io_ms=${MEAN_SERVICE_MS}` }],
      timeout_ms: 5000, window_ms: 1000, seed: SEED,
    });
    assert.equal(r.errors.total, 0, JSON.stringify(r.errors));
    overheadMs = r.latency_ms.mean - MEAN_SERVICE_MS;
  } finally {
    await calib.close();
  }

  // 2. The M/M/4 run on a fresh server: its request counter starts at 0, so draws line up.
  const srv = await startBundledServer(['--thread-pool', String(POOL)]);
  try {
    const plan: LoadPlan = {
      mode: 'open', url: srv.url, rate_rps: LAMBDA_RPS, arrival: 'poisson', max_connections: 128,
      duration_s: DURATION_S, warmup_s: WARMUP_S,
      mix: [{ method: 'GET', path: `/work?io_ms=${MEAN_SERVICE_MS}&dist=exp&seed=${SEED}` }],
      timeout_ms: 10_000, window_ms: 1000, seed: SEED,
    };
    const r = await runLoad(plan);
    assert.equal(r.errors.total, 0, JSON.stringify(r.errors));
    assert.equal(r.generator!.delayed_sends, 0);

    // Replay the same sample path: the engine's arrivals (same pacer, same seed) and the
    // server's draws for request n (requests reach it in send order).
    const pacer = createPacer({ rateRps: LAMBDA_RPS, arrival: 'poisson', seed: SEED });
    const arrivals: number[] = [];
    for (let a = pacer(); a < (WARMUP_S + DURATION_S) * 1000; a = pacer()) arrivals.push(a);
    const services = arrivals.map((_, n) => drawWithMean('exp', MEAN_SERVICE_MS, makeRandom(SEED + n)));
    const first = arrivals.findIndex((a) => a >= WARMUP_S * 1000);
    assert.equal(r.overload!.sent, arrivals.length - first, 'the engine sent the replayed arrivals');
    assert.equal(answeredOfDue(r), arrivals.length - first, 'every arrival due in the window was answered');
    const simulatedWaitMs = mean(simulateFifoWaitsMs(arrivals, services, POOL).slice(first));
    const serviceMeanMs = mean(services.slice(first));

    const measuredWaitMs = r.latency_ms.mean - serviceMeanMs - overheadMs;
    const erlangMs = erlangCMeanWaitS(POOL, LAMBDA_RPS, 1000 / MEAN_SERVICE_MS) * 1000;
    const relErr = Math.abs(measuredWaitMs - simulatedWaitMs) / simulatedWaitMs;
    t.diagnostic(
      `requests ${r.requests}; latency mean ${r.latency_ms.mean} ms; service draws mean ${serviceMeanMs.toFixed(2)} ms; ` +
        `overhead ${overheadMs.toFixed(2)} ms; W_q measured ${measuredWaitMs.toFixed(2)} ms, same-path M/M/4 ` +
        `${simulatedWaitMs.toFixed(2)} ms (${(relErr * 100).toFixed(1)}% off), Erlang C expectation ${erlangMs.toFixed(2)} ms`,
    );
    assert.ok(
      relErr <= 0.15,
      `W_q measured ${measuredWaitMs.toFixed(2)} ms vs ${simulatedWaitMs.toFixed(2)} ms for the same arrivals and service draws (${(relErr * 100).toFixed(1)}% off)`,
    );
  } finally {
    await srv!.close();
  }
});

// An M/M/c server that measures itself: each request's queue wait (arrival → a slot takes it)
// and service time (slot taken → response), by the high-resolution clock, reported on /stats.
// Its service ends on an hrtime deadline (timer, then setImmediate for the last ms).
const SELF_TIMING_MMC_SERVER = `
import http from 'node:http';
const C = 4, MEAN_MS = ${MEAN_SERVICE_MS};
let seed = ${SEED};
const rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const now = () => Number(process.hrtime.bigint()) / 1e6;
let busy = 0, n = 0, waitSum = 0, serviceSum = 0;
const queue = [];
function take(job) {
  busy++;
  const start = now();
  const due = start - MEAN_MS * Math.log(1 - rnd());
  const tick = () => {
    const t = now();
    if (t < due) { if (due - t > 2) setTimeout(tick, due - t - 1.5); else setImmediate(tick); return; }
    n++; waitSum += start - job.arrived; serviceSum += t - start; busy--;
    job.res.end('ok');
    if (queue.length > 0) take(queue.shift());
  };
  tick();
}
const s = http.createServer((req, res) => {
  if (req.url === '/stats') return res.end(JSON.stringify({ n, wait_ms: waitSum / n, service_ms: serviceSum / n }));
  const job = { arrived: now(), res };
  if (busy < C) take(job); else queue.push(job);
});
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));
`;

test('the engine measures the queue wait an M/M/4 server measures for itself (open loop, Poisson, ρ = 0.7)', async (t) => {
  // The server stamps arrival when its event loop parses the request; on an overloaded machine
  // that loop lags (measured: 17 ms at load average 8 on 2 cores) and the difference is no longer
  // the engine's. Same guard as above, and one retry for a burst of other work.
  const why = tooLoadedForTiming();
  if (why) return t.skip(why);
  for (let attempt = 1; ; attempt++) {
    try {
      await measureAgainstSelfTimingServer(t);
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
      t.diagnostic(`first attempt failed (${(err as Error).message}); retrying once`);
    }
  }
});

async function measureAgainstSelfTimingServer(t: { diagnostic(m: string): void }): Promise<void> {
  const srv = await startChildServer(SELF_TIMING_MMC_SERVER);
  try {
    const r = await runLoad({
      mode: 'open', url: srv.url, rate_rps: LAMBDA_RPS, arrival: 'poisson', max_connections: 128,
      // No warm-up: the server's own counters then cover exactly the recorded requests.
      duration_s: 10, warmup_s: 0, mix: [], timeout_ms: 10_000, window_ms: 1000, seed: SEED,
    });
    const server = (await (await fetch(`${srv.url}/stats`)).json()) as { n: number; wait_ms: number; service_ms: number };
    assert.equal(r.errors.total, 0, JSON.stringify(r.errors));
    // No warm-up: the server's count is every response the histogram holds (late ones too).
    assert.equal(server.n, answeredOfDue(r));
    // The client cannot see the service time; it sees latency = wait + service + transport.
    const clientWaitMs = r.latency_ms.mean - server.service_ms;
    const relErr = Math.abs(clientWaitMs - server.wait_ms) / server.wait_ms;
    t.diagnostic(`requests ${r.requests}; latency mean ${r.latency_ms.mean} ms; server: wait ${server.wait_ms.toFixed(2)} ms, service ${server.service_ms.toFixed(2)} ms; engine-measured wait ${clientWaitMs.toFixed(2)} ms (${(relErr * 100).toFixed(1)}% off)`);
    assert.ok(server.wait_ms > 5, `the pool must actually queue (server wait ${server.wait_ms} ms)`);
    assert.ok(relErr <= 0.15, `engine wait ${clientWaitMs.toFixed(2)} ms vs server-measured ${server.wait_ms.toFixed(2)} ms`);
  } finally {
    await srv.close();
  }
}
