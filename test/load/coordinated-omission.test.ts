// Coordinated omission: a target that stalls once for 1 s. The open loop charges the stall to
// every request that should have been sent during it (latency from the intended send); from the
// actual send it hardly shows, because the held-back requests were sent after the stall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { runLoad } from '../../src/load/run-load.js';
import { startChildServer } from './servers.js';

// The child blocks its own event loop (Atomics.wait) for 1 s when /stall is requested.
const STALLING_SERVER = `
import http from 'node:http';
const s = http.createServer((req, res) => {
  if (req.url === '/stall') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  res.end('ok');
});
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));
`;

test('open loop at 100 rps charges a 1 s stall to the intended send times', async (t) => {
  const srv = await startChildServer(STALLING_SERVER);
  const stallTimer = setTimeout(() => {
    // At t = 2 s of the 5 s recording (after 0.3 s warm-up).
    http.get(`${srv.url}/stall`, { agent: false }, (res) => res.resume()).on('error', () => undefined);
  }, 2300);
  try {
    const r = await runLoad({
      mode: 'open',
      url: srv.url,
      rate_rps: 100,
      // One connection: during the stall the generator must hold sends back, as a client pool would.
      max_connections: 1,
      duration_s: 5,
      warmup_s: 0.3,
      mix: [],
      timeout_ms: 5000,
      window_ms: 1000,
      seed: 3,
    });
    t.diagnostic(
      `requests ${r.requests}; from intended send p50 ${r.latency_ms.p50} p99 ${r.latency_ms.p99} max ${r.latency_ms.max} ms; ` +
        `from actual send p50 ${r.service_latency_ms!.p50} p99 ${r.service_latency_ms!.p99} ms; delayed sends ${r.generator!.delayed_sends}`,
    );
    assert.equal(r.errors.total, 0, JSON.stringify(r.errors));
    assert.ok(r.requests >= 490, `requests ${r.requests}`);
    assert.ok(r.latency_ms.p99 >= 500, `p99 from intended send ${r.latency_ms.p99} ms`);
    assert.ok(r.latency_ms.max >= 800, `max ${r.latency_ms.max} ms`);
    assert.ok(r.service_latency_ms!.p99 < 100, `p99 from actual send ${r.service_latency_ms!.p99} ms`);
    assert.ok(r.generator!.delayed_sends >= 70, `delayed sends ${r.generator!.delayed_sends}`);
  } finally {
    clearTimeout(stallTimer);
    await srv.close();
  }
});
