// A ladder's closed-loop levels open their connections spaced out (load-plan.ts,
// LADDER_CONNECT_SPACING_MS): every connection still arrives and serves, the arrivals span the ramp,
// and a phase stopped before the ramp ends leaves no socket behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { runLoad } from '../../src/load/run-load.js';
import { connectRampS, type LoadPlan } from '../../src/load/load-plan.js';
import { startHttpServer } from './servers.js';

const PLAN = { mode: 'closed' as const, timeout_ms: 2000, window_ms: 100, seed: 1 };
const mix = () => [{ method: 'GET', path: '/' }];

async function withArrivals<T>(fn: (url: string, arrivals: number[], open: Set<Socket>) => Promise<T>): Promise<T> {
  const arrivals: number[] = [];
  const open = new Set<Socket>();
  const srv = await startHttpServer((_req, res) => res.end('ok'), (s) => s.on('connection', (sock: Socket) => {
    arrivals.push(performance.now());
    open.add(sock);
    sock.on('close', () => open.delete(sock));
  }));
  try {
    return await fn(srv.url, arrivals, open);
  } finally {
    await srv.close();
  }
}

test('the ramp a plan needs: spaced closed loops only', () => {
  assert.equal(connectRampS({ mode: 'closed', connections: 64, connect_spacing_ms: 2 }), 0.126);
  assert.equal(connectRampS({ mode: 'closed', connections: 64 }), 0, 'all at once, as autocannon does');
  assert.equal(connectRampS({ mode: 'closed', connections: 1, connect_spacing_ms: 2 }), 0);
  assert.equal(connectRampS({ mode: 'open', connections: 64, connect_spacing_ms: 2 }), 0);
});

test('spaced connections arrive over the ramp, and each one serves', async () => {
  await withArrivals(async (url, arrivals) => {
    const plan: LoadPlan = { ...PLAN, mix: mix(), url, connections: 40, connect_spacing_ms: 5, duration_s: 0.3, warmup_s: 0 };
    plan.warmup_s = 0.05 + connectRampS(plan);
    const result = await runLoad(plan);
    assert.equal(arrivals.length, 40, 'one connection each, none reconnected');
    // 39 gaps of 5 ms: timers only fire late, so the span is at least most of the ramp.
    const spanMs = arrivals[arrivals.length - 1] - arrivals[0];
    assert.ok(spanMs >= 0.8 * 39 * 5, `arrivals spanned ${spanMs.toFixed(0)} ms`);
    assert.equal(result.connections?.served, 40);
    assert.ok(result.requests > 40, `${result.requests} requests`);
  });
});

test('a phase aborted during the ramp stops the connections not yet opened and leaves none open', async () => {
  await withArrivals(async (url, arrivals, open) => {
    const signal = AbortSignal.timeout(100);
    const plan: LoadPlan = { ...PLAN, mix: mix(), url, connections: 100, connect_spacing_ms: 10, duration_s: 1, warmup_s: 1 };
    const result = await runLoad(plan, { signal });
    assert.equal(result.interrupted, true);
    assert.ok(arrivals.length < 40, `${arrivals.length} of 100 opened before the abort at 100 ms`);
    // The ones still waiting for their turn never open later.
    const opened = arrivals.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(arrivals.length, opened);
    for (let i = 0; i < 50 && open.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(open.size, 0, 'every opened connection was closed');
  });
});
