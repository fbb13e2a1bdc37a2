// Error kinds: refused, http_<status>, client timeout, reset and closed, in both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { runLoad } from '../../src/load/run-load.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import type { LoadResult } from '../../src/load/load-result.js';
import { basePlan, freePort, startHttpServer } from './servers.js';

const SHORT = { duration_s: 0.8, warmup_s: 0, window_ms: 400 };

function plans(url: string, extra: Partial<LoadPlan> = {}): LoadPlan[] {
  return [
    { ...basePlan(url), ...SHORT, mode: 'closed', connections: 2, ...extra },
    { ...basePlan(url), ...SHORT, mode: 'open', rate_rps: 50, max_connections: 16, ...extra },
  ];
}

function count(r: LoadResult, kind: string): number {
  return (r.errors.by_kind as Record<string, number>)[kind] ?? 0;
}

function windowSum(r: LoadResult, kind: string): number {
  return r.series.reduce((s, w) => s + ((w.errors as Record<string, number>)[kind] ?? 0), 0);
}

test('connection refused', async () => {
  const port = await freePort();
  for (const plan of plans(`http://127.0.0.1:${port}`)) {
    const r = await runLoad(plan);
    assert.ok(count(r, 'refused') > 0, `${plan.mode}: ${JSON.stringify(r.errors)}`);
    assert.equal(r.errors.rate, 1, plan.mode);
    assert.equal(windowSum(r, 'refused'), count(r, 'refused'), `${plan.mode}: windows add up`);
  }
});

test('http_503 and http_500 by kind and by mix entry', async () => {
  const srv = await startHttpServer((req, res) => {
    res.statusCode = req.url === '/busy' ? 503 : req.url === '/boom' ? 500 : 200;
    res.end('x');
  });
  try {
    const mix = [
      { method: 'GET', path: '/ok', weight: 2 },
      { method: 'GET', path: '/busy', weight: 1 },
      { method: 'GET', path: '/boom', weight: 1 },
    ];
    for (const plan of plans(srv.url, { mix })) {
      const r = await runLoad(plan);
      assert.ok(count(r, 'http_503') > 0 && count(r, 'http_500') > 0, `${plan.mode}: ${JSON.stringify(r.errors)}`);
      const br = r.by_request!;
      assert.equal(br['GET /busy']!.errors, br['GET /busy']!.requests);
      assert.equal(br['GET /ok']!.errors, 0);
      // The weights hold: /ok is about half of the requests.
      const share = br['GET /ok']!.requests / r.requests;
      assert.ok(share > 0.35 && share < 0.65, `${plan.mode}: /ok share ${share}`);
      // The rate is over the requests attempted (load/recorder.ts), which exceed those completed inside
      // the window by the few in flight at its edge: equal to total / requests within that margin.
      assert.ok(Math.abs(r.errors.rate - r.errors.total / r.requests) <= 0.05 * (r.errors.total / r.requests), `${plan.mode}: rate ${r.errors.rate} vs ${r.errors.total}/${r.requests}`);
      assert.ok(r.goodput_rps < r.throughput_rps);
    }
  } finally {
    await srv.close();
  }
});

test('client timeout when the server is slower than timeout_ms', async () => {
  const srv = await startHttpServer((_req, res) => {
    const t = setTimeout(() => res.end('late'), 600);
    res.on('close', () => clearTimeout(t));
  });
  try {
    for (const plan of plans(srv.url, { timeout_ms: 150 })) {
      const r = await runLoad(plan);
      assert.ok(count(r, 'timeout') > 0, `${plan.mode}: ${JSON.stringify(r.errors)}`);
      assert.equal(r.requests, 0, `${plan.mode}: no response should count`);
    }
  } finally {
    await srv.close();
  }
});

test('reset (RST) and closed (FIN mid-request) are told apart', async () => {
  const srv = await startHttpServer((req, res) => {
    const socket = req.socket as Socket & { resetAndDestroy(): void };
    if (req.url === '/reset') socket.resetAndDestroy();
    else if (req.url === '/close') socket.destroy();
    else res.end('ok');
  });
  try {
    for (const path of ['/reset', '/close']) {
      for (const plan of plans(srv.url, { mix: [{ method: 'GET', path }] })) {
        const r = await runLoad(plan);
        const expected = path === '/reset' ? 'reset' : 'closed';
        assert.ok(count(r, expected) > 0, `${plan.mode} ${path}: ${JSON.stringify(r.errors)}`);
        assert.ok(count(r, expected) >= 0.8 * r.errors.total, `${plan.mode} ${path}: ${JSON.stringify(r.errors)}`);
      }
    }
  } finally {
    await srv.close();
  }
});
