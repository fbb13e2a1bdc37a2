import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkLoopbackUrl, fetchServerStats, normalizeServerStats } from '../../src/probe/server-stats.js';

test('normalise the bundled, cheroot and CherryPy cpstats shapes', () => {
  assert.deepEqual(normalizeServerStats({ threads: { total: 4, busy: 3, idle: 1 }, queue: { depth: 2, max: 5 }, requests: { completed: 40, errored: 1, accepted: 42 } }),
    { threads: 4, busy: 3, idle: 1, queue: 2, requests: 40, errors: 1, server_errors_5xx: 1 });
  // cheroot's own "Requests" overcounts kept-alive connections (cumulative per connection, added
  // after every request): it is not a request count, so none is reported; "Work Time" is kept.
  assert.deepEqual(normalizeServerStats({ Threads: 10, 'Threads Idle': 7, Queue: 0, Requests: 5, 'Socket Errors': 1, 'Work Time': 2.5 }),
    { threads: 10, busy: 3, idle: 7, queue: 0, errors: 1, work_time_s: 2.5 });
  // CherryPy's application counter (tools.cpstats) counts each request once: that is the count.
  const cpstats = {
    'CherryPy Applications': { Enabled: true, 'Total Requests': 3 },
    'Cheroot HTTPServer 140205738990864': { Threads: 4, 'Threads Idle': 3, Queue: 1, Requests: 5, 'Socket Errors': 0, 'Work Time': -1, 'Worker Threads': {} },
  };
  // CherryPy serves /cpstats/data from its own pool: the worker answering it is not counted busy,
  // unless requests were waiting (Queue 1 here): then the page took a waiting request's worker,
  // and the pool was all busy.
  assert.deepEqual(normalizeServerStats(cpstats), { threads: 4, busy: 4, idle: 0, queue: 1, requests: 3, errors: 0 });
  const quiet = { 'Cheroot HTTPServer 1': { Threads: 4, 'Threads Idle': 3, Queue: 0, Requests: 5 } };
  assert.deepEqual(normalizeServerStats(quiet), { threads: 4, busy: 0, idle: 4, queue: 0, errors: 0 });
  const busier = { 'Cheroot HTTPServer 1': { Threads: 4, 'Threads Idle': 1, Queue: 0, Requests: 9, 'Socket Errors': 0 } };
  assert.equal(normalizeServerStats(busier)?.busy, 2, 'three busy workers, one of them serving the stats page');
  // The bundled server: its settings and its own count of malformed requests come along.
  const bundled = normalizeServerStats({ threads: { total: 4, busy: 1, idle: 3 }, queue: { depth: 0 }, settings: { thread_pool: 4, gil: true },
    requests: { completed: 9, errored: 0, bad_request_400: 2 }, cheroot: { 'Work Time': 1.25 } });
  assert.deepEqual(bundled, { threads: 4, busy: 1, idle: 3, queue: 0, requests: 9, errors: 0, bad_request_400: 2, server_errors_5xx: 0, work_time_s: 1.25, settings: { thread_pool: 4, gil: true } });
  // Connections accepted (keep-alive to the backend: new connections per request): the bundled
  // server's connections.accepted, cheroot's "Accepts" — whose "Socket Errors" are not 5xx answers.
  assert.equal(normalizeServerStats({ threads: { total: 4, busy: 0, idle: 4 }, connections: { open: 1, accepted: 17 } })?.connections_accepted, 17);
  const accepts = normalizeServerStats({ Threads: 10, 'Threads Idle': 10, Queue: 0, Accepts: 230, 'Socket Errors': 3 });
  assert.equal(accepts?.connections_accepted, 230);
  assert.equal(accepts?.server_errors_5xx, undefined);
  assert.equal(normalizeServerStats({ hello: 1 }), undefined);
  // Per-worker work time, in worker order (cheroot's thread names sorted numerically).
  assert.deepEqual(normalizeServerStats({ threads: { total: 2, busy: 0, idle: 2 }, workers: [{ id: 0, work_time_s: 1.5 }, { id: 1, work_time_s: 0.25 }] })?.worker_work_time_s, [1.5, 0.25]);
  const withWorkers = { 'Cheroot HTTPServer 7': { Threads: 3, 'Threads Idle': 3, Queue: 0, Requests: 1, 'Worker Threads': { 'CP Server Thread-10': { 'Work Time': 3 }, 'CP Server Thread-2': { 'Work Time': 1 }, 'CP Server Thread-9': { 'Work Time': 2 } } } };
  assert.deepEqual(normalizeServerStats(withWorkers)?.worker_work_time_s, [1, 2, 3]);
  assert.equal(normalizeServerStats('nope'), undefined);
});

test('fetch: an answer, a non-JSON page, and a server too busy to answer are each handled without throwing', async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/ok') return res.end(JSON.stringify({ Threads: 2, 'Threads Idle': 2, Queue: 0, Requests: 1 }));
    if (req.url === '/html') return res.end('<html>');
    // /stall: never answers, like cheroot's stats page when every worker is busy.
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal((await fetchServerStats(`${base}/ok`))?.threads, 2);
    assert.equal(await fetchServerStats(`${base}/html`), undefined);
    const t0 = Date.now();
    assert.equal(await fetchServerStats(`${base}/stall`, 200), undefined);
    assert.ok(Date.now() - t0 < 1500);
    assert.equal(await fetchServerStats('http://127.0.0.1:1/none', 200), undefined);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('stats URLs must be loopback', () => {
  assert.equal(checkLoopbackUrl('http://127.0.0.1:8080/x'), undefined);
  assert.equal(checkLoopbackUrl('http://[::1]:8080/x'), undefined);
  assert.equal(checkLoopbackUrl('http://localhost/x'), undefined);
  assert.match(checkLoopbackUrl('http://10.0.0.1/x')!, /loopback/);
  assert.match(checkLoopbackUrl('not a url')!, /not a URL/);
});
