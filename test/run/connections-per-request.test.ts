// New connections per request at the backend, from its own counters: a connect per request without
// keep-alive to the backend, near none with it; unknown without both counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionsPerRequest } from '../../src/run/connections-per-request.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';

const probe = (t_s: number, requests: number | undefined, accepted: number | undefined) =>
  ({ t_s, server: { threads: 4, busy: 1, idle: 3, queue: 0, errors: 0, requests, connections_accepted: accepted } }) as unknown as ProbeSample;

test('a connect per request without keep-alive, a few per thousand with it', () => {
  assert.equal(connectionsPerRequest([probe(0, 100, 100), probe(1, 600, 600), probe(2, 1100, 1101)]), 1001 / 1000);
  assert.equal(connectionsPerRequest([probe(0, 100, 4), probe(2, 2100, 12)]), 8 / 2000);
});

test('unknown without two samples with both counters, or without requests served', () => {
  assert.equal(connectionsPerRequest([probe(0, 100, 4)]), undefined);
  assert.equal(connectionsPerRequest([probe(0, 100, undefined), probe(1, 200, undefined)]), undefined);
  assert.equal(connectionsPerRequest([probe(0, 100, 4), probe(1, 100, 4)]), undefined);
});
