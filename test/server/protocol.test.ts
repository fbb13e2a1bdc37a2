// Hostile and unusual bytes on one connection: pipelined requests before a parse error, junk
// after a close, timeouts after answers from the acceptor, cheroot's head checks. Whatever
// comes in, every worker slot comes back, responses leave in request order, and nothing follows
// a response that closes the connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnBundledServer, type BundledServer } from '../helpers/bundled-server.js';
import { fdCount, getStats, httpGet, waitFor, waitForStats } from './http-util.js';
import { rawSteps } from './raw-client.js';

let server: BundledServer;
let baselineFds = 0;

const H = 'Host: x\r\n';
const GET = (path = '/', extra = '') => `GET ${path} HTTP/1.1\r\n${H}${extra}\r\n`;

before(async () => {
  server = await spawnBundledServer({ thread_pool: 2, socket_timeout: 1, max_request_header_size: 2000, max_request_body_size: 1000 });
  assert.equal((await httpGet(`${server.url}/`)).status, 200);
  await waitForStats(server.url, (s) => s.connections.open <= 1);
  baselineFds = fdCount(server.pid);
});
after(async () => {
  await server?.stop();
});

/** Nothing held, nothing queued, fds back, and a fresh request answered promptly. */
async function assertNothingHeld(): Promise<any> {
  const stats = await waitForStats(server.url, (s) => s.threads.busy === 0 && s.requests.in_flight === 0 && s.queue.depth === 0, 4000);
  await waitFor(() => fdCount(server.pid) <= baselineFds, 4000, `fd count back to ${baselineFds} (now ${fdCount(server.pid)})`);
  const t0 = performance.now();
  assert.equal((await httpGet(`${server.url}/work?io_ms=1`)).status, 200);
  assert.ok(performance.now() - t0 < 1500, `a fresh request took ${(performance.now() - t0).toFixed(0)} ms`);
  return stats;
}

const PARSE_ERRORS: { name: string; tail: string; status: number }[] = [
  { name: 'a bad request line', tail: 'BAD\r\n\r\n', status: 400 },
  { name: 'Content-Length with Transfer-Encoding', tail: `POST /upload HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, status: 400 },
  { name: 'an oversized header', tail: `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(3000)}\r\n\r\n`, status: 413 },
];

for (const c of PARSE_ERRORS) {
  test(`two pipelined requests then ${c.name}: 200, 200, ${c.status} in order, and no slot is kept`, async () => {
    // Twice on a pool of 2: one leaked slot per connection would leave none.
    for (let round = 0; round < 2; round++) {
      const r = await rawSteps(server.url, [{ data: GET() + GET() + c.tail }], { waitMs: 1500 });
      assert.deepEqual(r.responses.map((x) => x.status), [200, 200, c.status], r.raw.toString('latin1').slice(0, 400));
      assert.equal(r.garbage, '', 'nothing but whole responses');
      assert.ok(r.closed, 'closed after the error answer');
    }
    await assertNothingHeld();
  });
}

test('junk after a Connection: close request: its response and nothing else, no slot kept', async () => {
  const before = (await getStats(server.url)).requests.bad_request_400;
  for (let round = 0; round < 2; round++) {
    const r = await rawSteps(server.url, [{ data: GET() + GET('/', 'Connection: close\r\n') + 'JUNK\r\n\r\n' + GET() }], { waitMs: 1500 });
    assert.deepEqual(r.responses.map((x) => x.status), [200, 200], r.raw.toString('latin1').slice(0, 400));
    assert.equal(r.garbage, '');
    assert.ok(r.closed);
  }
  const stats = await assertNothingHeld();
  assert.equal(stats.requests.bad_request_400, before, 'bytes after a close are never read, so never refused');
});

test('a /stream pipelined behind another request, then a parse error: no worker left writing', async () => {
  const r = await rawSteps(server.url, [{ data: GET('/work?io_ms=50') + GET('/stream?chunks=3&chunk_kb=1&delay_ms=5') + 'BAD\r\n\r\n' }], { waitMs: 1500 });
  assert.deepEqual(r.responses.map((x) => x.status), [200, 200, 400]);
  assert.equal(r.responses[1].body.length, 3 * 1024);
  const stats = await assertNothingHeld();
  assert.ok(stats.workers.every((w: any) => w.state === 'idle'), JSON.stringify(stats.workers));
});

test('a client that disconnects with requests pipelined behind a slow one frees everything', async () => {
  const r = rawSteps(server.url, [{ data: GET('/work?io_ms=300') + GET('/stream?chunks=50&delay_ms=20') + GET() }], { waitMs: 100 });
  await r;
  await assertNothingHeld();
});

test('no 408 on an idle keep-alive connection whose last answer came from the acceptor', async () => {
  const before = await getStats(server.url);
  for (const path of ['/healthz', '/_cpdiag/stats', '/work?io_ms=soon']) {
    const r = await rawSteps(server.url, [{ data: GET(path) }], { waitMs: 2500 });
    assert.equal(r.responses.length, 1, `${path}: ${r.raw.toString('latin1').slice(0, 300)}`);
    assert.ok(r.closed, `${path}: closed after socket_timeout`);
  }
  const after = await getStats(server.url);
  assert.equal(after.requests.timeout_408, before.requests.timeout_408, 'no 408 counted');
  assert.ok(after.requests.timeout_closes >= before.requests.timeout_closes + 3, 'counted as idle expiry');
});

test('an idle keep-alive connection expires at socket_timeout, not a second later', async () => {
  const r = await rawSteps(server.url, [{ data: GET() }], { waitMs: 3000, expectResponses: undefined });
  assert.equal(r.responses.length, 1);
  assert.ok(r.closeMs !== undefined && r.closeMs >= 850 && r.closeMs < 1600, `closed ${r.closeMs?.toFixed(0)} ms after the request (socket_timeout 1 s)`);
});

test('absolute-form targets are routed by their path', async () => {
  const r = await rawSteps(server.url, [{ data: `GET http://h/healthz HTTP/1.1\r\n${H}\r\nGET http://h:8080/work?io_ms=1 HTTP/1.1\r\n${H}\r\n` }], { expectResponses: 2 });
  assert.deepEqual(r.responses.map((x) => x.status), [200, 200]);
  assert.equal(r.responses[1].body.toString(), 'ok\n');
});

test('Expect: 100-continue with a Content-Length over the limit: 413 and no 100', async () => {
  const r = await rawSteps(server.url, [{ data: `POST /upload HTTP/1.1\r\n${H}Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n` }]);
  assert.deepEqual(r.responses.map((x) => x.status), [413]);
  assert.ok(r.closed);
  const ok = await rawSteps(server.url, [{ data: `POST /upload HTTP/1.1\r\n${H}Content-Length: 3\r\nExpect: 100-continue\r\n\r\n` }, { data: 'abc', delayMs: 200 }], { expectResponses: 1 });
  assert.deepEqual(ok.responses.map((x) => x.status), [100, 200]);
  await assertNothingHeld();
});

test('acceptor routes honour max_request_body_size', async () => {
  const before = (await getStats(server.url)).requests.too_large_413;
  for (const path of ['/healthz', '/_cpdiag/stats', '/readyz']) {
    const r = await rawSteps(server.url, [{ data: `POST ${path} HTTP/1.1\r\n${H}Content-Length: 5000\r\n\r\n` }]);
    assert.deepEqual(r.responses.map((x) => x.status), [413], path);
    assert.match(r.responses[0].headers.connection ?? '', /close/i);
    assert.ok(r.closed);
  }
  assert.equal((await getStats(server.url)).requests.too_large_413, before + 3);
});

test('CONNECT and a missing Host are answered and counted', async () => {
  const before = await getStats(server.url);
  const connect = await rawSteps(server.url, [{ data: `CONNECT h:443 HTTP/1.1\r\n${H}\r\n` }]);
  assert.deepEqual(connect.responses.map((x) => x.status), [404]);
  assert.ok(connect.closed);
  const noHost = await rawSteps(server.url, [{ data: 'GET / HTTP/1.1\r\n\r\n' }], { expectResponses: 1 });
  assert.deepEqual(noHost.responses.map((x) => x.status), [400]);
  assert.match(noHost.responses[0].body.toString(), /requires a 'Host'/);
  assert.equal(noHost.closed, false, 'CherryPy keeps the connection after this 400');
  const after = await getStats(server.url);
  assert.equal(after.requests.accepted, before.requests.accepted + 1, 'CONNECT reached the application, as in CherryPy');
  assert.equal(after.requests.bad_request_400, before.requests.bad_request_400 + 1, 'missing Host counted');
  await assertNothingHeld();
});

test('two Content-Length headers are refused for what they are', async () => {
  for (const lengths of [[3, 3], [3, 5]]) {
    const r = await rawSteps(server.url, [{ data: `POST /upload HTTP/1.1\r\n${H}Content-Length: ${lengths[0]}\r\nContent-Length: ${lengths[1]}\r\n\r\nabcde` }]);
    assert.deepEqual(r.responses.map((x) => x.status), [400]);
    assert.equal(r.responses[0].body.toString(), 'Multiple Content-Length headers.');
  }
  const clte = await rawSteps(server.url, [{ data: `POST /upload HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n` }]);
  assert.equal(clte.responses[0]?.body.toString(), 'Content-Length and Transfer-Encoding together.');
});

test('nothing follows a response that closes the connection', async () => {
  // 413 closes: the pipelined request behind it is never read, let alone answered.
  const r = await rawSteps(server.url, [{ data: `POST /upload HTTP/1.1\r\n${H}Content-Length: 5000\r\n\r\n` + GET() + 'BAD\r\n\r\n' }]);
  assert.deepEqual(r.responses.map((x) => x.status), [413]);
  assert.equal(r.garbage, '');
  assert.ok(r.closed);
  await assertNothingHeld();
});

test('a flood of pipelined requests is served in order, one at a time', async () => {
  const n = 400;
  let data = '';
  for (let i = 0; i < n; i++) data += GET(`/work?bytes=${1 + (i % 7)}`);
  const r = await rawSteps(server.url, [{ data }], { waitMs: 8000, expectResponses: n });
  assert.equal(r.responses.length, n, `${r.responses.length} responses`);
  assert.deepEqual(r.responses.map((x) => x.body.length), Array.from({ length: n }, (_, i) => 1 + (i % 7)), 'in request order');
  await assertNothingHeld();
});
