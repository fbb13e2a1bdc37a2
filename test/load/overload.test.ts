// Overload accounting against the server's own count (issue 11: an overloaded server was reported
// at the offered rate, because responses that completed during the drain were counted as if they
// had completed inside the window).
//
// The bundled server with a pool of 2 and a 50 ms handler serves at most 2 / 0.05 = 40 requests/s.
// Offered 80/s for 3 s, it completes about 120 inside the window and leaves about 120 queued. The
// server's requests.completed counter (/_cpdiag/stats, answered by the acceptor, not the pool) is
// read just before the window opens and again when it closes; the drain that follows (the long
// client timeout lets every queued request be answered) must not reach the throughput.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { loadEngine, runLoad } from '../../src/load/run-load.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import { startBundledServer } from './servers.js';

const DURATION_S = 3;
const OFFERED_RPS = 80;

async function completedCount(url: string): Promise<number> {
  const res = await fetch(`${url}/_cpdiag/stats`);
  const doc = (await res.json()) as { requests: { completed: number } };
  return doc.requests.completed;
}

test('open loop at 2× capacity: throughput is what the server completed in the window, the rest is backlog', async () => {
  const srv = await startBundledServer(['--thread-pool', '2']);
  try {
    const plan: LoadPlan = {
      mode: 'open',
      url: srv.url,
      rate_rps: OFFERED_RPS,
      arrival: 'constant',
      duration_s: DURATION_S,
      warmup_s: 0,
      mix: [{ method: 'GET', path: '/work?io_ms=50' }],
      // Long enough for the whole queue to drain: every request gets its (late) answer.
      timeout_ms: 15_000,
      window_ms: 500,
      seed: 3,
    };
    // The engine loaded first (as measure-phase does): its first load is not time in the window.
    await loadEngine('open');
    const before = await completedCount(srv.url);
    const t0 = performance.now();
    // Read the server's counter again when the window closes (warm-up 0: it opens at t0).
    let atEnd: Promise<number> | undefined;
    const timer = setTimeout(() => (atEnd = completedCount(srv.url)), DURATION_S * 1000 - (performance.now() - t0));
    const r = await runLoad(plan, { now: () => performance.now() });
    clearTimeout(timer);
    assert.ok(atEnd, 'stats read at the end of the window');
    const serverInWindow = (await atEnd) - before;
    const serverRps = serverInWindow / DURATION_S;
    const o = r.overload!;
    const detail = `client ${r.throughput_rps} rps (${r.requests}), server ${serverRps.toFixed(1)} rps (${serverInWindow}); ${JSON.stringify(o)}`;
    assert.ok(serverRps > 25 && serverRps < 45, `the server ran at its capacity: ${detail}`);
    assert.ok(Math.abs(r.throughput_rps - serverRps) <= 0.05 * serverRps, `throughput within 5% of the server's count: ${detail}`);
    // The offered load, and what happened to it.
    assert.ok(Math.abs(o.sent - OFFERED_RPS * DURATION_S) <= 2, `sent ${o.sent}`);
    assert.ok(o.backlog > 0.3 * o.sent, `a backlog: ${detail}`);
    assert.ok(o.completion_ratio < 0.7, `completion ratio well short of 1: ${detail}`);
    assert.ok(o.completed_late > 0.3 * o.sent, `the drain answered the queue, counted apart: ${detail}`);
    assert.equal(o.carried_in, 0, 'no warm-up, nothing carried in');
    assert.equal(o.sent, o.completed_in_window - o.carried_in + o.failed_in_window + o.outstanding_at_end, 'every request due in the window accounted for at its end');
    assert.equal(r.requests, o.completed_in_window);
    assert.ok(r.throughput_rps < 0.7 * OFFERED_RPS, `not the offered rate: ${detail}`);
    // Windows count completions inside them: together they make the run's count.
    assert.equal(r.series.reduce((a, w) => a + w.requests, 0), r.requests);
    // Every late response's latency is in the distribution (from the intended send: seconds).
    assert.ok(r.latency_ms.max > 1000, `max ${r.latency_ms.max}`);
  } finally {
    await srv.close();
  }
});
