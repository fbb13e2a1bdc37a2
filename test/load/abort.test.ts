// Abort: the signal stops a run mid-way; the result is kept, marked interrupted, never hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../src/load/run-load.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import type { SeriesWindow } from '../../src/load/load-result.js';
import { basePlan, delayedHandler, startHttpServer } from './servers.js';

test('abort mid-run resolves promptly with the windows so far', async () => {
  const srv = await startHttpServer(delayedHandler(5));
  try {
    const plans: LoadPlan[] = [
      { ...basePlan(srv.url), mode: 'closed', connections: 4, duration_s: 30, warmup_s: 0.2, window_ms: 250 },
      { ...basePlan(srv.url), mode: 'open', rate_rps: 200, duration_s: 30, warmup_s: 0.2, window_ms: 250 },
    ];
    for (const plan of plans) {
      const ac = new AbortController();
      const seen: SeriesWindow[] = [];
      const t0 = Date.now();
      setTimeout(() => ac.abort(), 1200);
      const r = await runLoad(plan, { signal: ac.signal, onWindow: (w) => seen.push(w) });
      const tookMs = Date.now() - t0;
      assert.equal(r.interrupted, true, plan.mode);
      assert.ok(tookMs < 3000, `${plan.mode}: took ${tookMs} ms`);
      assert.ok(r.duration_s > 0.7 && r.duration_s < 1.6, `${plan.mode}: recorded ${r.duration_s} s`);
      assert.ok(r.requests > 50, `${plan.mode}: ${r.requests} requests kept`);
      assert.ok(seen.length >= 2, `${plan.mode}: ${seen.length} windows streamed`);
      assert.equal(r.series.length, seen.length, `${plan.mode}: series = streamed windows`);
      assert.equal(r.series.reduce((s, w) => s + w.requests, 0), r.requests, `${plan.mode}: windows add up`);
    }
  } finally {
    await srv.close();
  }
});

test('an already aborted signal returns at once', async () => {
  const srv = await startHttpServer(delayedHandler(1));
  try {
    const ac = new AbortController();
    ac.abort();
    const r = await runLoad({ ...basePlan(srv.url), mode: 'open', rate_rps: 100, duration_s: 10 }, { signal: ac.signal });
    assert.equal(r.interrupted, true);
    assert.equal(r.requests, 0);
  } finally {
    await srv.close();
  }
});
