import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHaproxyConfig } from '../../src/proxy/haproxy-config.js';
import { renderNginxConfig } from '../../src/proxy/nginx-config.js';

test('HAProxy: one loopback frontend, a round-robin backend of every server, one thread, pid file in the private dir', () => {
  const c = renderHaproxyConfig({ dir: '/tmp/x', listenPort: 8081, servers: [{ host: '127.0.0.1', port: 9001 }, { host: '::1', port: 9002 }], connectTimeoutS: 5, clientTimeoutS: 60, serverTimeoutS: 1.5 });
  assert.match(c, /^ {2}bind 127\.0\.0\.1:8081$/m);
  assert.match(c, /^ {2}balance roundrobin$/m);
  assert.match(c, /^ {2}server backend1 127\.0\.0\.1:9001$/m);
  assert.match(c, /^ {2}server backend2 \[::1\]:9002$/m);
  assert.match(c, /^ {2}nbthread 1$/m);
  assert.match(c, /^ {2}pidfile \/tmp\/x\/haproxy\.pid$/m);
  assert.match(c, /^ {2}timeout server 1500ms$/m);
  assert.doesNotMatch(c, /\/var\/|\/etc\//);
});

test('nginx as a balancer: one upstream with a server line per process', () => {
  const c = renderNginxConfig({ dir: '/tmp/x', listenPort: 8081, upstreams: [{ host: '127.0.0.1', port: 9001 }, { host: '127.0.0.1', port: 9002 }, { host: '127.0.0.1', port: 9003 }], readTimeoutS: 60, sendTimeoutS: 60, connectTimeoutS: 60, keepalive: true, buffering: true, clientMaxBodySize: '1m', workerConnections: 1024 });
  assert.deepEqual(c.match(/server 127\.0\.0\.1:\d+;/g), ['server 127.0.0.1:9001;', 'server 127.0.0.1:9002;', 'server 127.0.0.1:9003;']);
  assert.equal(c.match(/upstream cpdiag_upstream/g)!.length, 1);
});
