import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNginxConfig } from '../../src/proxy/nginx-config.js';

const base = { dir: '/tmp/x', listenPort: 8081, upstreams: [{ host: '127.0.0.1', port: 8080 }], readTimeoutS: 1.5, sendTimeoutS: 60, connectTimeoutS: 3, keepalive: true, buffering: true, clientMaxBodySize: '1m', workerConnections: 1024 };

test('keepalive: upstream keepalive, HTTP/1.1 and an empty Connection header', () => {
  const c = renderNginxConfig(base);
  assert.match(c, /keepalive 16;/);
  assert.match(c, /proxy_http_version 1\.1;/);
  assert.match(c, /proxy_set_header Connection "";/);
  assert.match(c, /proxy_read_timeout 1500ms;/);
  assert.match(c, /listen 127\.0\.0\.1:8081;/);
  assert.match(c, /pid \/tmp\/x\/nginx\.pid;/);
  assert.doesNotMatch(c, /\/var\/|\/etc\/|\/run\//, 'no system paths');
  assert.match(c, /worker_connections 1024;/);
  // The access log names status, upstream status and upstream header time: which 5xx the backend made.
  assert.match(c, /log_format cpdiag '\$status \$upstream_status \$upstream_header_time "\$request"';/);
  assert.match(c, /access_log \/tmp\/x\/access\.log cpdiag;/);
});

test('no keepalive, no buffering, a user for root, IPv6 upstream', () => {
  const c = renderNginxConfig({ ...base, keepalive: false, buffering: false, user: 'root', upstreams: [{ host: '::1', port: 8080 }] });
  assert.doesNotMatch(c, /keepalive \d+;/);
  assert.doesNotMatch(c, /proxy_http_version/);
  assert.match(c, /proxy_buffering off;/);
  assert.match(c, /^user root;/m);
  assert.match(c, /server \[::1\]:8080;/);
});

test('worker_connections as asked (the proxy\'s own concurrency limit)', () => {
  assert.match(renderNginxConfig({ ...base, workerConnections: 9 }), /events \{ worker_connections 9; \}/);
});
