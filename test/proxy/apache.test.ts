// A real Apache (apache2, mod_rewrite + mod_proxy_http) in front of a raw TCP backend that records
// the request line it receives and, like cheroot, answers 400 to a line with a raw space in the
// path. Through RewriteRule [P] "/a%20b" arrives as "/a b" (the bug of "CherryPy behind Apache
// with mod_rewrite"); with the RewriteMap escape fix, and with ProxyPass, it arrives escaped.
// A closed backend port gives 502/503 and "connection refused" in the error log; stop() leaves
// no apache2 and no directory behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { findApache, startApacheProxy, type ApacheProxy } from '../../src/proxy/apache.js';

const HAVE_APACHE = findApache() !== undefined;
const SKIP = !HAVE_APACHE && 'apache2 not installed (apt-get install apache2)';
if (SKIP) console.log(`# skipping the Apache tests: ${SKIP}`);
let backend: net.Server;
let backendUrl: string;
const requestLines: string[] = [];
const started: ApacheProxy[] = [];

before(async () => {
  backend = net.createServer((sock) => {
    let buf = '';
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const line = head.split('\r\n')[0]!;
        requestLines.push(line);
        const ok = line.split(' ').length === 3;
        const body = ok ? 'ok' : 'Malformed Request-Line';
        sock.write(`HTTP/1.1 ${ok ? '200 OK' : '400 Bad Request'}\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

after(async () => {
  for (const p of started) await p.stop();
  await new Promise((r) => backend.close(r));
});

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

/** One request on its own connection; the path is sent exactly as given (node does not re-encode). */
function status(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function start(opts: Parameters<typeof startApacheProxy>[0]): Promise<ApacheProxy> {
  const p = await startApacheProxy(opts);
  started.push(p);
  return p;
}

test('RewriteRule [P,NE] unescapes %20: refused (Apache >= 2.4.56, 403 AH10415) or a raw space at the backend (400); the logs name the path', { skip: SKIP }, async () => {
  const proxy = await start({ upstreamUrl: backendUrl, style: 'rewrite', noEscape: true, timeoutS: 5 });
  assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(proxy.version, /^\d+\.\d+\.\d+$/);
  assert.ok(alive(proxy.pid));
  requestLines.length = 0;
  assert.equal(await status(proxy.url, '/plain?io_ms=1'), 200);
  const code = await status(proxy.url, '/work%20x?io_ms=1');
  await proxy.stop();
  const { access, error } = await proxy.readLogs();
  if (newerThan2456(proxy.version)) {
    assert.equal(code, 403);
    assert.ok(!requestLines.some((l) => l.includes('work')), `backend saw: ${JSON.stringify(requestLines)}`);
    assert.equal(error.unescaped_refused, 1, error.lines.join(' | '));
  } else {
    assert.equal(code, 400);
    assert.ok(requestLines.includes('GET /work x?io_ms=1 HTTP/1.1'), `backend saw: ${JSON.stringify(requestLines)}`);
  }
  assert.equal(access.by_status['200'], 1);
  assert.equal(access.escaped_rejected, 1);
  assert.deepEqual(access.paths_rejected, [{ path: '/work%20x?io_ms=1', count: 1 }]);
  assert.ok(!alive(proxy.pid), 'apache2 still running after stop()');
  assert.ok(!existsSync(proxy.dir), 'private directory left behind');
});

function newerThan2456(version: string): boolean {
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
  return a > 2 || (a === 2 && (b > 4 || (b === 4 && c >= 56)));
}

test('the escape fix with [P,NE], and ProxyPass, forward %20 still encoded: 200', { skip: SKIP }, async () => {
  for (const opts of [{ style: 'rewrite' as const, escapeFix: true, noEscape: true }, { style: 'proxypass' as const }]) {
    const proxy = await start({ upstreamUrl: backendUrl, timeoutS: 5, ...opts });
    requestLines.length = 0;
    assert.equal(await status(proxy.url, '/work%20x?io_ms=1'), 200, JSON.stringify(opts));
    assert.deepEqual(requestLines, ['GET /work%20x?io_ms=1 HTTP/1.1'], JSON.stringify(opts));
    await proxy.stop();
    assert.equal((await proxy.readLogs()).access.escaped_rejected, 0);
  }
});

test('plain [P] on Apache >= 2.4.56: mod_proxy re-escapes, so the account\'s escape map escapes twice (%2520)', { skip: SKIP }, async () => {
  const plain = await start({ upstreamUrl: backendUrl, style: 'rewrite', timeoutS: 5 });
  requestLines.length = 0;
  assert.equal(await status(plain.url, '/work%20x?io_ms=1'), 200);
  await plain.stop();
  const seen = requestLines.slice();
  if (!newerThan2456(plain.version)) {
    console.log(`# Apache ${plain.version}: older than 2.4.56, [P] forwards the raw space`);
    return;
  }
  assert.deepEqual(seen, ['GET /work%20x?io_ms=1 HTTP/1.1']);
  const fixed = await start({ upstreamUrl: backendUrl, style: 'rewrite', escapeFix: true, timeoutS: 5 });
  requestLines.length = 0;
  assert.equal(await status(fixed.url, '/work%20x?io_ms=1'), 200);
  await fixed.stop();
  assert.deepEqual(requestLines, ['GET /work%2520x?io_ms=1 HTTP/1.1']);
});

test('a closed backend port: Apache answers 502/503 and its error log says connection refused', { skip: SKIP }, async () => {
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const proxy = await start({ upstreamUrl: `http://127.0.0.1:${port}`, style: 'proxypass', timeoutS: 5 });
  const code = await status(proxy.url, '/');
  assert.ok(code === 502 || code === 503, `status ${code}`);
  await proxy.stop();
  const { error } = await proxy.readLogs();
  assert.ok(error.connection_refused >= 1, `error log: ${error.lines.join(' | ')}`);
});
