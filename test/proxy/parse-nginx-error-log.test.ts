import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginxErrorLog } from '../../src/proxy/parse-nginx-error-log.js';

// Lines as nginx 1.22 writes them (captured from the proxy tests on this machine).
const LOG = `2026/11/23 00:04:08 [error] 14965#14965: *4 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /slow HTTP/1.1", upstream: "http://127.0.0.1:39993/slow", host: "127.0.0.1:37251"
2026/11/23 00:04:08 [error] 14965#14965: *2 upstream prematurely closed connection while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /close HTTP/1.1", upstream: "http://127.0.0.1:39993/close", host: "127.0.0.1:37251"
2026/11/23 00:04:09 [error] 14965#14965: *7 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:39993/", host: "127.0.0.1:37251"
2026/11/23 00:04:10 [error] 14965#14965: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:39993/", host: "127.0.0.1:37251"
2026/11/23 00:04:11 [info] 14965#14965: *11 recv() failed (104: Connection reset by peer) while waiting for request, client: 127.0.0.1, server: 127.0.0.1:37251
2026/11/23 00:04:12 [error] 14965#14965: *12 upstream timed out (110: Connection timed out) while reading upstream, client: 127.0.0.1
`;

test('counts each kind of upstream failure', () => {
  const s = parseNginxErrorLog(LOG);
  assert.equal(s.upstream_timeouts, 2);
  assert.equal(s.premature_closes, 1);
  assert.equal(s.upstream_resets, 1, 'a client resetting nginx is not an upstream reset');
  assert.equal(s.upstream_refused, 1);
  assert.equal(s.lines.length, 6);
});

test('empty or unrelated logs count nothing', () => {
  assert.deepEqual(parseNginxErrorLog(''), { upstream_timeouts: 0, premature_closes: 0, upstream_resets: 0, upstream_refused: 0, worker_connections_exhausted: 0, lines: [] });
  const s = parseNginxErrorLog('2026/11/23 00:00:00 [notice] 1#1: signal process started\n\n');
  assert.equal(s.upstream_timeouts + s.premature_closes + s.upstream_resets + s.upstream_refused, 0);
  assert.equal(s.lines.length, 1);
});

test('nginx out of worker_connections: counted as such, not as an upstream failure', () => {
  // nginx 1.26's lines (measured with worker_connections 9 and 16 clients).
  const s = parseNginxErrorLog([
    '2026/12/02 10:18:49 [alert] 23479#23479: *8548 9 worker_connections are not enough while connecting to upstream, client: 127.0.0.1, server: , request: "GET /work?io_ms=20 HTTP/1.1", upstream: "http://127.0.0.1:45219/work?io_ms=20", host: "127.0.0.1:34951"',
    '2026/12/02 10:18:49 [alert] 23479#23479: 9 worker_connections are not enough',
  ].join('\n'));
  assert.equal(s.worker_connections_exhausted, 2);
  assert.equal(s.upstream_refused + s.upstream_timeouts + s.upstream_resets + s.premature_closes, 0);
});
