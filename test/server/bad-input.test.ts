// Every bad input gets what cheroot gives (400, 413, 408, 501 or a close; see docs/server.md),
// is counted, and leaves no worker held and no fd open; the server keeps answering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnBundledServer, type BundledServer } from '../helpers/bundled-server.js';
import { fdCount, getStats, httpGet, openSocket, rawExchange, waitFor, waitForStats } from './http-util.js';

let server: BundledServer;
let baselineFds = 0;

before(async () => {
  server = await spawnBundledServer({ thread_pool: 2, socket_timeout: 1, max_request_header_size: 2000, max_request_body_size: 1000 });
  assert.equal((await httpGet(`${server.url}/`)).status, 200);
  await waitForStats(server.url, (s) => s.connections.open <= 1);
  baselineFds = fdCount(server.pid);
});
after(async () => {
  await server?.stop();
});

/** After a bad input: nothing held, fds back to where they were, and the server answers. */
async function assertRecovered(): Promise<any> {
  const stats = await waitForStats(server.url, (s) => s.threads.busy === 0 && s.queue.depth === 0);
  await waitFor(() => fdCount(server.pid) <= baselineFds, 3000, `fd count back to ${baselineFds} (now ${fdCount(server.pid)})`);
  assert.equal((await httpGet(`${server.url}/work?io_ms=1`)).status, 200);
  return stats;
}

async function counter(name: string): Promise<number> {
  return (await getStats(server.url)).requests[name];
}

const BAD_REQUESTS: { name: string; data: string; status: RegExp; body?: RegExp; counter: string }[] = [
  { name: 'raw space in the request line', data: 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', status: /^HTTP\/1\.1 400 /, body: /Malformed Request-Line/, counter: 'bad_request_400' },
  { name: 'Content-Length with Transfer-Encoding', data: 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', status: /^HTTP\/1\.1 400 /, counter: 'bad_request_400' },
  { name: 'negative Content-Length', data: 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n', status: /^HTTP\/1\.1 400 /, body: /Malformed Content-Length/, counter: 'bad_request_400' },
  { name: 'non-numeric Content-Length', data: 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', status: /^HTTP\/1\.1 400 /, body: /Malformed Content-Length/, counter: 'bad_request_400' },
  { name: 'oversized header', data: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`, status: /^HTTP\/1\.1 413 [\s\S]*Connection: close/, body: /headers sent with the request exceed/, counter: 'header_too_large_431' },
  { name: 'unknown transfer coding', data: 'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', status: /^HTTP\/1\.1 501 /, counter: 'bad_request_400' },
];

for (const c of BAD_REQUESTS) {
  test(`${c.name}: answered as cheroot, counted, nothing left held`, async () => {
    const before = await counter(c.counter);
    const r = await rawExchange(server.url, c.data);
    assert.match(r.text, c.status, r.text.slice(0, 200));
    if (c.body) assert.match(r.text, c.body);
    assert.ok(r.closed, 'connection closed');
    assert.equal(await counter(c.counter), before + 1);
    await assertRecovered();
  });
}

test('a client that connects and sends nothing gets 408 after socket_timeout', async () => {
  const before = await counter('timeout_408');
  const r = await rawExchange(server.url, '', 4000);
  assert.match(r.text, /^HTTP\/1\.1 408 Request Timeout/);
  assert.ok(r.closed);
  assert.ok(r.elapsedMs >= 900 && r.elapsedMs < 3500, `closed after ${r.elapsedMs.toFixed(0)} ms`);
  assert.equal(await counter('timeout_408'), before + 1);
  await assertRecovered();
});

test('a request head cut off midway gets 408 after socket_timeout', async () => {
  const r = await rawExchange(server.url, 'GET /work HTTP/1.1\r\nHos', 4000);
  assert.match(r.text, /^HTTP\/1\.1 408 /);
  assert.ok(r.closed);
  await assertRecovered();
});

test('an idle keep-alive connection is closed silently after socket_timeout', async () => {
  const before = await counter('timeout_closes');
  const r = await rawExchange(server.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 4000);
  assert.match(r.text, /^HTTP\/1\.1 200 OK[\s\S]*ok\n$/, 'one response, then nothing');
  assert.ok(r.closed && r.elapsedMs >= 900, `closed after ${r.elapsedMs.toFixed(0)} ms`);
  assert.equal(await counter('timeout_closes'), before + 1);
  await assertRecovered();
});

test('a body cut off midway: the worker is held until socket_timeout, then the connection closes', async () => {
  const before = await counter('timeout_closes');
  const s = await openSocket(server.url);
  try {
    s.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc');
    await waitForStats(server.url, (st) => st.threads.busy === 1);
    const closed = new Promise<string>((resolve) => {
      let text = '';
      s.on('data', (b) => (text += b));
      s.on('close', () => resolve(text));
    });
    assert.equal(await closed, '', 'closed without a response (as CherryPy 18.8)');
    assert.equal(await counter('timeout_closes'), before + 1);
  } finally {
    s.destroy();
  }
  await assertRecovered();
});

test('a client that disconnects mid-upload frees its worker', async () => {
  const before = await counter('client_disconnects');
  const s = await openSocket(server.url);
  s.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc');
  await waitForStats(server.url, (st) => st.threads.busy === 1);
  s.destroy();
  const stats = await assertRecovered();
  assert.ok(stats.requests.client_disconnects >= before + 1);
});

test('a client that disconnects mid-response frees its worker', async () => {
  const before = await counter('client_disconnects');
  const s = await openSocket(server.url);
  s.write('GET /stream?chunks=200&chunk_kb=1&delay_ms=10 HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise<void>((resolve) => s.once('data', () => resolve()));
  const during = await getStats(server.url);
  assert.equal(during.threads.busy, 1, 'the stream holds its worker');
  s.destroy();
  const stats = await assertRecovered();
  assert.equal(stats.requests.client_disconnects, before + 1);
});

test('the server never crashed and every fd it opened for bad input is closed', async () => {
  const stats = await getStats(server.url);
  assert.equal(stats.threads.total, 2);
  assert.equal(server.child.exitCode, null);
  // The last test's own request may still be closing: wait for it, as assertRecovered does.
  await waitFor(() => fdCount(server.pid) <= baselineFds, 3000, `fd count back to ${baselineFds} (now ${fdCount(server.pid)})`);
});
