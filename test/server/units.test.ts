import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawWithMean, makeRandom } from '../../src/server/distributions.js';
import { AcceptedQueue } from '../../src/server/accepted-queue.js';
import { resolveRoute } from '../../src/server/routes.js';
import { rawSimpleResponse } from '../../src/server/client-errors.js';
import { settingsToArgs } from '../../src/target/kinds/bundled.js';
import { OP } from '../../src/server/shared-layout.js';

test('distributions keep their mean and repeat with the same seed', () => {
  for (const dist of ['exp', 'lognormal'] as const) {
    const random = makeRandom(42);
    let sum = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) sum += drawWithMean(dist, 20, random);
    assert.ok(Math.abs(sum / n - 20) < 20 * 0.05, `${dist} mean ${sum / n}`);
  }
  assert.equal(drawWithMean('const', 7, makeRandom(1)), 7);
  assert.equal(drawWithMean('exp', 7, makeRandom(5)), drawWithMean('exp', 7, makeRandom(5)));
  assert.notEqual(drawWithMean('exp', 7, makeRandom(5)), drawWithMean('exp', 7, makeRandom(6)));
});

test('routes: /work draws per request from seed + request number', () => {
  const a = resolveRoute('/work?io_ms=20&cpu_ms=3&dist=exp&seed=9', 4);
  const b = resolveRoute('/work?io_ms=20&cpu_ms=3&dist=exp&seed=9', 4);
  const c = resolveRoute('/work?io_ms=20&cpu_ms=3&dist=exp&seed=9', 5);
  assert.equal(a.kind, 'job');
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const plain = resolveRoute('/work?io_ms=20&bytes=100', 0);
  assert.ok(plain.kind === 'job' && plain.job.op === OP.WORK && plain.job.ioMs === 20 && plain.responseBytes === 100);
  assert.deepEqual(resolveRoute('/_cpdiag/stats', 0), { kind: 'stats' });
  assert.equal(resolveRoute('/nope', 0).kind, 'job');
  const bad = resolveRoute('/work?io_ms=abc', 0);
  assert.ok(bad.kind === 'bad' && bad.message.includes('io_ms=abc'));
  assert.equal(resolveRoute('/work?dist=pareto&io_ms=1', 0).kind, 'bad');
  assert.equal(resolveRoute('/work?io_ms=99999999', 0).kind, 'bad');
});

test('accepted queue: FIFO, bounded entry waits then rejects, 0 and -1 are unbounded', async () => {
  const q = new AcceptedQueue<number>(2, 50);
  const rejected: number[] = [];
  for (const i of [1, 2, 3, 4]) q.offer(i, () => rejected.push(i));
  assert.equal(q.depth, 2);
  assert.equal(q.waitingToEnter, 2);
  assert.equal(q.take(), 1); // 3 enters
  assert.equal(q.waitingToEnter, 1);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(rejected, [4]);
  assert.deepEqual([q.take(), q.take(), q.take()], [2, 3, undefined]);
  assert.equal(q.maxDepth, 2);
  for (const size of [0, -1]) {
    const u = new AcceptedQueue<number>(size, 10);
    for (let i = 0; i < 100; i++) u.offer(i, () => assert.fail('unbounded queue rejected'));
    assert.equal(u.depth, 100);
  }
});

test('simple responses have cheroot\'s shape', () => {
  assert.equal(rawSimpleResponse('400 Bad Request', 'Malformed Request-Line', false).toString(),
    'HTTP/1.1 400 Bad Request\r\nContent-Length: 22\r\nContent-Type: text/plain\r\n\r\nMalformed Request-Line');
  assert.match(rawSimpleResponse('413 Request Entity Too Large', 'x', true).toString(), /Connection: close\r\n\r\nx$/);
});

test('settingsToArgs writes flags commander parses back', () => {
  assert.deepEqual(settingsToArgs({ thread_pool: 4, gil: false, socket_timeout: 1.5 }), ['--thread-pool', '4', '--gil', 'False', '--socket-timeout', '1.5']);
});

test('routes: /work?fail=SHARE fails exactly that share of requests, evenly spread; out of range is a bad parameter', () => {
  const failed = (share: string, n: number) => Array.from({ length: n }, (_, i) => resolveRoute(`/work?fail=${share}`, i)).filter((r) => r.kind === 'job' && r.fail).length;
  assert.equal(failed('0.2', 1000), 200);
  assert.equal(failed('0.25', 8), 2);
  assert.equal(failed('0', 100), 0);
  assert.equal(failed('1', 7), 7);
  const every = Array.from({ length: 8 }, (_, i) => resolveRoute('/work?fail=0.25', i)).map((r) => r.kind === 'job' && r.fail === true);
  assert.deepEqual(every, [false, false, false, true, false, false, false, true]);
  const over = resolveRoute('/work?fail=1.5', 0);
  assert.ok(over.kind === 'bad' && over.message.includes('fail=1.5'));
});
