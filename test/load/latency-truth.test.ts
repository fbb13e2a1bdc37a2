// Latency truth: against a server that answers in exactly 20 ms, both engines must report
// p50 in [20, 23] ms and never a latency below 20 ms (autocannon's own numbers fail this).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../src/load/run-load.js';
import { decodeHistogram } from '../../src/load/histogram.js';
import type { LoadResult } from '../../src/types.js';
import { basePlan, delayedHandler, startBundledServer, startHttpServer } from './servers.js';

function assertTwentyMs(r: LoadResult, label: string): void {
  assert.equal(r.errors.total, 0, `${label}: errors ${JSON.stringify(r.errors.by_kind)}`);
  assert.ok(r.requests > 50, `${label}: only ${r.requests} requests`);
  assert.ok(r.latency_ms.p50 >= 20 && r.latency_ms.p50 <= 23, `${label}: p50 ${r.latency_ms.p50} ms`);
  assert.ok(r.latency_ms.min >= 20, `${label}: min ${r.latency_ms.min} ms`);
  const h = decodeHistogram(r.histograms.latency_us);
  assert.equal(h.totalCount, r.requests);
  assert.ok(h.minNonZeroValue >= 20_000, `${label}: histogram min ${h.minNonZeroValue} µs`);
}

test('closed and open loop report a 20 ms node:http server truthfully', async () => {
  const srv = await startHttpServer(delayedHandler(20));
  try {
    const closed = await runLoad({ ...basePlan(srv.url), mode: 'closed', connections: 8 });
    assertTwentyMs(closed, 'closed');
    // 8 connections × 1/20 ms = 400 rps at most; the loop keeps close to it.
    assert.ok(closed.throughput_rps > 250 && closed.throughput_rps <= 400, `closed rps ${closed.throughput_rps}`);
    assert.ok(closed.series.length >= 3, `windows ${closed.series.length}`);

    const open = await runLoad({ ...basePlan(srv.url), mode: 'open', rate_rps: 200, max_connections: 64 });
    assertTwentyMs(open, 'open');
    assert.ok(open.service_latency_ms!.min >= 20);
    assert.ok(Math.abs(open.generator!.achieved_rate_rps - 200) < 4, `achieved ${open.generator!.achieved_rate_rps}`);
    assert.equal(open.generator!.delayed_sends, 0);
    for (const w of open.series) assert.ok(Math.abs(w.offered_rps! - 200) <= 4, `offered ${w.offered_rps} at ${w.t_s}`);
  } finally {
    await srv.close();
  }
});

test('closed and open loop report the bundled server /work?io_ms=20 truthfully', async (t) => {
  const srv = await startBundledServer(['--thread-pool', '8']);
  if (!srv) {
    t.skip('bundled server (cpdiag serve) not built yet');
    return;
  }
  try {
    const mix = [{ method: 'GET', path: '/work?io_ms=20' }];
    const closed = await runLoad({ ...basePlan(srv.url), mode: 'closed', connections: 4, mix });
    assertTwentyMs(closed, 'closed/bundled');
    const open = await runLoad({ ...basePlan(srv.url), mode: 'open', rate_rps: 100, max_connections: 32, mix });
    assertTwentyMs(open, 'open/bundled');
  } finally {
    await srv.close();
  }
});
