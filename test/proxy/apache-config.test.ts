// The generated apache2.conf: private paths only, the two front styles, NE and the escape map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApacheConfig, type ApacheConfigOptions } from '../../src/proxy/apache-config.js';

const base: ApacheConfigOptions = {
  dir: '/tmp/x', modulesDir: '/usr/lib/apache2/modules', listenPort: 8081, upstreamHost: '127.0.0.1', upstreamPort: 8080,
  style: 'rewrite', escapeFix: false, noEscape: false, timeoutS: 30, keepalive: true, threadsPerChild: 25, serverLimit: 2,
};

test('rewrite style: the account\'s rule, the worker\'s timeout and keep-alive, everything under the private dir', () => {
  const c = renderApacheConfig(base);
  assert.match(c, /^RewriteRule \^\(\.\*\)\$ http:\/\/127\.0\.0\.1:8080\$1 \[P\]$/m);
  assert.match(c, /ProxySet timeout=30 keepalive=On/);
  assert.match(c, /^ProxyTimeout 30$/m);
  assert.match(c, /^MaxRequestWorkers 50$/m);
  assert.doesNotMatch(c, /RewriteMap/);
  for (const line of c.split('\n').filter((l) => /^(PidFile|ErrorLog|CustomLog|ServerRoot|DefaultRuntimeDir)/.test(l))) {
    assert.match(line, /\/tmp\/x/, line);
  }
  assert.doesNotMatch(c, /\/etc\/|\/var\//);
});

test('escape map with NE, ProxyPass, no keep-alive, User/Group when root', () => {
  const fixed = renderApacheConfig({ ...base, escapeFix: true, noEscape: true });
  assert.match(fixed, /^RewriteMap escape int:escape$/m);
  assert.match(fixed, /^RewriteRule \^\(\.\*\)\$ http:\/\/127\.0\.0\.1:8080\$\{escape:\$1\} \[P,NE\]$/m);
  const pp = renderApacheConfig({ ...base, style: 'proxypass', keepalive: false, user: 'nobody', group: 'nogroup' });
  assert.match(pp, /^ProxyPass \/ http:\/\/127\.0\.0\.1:8080\/ timeout=30 disablereuse=On$/m);
  assert.doesNotMatch(pp, /RewriteRule/);
  assert.match(pp, /^User nobody$/m);
  assert.match(pp, /^Group nogroup$/m);
});
