// A real nginx in front of a real node:http server: 200s pass, a handler slower than
// proxy_read_timeout gives 504 and an "upstream timed out" line, a server that hangs up
// mid-response gives 502 and a premature close; stop() leaves no nginx behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { findNginx, startNginxProxy, type NginxProxy } from '../../src/proxy/nginx.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';

const HAVE_NGINX = findNginx() !== undefined;
let upstream: http.Server;
let upstreamUrl: string;
const started: NginxProxy[] = [];

before(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/slow') {
      const t = setTimeout(() => res.end('late'), 2500);
      t.unref();
      res.on('close', () => clearTimeout(t));
    } else if (req.url === '/hangup') {
      req.socket.destroy();
    } else if (req.url === '/midway') {
      // Header and part of the body, then the connection drops: too late for a 502.
      res.writeHead(200, { 'content-length': '100000' });
      res.write('x'.repeat(1000), () => setTimeout(() => req.socket.destroy(), 20));
    } else {
      res.end('ok');
    }
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

after(async () => {
  for (const p of started) await p.stop();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

/** Running, and not a zombie waiting for a reaper (an orphan's reaper may be slow in containers). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** One request on its own connection (no agent pool that would outlive the test). */
function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      // A truncated body ends in 'error'/'close' rather than 'end'.
      res.on('error', reject);
      res.on('close', () => { if (!res.complete) reject(new Error(`truncated response (status ${res.statusCode})`)); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

test('200 through the proxy, 504 past proxy_read_timeout, 502 on a hang-up; the log says why', { skip: !HAVE_NGINX && 'nginx not installed' }, async () => {
  const proxy = await startNginxProxy({ upstreamUrl, readTimeoutS: 1 });
  started.push(proxy);
  assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(alive(proxy.pid));
  assert.equal(await status(`${proxy.url}/`), 200);
  const t0 = Date.now();
  assert.equal(await status(`${proxy.url}/slow`), 504);
  const waitedMs = Date.now() - t0;
  assert.ok(waitedMs >= 900 && waitedMs < 2400, `504 after ${waitedMs} ms, near the 1 s timeout`);
  assert.equal(await status(`${proxy.url}/hangup`), 502);
  const before = await proxy.readErrorLog();
  assert.ok(before.premature_closes + before.upstream_resets >= 1, before.lines.join('\n'));
  // Closing mid-body: nginx already passed on the 200; the client gets a short body, the log a close.
  await status(`${proxy.url}/midway`).catch(() => 0);
  const log = await proxy.readErrorLog();
  assert.equal(log.upstream_timeouts, 1, log.lines.join('\n'));
  assert.ok(log.premature_closes > before.premature_closes, log.lines.join('\n'));
  assert.ok(log.lines.some((l) => /upstream prematurely closed connection while reading upstream/.test(l)), log.lines.join('\n'));
  assert.ok(log.lines.some((l) => /upstream timed out \(110: Connection timed out\) while reading response header from upstream/.test(l)));

  const { pid, dir } = proxy;
  await proxy.stop();
  assert.equal(alive(pid), false, 'nginx master gone');
  assert.equal(existsSync(dir), false, 'temp dir removed');
  // Its log stays readable after stop, as it was at stop.
  assert.equal((await proxy.readErrorLog()).upstream_timeouts, 1);
  await proxy.stop(); // idempotent
});

test('no keepalive, no buffering: still proxies; stop() kills the workers too', { skip: !HAVE_NGINX && 'nginx not installed' }, async () => {
  const proxy = await startNginxProxy({ upstreamUrl, keepalive: false, buffering: false, readTimeoutS: 5 });
  started.push(proxy);
  assert.equal(await status(`${proxy.url}/`), 200);
  const workers = readFileSync(`/proc/${proxy.pid}/task/${proxy.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  assert.ok(workers.length >= 1);
  await proxy.stop();
  for (const w of [proxy.pid, ...workers]) assert.equal(alive(w), false, `pid ${w} gone`);
});

test('refuses a non-loopback upstream (exit 2) and reports a missing nginx (exit 7, with the apt hint)', async () => {
  await assert.rejects(startNginxProxy({ upstreamUrl: 'http://10.1.2.3:80' }), (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE);
  await assert.rejects(startNginxProxy({ upstreamUrl: 'not a url' }), (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE);
  await assert.rejects(
    startNginxProxy({ upstreamUrl, nginxPath: '/nonexistent/sbin/nginx' }),
    (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.MISSING_DEPENDENCY && e.hint === 'apt-get install nginx-light',
  );
  assert.equal(findNginx('/nonexistent', []), undefined);
});

test('a process that exits without stop() still takes its nginx down', { skip: !HAVE_NGINX && 'nginx not installed' }, async () => {
  const { spawnSync } = await import('node:child_process');
  const modUrl = new URL('../../src/proxy/nginx.js', import.meta.url).href;
  const script = `const { startNginxProxy } = await import(${JSON.stringify(modUrl)});
const p = await startNginxProxy({ upstreamUrl: ${JSON.stringify(upstreamUrl)} });
console.log(JSON.stringify({ pid: p.pid, dir: p.dir }));
process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.status, 0, r.stderr);
  const { pid, dir } = JSON.parse(r.stdout.trim()) as { pid: number; dir: string };
  const deadline = Date.now() + 3000;
  while (alive(pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 25));
  assert.equal(alive(pid), false, `nginx ${pid} outlived its parent`);
  assert.equal(existsSync(dir), false);
});
