// nginx's access log in cpdiag's format: which 5xx the backend made (relayed, with its response
// header) and which nginx made itself (no upstream response header).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginxAccessLog } from '../../src/proxy/parse-nginx-access-log.js';

test('relayed 5xx have an upstream header time; nginx\'s own have none', () => {
  const s = parseNginxAccessLog([
    '200 200 0.006 "GET /work?fail=0.2 HTTP/1.1"',
    '500 500 0.005 "GET /work?fail=0.2 HTTP/1.1"',
    '500 500 0.007 "GET /work?fail=0.2 HTTP/1.1"',
    // worker_connections exhausted while connecting upstream: nginx's own 500.
    '500 - - "GET /work?io_ms=20 HTTP/1.1"',
    // The backend refused: a gateway status nginx made.
    '502 502 - "GET /work HTTP/1.1"',
    // A retry: the last upstream answered.
    '500 502, 500 -, 0.004 "GET /other HTTP/1.1"',
    // The backend's own 503 (its queue full): relayed, but not the application failing.
    '503 503 0.001 "GET /work HTTP/1.1"',
    '200 - - "GET /static/a.css HTTP/1.1"',
    'not a line',
  ].join('\n'));
  assert.equal(s.requests, 8);
  assert.deepEqual(s.by_status, { '200': 2, '500': 4, '502': 1, '503': 1 });
  assert.equal(s.relayed_5xx, 3);
  assert.equal(s.own_5xx, 2);
  assert.deepEqual(s.paths_5xx, [{ path: '/work?fail=0.2', count: 2 }, { path: '/other', count: 1 }]);
});

test('an empty log counts nothing', () => {
  assert.deepEqual(parseNginxAccessLog(''), { requests: 0, by_status: {}, relayed_5xx: 0, own_5xx: 0, paths_5xx: [] });
});
