// The static location through each real proxy: the mix's /static/ paths are answered by nginx
// (location + root) and Apache (Alias, with ProxyPass and with RewriteRule [P]) from the files
// cpdiag writes, the rest reaches the backend; a backend that records what it receives tells.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findApache, startApacheProxy } from '../../src/proxy/apache.js';
import { findNginx, startNginxProxy } from '../../src/proxy/nginx.js';
import { DEFAULT_STATIC_BYTES, staticFileFor } from '../../src/proxy/static-files.js';

let backend: http.Server;
let backendUrl: string;
const seen: string[] = [];
const staticFiles = { prefix: '/static/', paths: ['/static/app.css?bytes=100&io_ms=2', '/static/js/app.js', '/work?io_ms=1'] };

before(async () => {
  backend = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('from the backend');
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => backend.close(() => r())));

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

test('static file names and sizes from the mix; nothing outside the prefix or climbing out', () => {
  assert.deepEqual(staticFileFor('/static/', '/static/app.css?bytes=100'), { relative: 'static/app.css', bytes: 100 });
  assert.deepEqual(staticFileFor('/static/', '/static/js/app.js'), { relative: 'static/js/app.js', bytes: DEFAULT_STATIC_BYTES });
  assert.equal(staticFileFor('/static/', '/work?io_ms=1'), undefined);
  assert.equal(staticFileFor('/static/', '/static/../etc/passwd'), undefined);
  assert.equal(staticFileFor('/static/', '/static/'), undefined);
});

const fronts = [
  ['nginx', findNginx() === undefined && 'nginx not installed', (u: string) => startNginxProxy({ upstreamUrl: u, staticFiles })],
  ['Apache ProxyPass', findApache() === undefined && 'apache2 not installed', (u: string) => startApacheProxy({ upstreamUrl: u, style: 'proxypass', staticFiles })],
  ['Apache RewriteRule [P]', findApache() === undefined && 'apache2 not installed', (u: string) => startApacheProxy({ upstreamUrl: u, style: 'rewrite', staticFiles })],
] as const;

for (const [name, skip, start] of fronts) {
  test(`${name} serves /static/ itself and forwards the rest`, { skip }, async () => {
    const proxy = await start(backendUrl);
    try {
      seen.length = 0;
      const css = await get(`${proxy.url}/static/app.css?bytes=100&io_ms=2`);
      assert.equal(css.status, 200);
      assert.equal(css.body, 'x'.repeat(100));
      const js = await get(`${proxy.url}/static/js/app.js`);
      assert.equal(js.status, 200);
      assert.equal(js.body.length, DEFAULT_STATIC_BYTES);
      const work = await get(`${proxy.url}/work?io_ms=1`);
      assert.equal(work.body, 'from the backend');
      assert.deepEqual(seen, ['/work?io_ms=1'], 'only the non-static request reached the backend');
    } finally {
      await proxy.stop();
    }
  });
}
