// The proxy's own worker limit, through real nginx and apache2 (issue 15): more clients than the
// proxy lets through at once while the backend's workers sit idle is proxy-worker-limit first, not
// the pool, with the proxy's settings in the fix. Apache's MaxRequestWorkers 4 runs in
// test/run/faults.test.ts from scenarios/faults/proxy-worker-limit.yaml; here nginx's
// worker_connections, and the same load under Apache's default limit, which names no cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarioFile as run, SKIP_APACHE, SKIP_NGINX } from '../helpers/proxy-scenario.js';

test('nginx with worker_connections 9 in front of a pool of 16: proxy-worker-limit first, its 500s not the application\'s', { skip: SKIP_NGINX }, async () => {
  const { ids, record } = await run('scenarios/faults/proxy-worker-limit.yaml', (s) => {
    s.proxy = { kind: 'nginx', read_timeout_s: 10, keepalive: true, buffering: true, nginx_worker_connections: 9 };
  });
  assert.equal(ids[0], 'proxy-worker-limit', ids.join(', ') || 'no cause');
  assert.ok(!ids.includes('backend-returned-5xx') && !ids.includes('pool-too-small'), ids.join(', '));
  const p = record.target.proxy!;
  assert.equal(p.concurrency_limit, 4);
  assert.ok((p.limit_reached ?? 0) >= 1, JSON.stringify(p.error_log_excerpt));
  assert.equal(p.relayed_5xx ?? 0, 0);
  const top = record.diagnosis!.causes[0]!;
  assert.match(top.fix, /worker_connections (3[3-9]|[4-9]\d);/, top.fix);
  assert.doesNotMatch(top.fix, /MaxRequestWorkers/);
});

test('Apache with its default MaxRequestWorkers (50) and the same 16 clients: no cause', { skip: SKIP_APACHE }, async () => {
  const { ids, record } = await run('scenarios/faults/proxy-worker-limit.yaml', (s) => {
    delete s.proxy!.apache_threads_per_child;
    delete s.proxy!.apache_server_limit;
  });
  assert.deepEqual(ids, []);
  assert.equal(record.target.proxy!.concurrency_limit, 50);
  assert.equal(record.target.proxy!.limit_reached, 0);
});
