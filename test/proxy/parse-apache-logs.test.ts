// Apache's error log (lines as apache2 2.4.71 writes them) and cpdiag's access-log format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApacheAccessLog, parseApacheErrorLog } from '../../src/proxy/parse-apache-logs.js';

test('error log: refused connects, timeouts and AH10415 are counted apart', () => {
  const s = parseApacheErrorLog([
    '[Wed Dec 02 03:35:07.797977 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.71 (Debian) configured -- resuming normal operations',
    '[Wed Dec 02 03:38:04.639444 2026] [proxy_http:error] [pid 2:tid 3] [client 127.0.0.1:46870] AH10415: To be forwarded path contains control characters or spaces',
    '[Wed Dec 02 03:40:00.000000 2026] [proxy:error] [pid 2:tid 4] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:9 (127.0.0.1:9) failed',
    '[Wed Dec 02 03:40:00.000001 2026] [proxy_http:error] [pid 2:tid 4] (70007)The timeout specified has expired: [client 127.0.0.1:1] AH01102: error reading status line from remote server 127.0.0.1:8080',
    '',
  ].join('\n'));
  assert.equal(s.unescaped_refused, 1);
  assert.equal(s.connection_refused, 1);
  assert.equal(s.backend_timeouts, 1);
  assert.equal(s.backend_resets, 0);
  assert.equal(s.lines.length, 4);
});

test('access log: statuses counted, 400/403 paths named as sent, escaped ones counted', () => {
  const s = parseApacheAccessLog([
    '200 1234 "GET /work?io_ms=1 HTTP/1.1"',
    '403 88 "GET /work%20x?io_ms=1 HTTP/1.1"',
    '403 90 "GET /work%20x?io_ms=1 HTTP/1.1"',
    '400 90 "GET /bad HTTP/1.1"',
    'garbage',
  ].join('\n'));
  assert.equal(s.requests, 4);
  assert.deepEqual(s.by_status, { '200': 1, '403': 2, '400': 1 });
  assert.equal(s.escaped_rejected, 2);
  assert.deepEqual(s.paths_rejected, [{ path: '/work%20x?io_ms=1', count: 2 }, { path: '/bad', count: 1 }]);
});

test('access log: the application\'s 5xx relayed (not Apache\'s own 502-504), their paths named', () => {
  const s = parseApacheAccessLog([
    '500 5120 "GET /work?fail=0.2 HTTP/1.1"',
    '500 5020 "GET /work?fail=0.2 HTTP/1.1"',
    '502 88 "GET /work HTTP/1.1"',
    '503 80 "GET /work HTTP/1.1"',
    '200 5000 "GET /work HTTP/1.1"',
  ].join('\n'));
  assert.equal(s.relayed_5xx, 2);
  assert.deepEqual(s.paths_5xx, [{ path: '/work?fail=0.2', count: 2 }]);
});

test('error log: AH00484, every worker thread busy', () => {
  const s = parseApacheErrorLog('[Wed Dec 02 10:18:38.894802 2026] [mpm_event:error] [pid 23101:tid 23101] AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting\n');
  assert.equal(s.max_workers_reached, 1);
  assert.equal(s.connection_refused + s.backend_timeouts, 0);
});
