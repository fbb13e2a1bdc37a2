import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertLoopback, runLoad } from '../../src/load/run-load.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';

test('assertLoopback accepts 127.0.0.0/8, localhost and [::1]', () => {
  for (const u of ['http://127.0.0.1:8080', 'http://127.1.2.3/x', 'http://localhost:1', 'http://[::1]:9000/']) {
    assert.doesNotThrow(() => assertLoopback(u), u);
  }
});

test('assertLoopback rejects other hosts, bad URLs and https with a usage error', () => {
  for (const u of ['http://10.0.0.1', 'http://example.com', 'http://128.0.0.1', 'not a url', 'https://127.0.0.1', 'http://[::2]']) {
    assert.throws(
      () => assertLoopback(u),
      (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && !e.message.includes('\n'),
      u,
    );
  }
});

test('runLoad refuses a non-loopback plan before opening any socket', async () => {
  await assert.rejects(
    runLoad({ mode: 'closed', url: 'http://192.0.2.1:80', connections: 1, duration_s: 1, warmup_s: 0, mix: [], timeout_ms: 100, window_ms: 1000, seed: 1 }),
    (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE,
  );
});

test('runLoad rejects a bad plan with a usage error', async () => {
  const base = { url: 'http://127.0.0.1:1', duration_s: 1, warmup_s: 0, mix: [], timeout_ms: 100, window_ms: 1000, seed: 1 };
  await assert.rejects(runLoad({ ...base, mode: 'open' }), (e: unknown) => e instanceof CpdiagError && /rate_rps/.test(e.message));
  await assert.rejects(runLoad({ ...base, mode: 'closed', duration_s: -1 }), (e: unknown) => e instanceof CpdiagError && /duration_s/.test(e.message));
  await assert.rejects(
    runLoad({ ...base, mode: 'closed', mix: [{ method: 'GET', path: '/a b' }] }),
    (e: unknown) => e instanceof CpdiagError && /whitespace/.test(e.message),
  );
});
