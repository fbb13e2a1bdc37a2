import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverCounterGrowth } from '../../src/probe/server-counter-growth.js';
import type { ServerStatsSample } from '../../src/probe/probe-sample.js';

const s = (errors?: number) => ({ server: { threads: 4, busy: 0, idle: 4, queue: 0, errors: 0, ...(errors !== undefined ? { server_errors_5xx: errors } : {}) } as ServerStatsSample });

test('a server counter grows by its last reading less its first; one reading counts from zero only where the target started with the window', () => {
  assert.equal(serverCounterGrowth([s(10), s(), s(25), s(40)], 'server_errors_5xx', { countsFromZero: false }), 30);
  assert.equal(serverCounterGrowth([s(7)], 'server_errors_5xx', { countsFromZero: true }), 7);
  assert.equal(serverCounterGrowth([s(7)], 'server_errors_5xx', { countsFromZero: false }), 0);
  // A restarted counter never reads as negative growth; no reading at all is unknown, not 0.
  assert.equal(serverCounterGrowth([s(50), s(3)], 'server_errors_5xx', { countsFromZero: true }), 0);
  assert.equal(serverCounterGrowth([s(), {}], 'bad_request_400', { countsFromZero: true }), undefined);
});
