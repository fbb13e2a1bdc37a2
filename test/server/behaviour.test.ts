// The reference server behaves as cheroot: who holds a worker, queueing, limits, the GIL,
// leaks that really leak, and draining on SIGTERM. Real processes, sockets and /proc.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnBundledServer, type BundledServer } from '../helpers/bundled-server.js';
import { fdCount, getStats, httpGet, openSocket, procStatus, rawExchange, sleep, waitFor, waitForStats } from './http-util.js';

let server: BundledServer;

before(async () => {
  server = await spawnBundledServer({ thread_pool: 2, socket_timeout: 5, max_request_body_size: 1000 });
});
after(async () => {
  await server?.stop();
});

test('a slow upload holds a worker; an idle keep-alive connection holds none', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let upload: Awaited<ReturnType<typeof openSocket>> | undefined;
  try {
    // An idle keep-alive connection after one request.
    assert.equal((await httpGet(`${server.url}/`, agent)).status, 200);
    await waitForStats(server.url, (s) => s.threads.busy === 0);
    // Connected only now: a fresh connection holds a worker from accept on (cheroot 9), so it
    // would have made the pool look busy above.
    upload = await openSocket(server.url);
    // The upload's head and part of its body: the worker waits for the rest.
    upload.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    const during = await waitForStats(server.url, (s) => s.threads.busy === 1 && s.workers.some((w: any) => w.busy && w.state === 'reading'));
    assert.equal(during.threads.idle, 1);
    assert.ok(during.connections.open >= 2);
    await sleep(150);
    assert.equal((await getStats(server.url)).threads.busy, 1, 'still held while the body trickles');
    const reply = new Promise<string>((resolve) => {
      let text = '';
      upload!.on('data', (b) => {
        text += b;
        if (text.includes('}')) resolve(text);
      });
    });
    upload.write('x'.repeat(90));
    assert.match(await reply, /HTTP\/1\.1 200 OK[\s\S]*\{"bytes":100\}/);
    await waitForStats(server.url, (s) => s.threads.busy === 0);
  } finally {
    upload?.destroy();
    agent.destroy();
  }
});

test('requests beyond the pool wait in the accepted queue', async () => {
  const requests = Array.from({ length: 5 }, () => httpGet(`${server.url}/work?io_ms=400`));
  const peak = await waitForStats(server.url, (s) => s.threads.busy === 2 && s.queue.depth === 3);
  assert.equal(peak.requests.in_flight, 5);
  assert.equal(peak.cheroot.Queue, 3);
  assert.equal(peak.cheroot['Threads Idle'], 0);
  const responses = await Promise.all(requests);
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200, 200]);
  const stats = await waitForStats(server.url, (s) => s.queue.depth === 0 && s.threads.busy === 0);
  assert.ok(stats.queue.max >= 3);
});

test('a body over max_request_body_size gets 413 and Connection: close', async () => {
  const before = (await getStats(server.url)).requests.too_large_413;
  const declared = await rawExchange(server.url, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n');
  assert.match(declared.text, /^HTTP\/1\.1 413 /);
  assert.match(declared.text, /Connection: close/i);
  assert.ok(declared.closed, 'connection closed');
  // Chunked, so the size is only known as it streams.
  const chunk = 'a'.repeat(800);
  const chunked = await rawExchange(server.url, `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n${chunk}\r\n320\r\n${chunk}\r\n0\r\n\r\n`);
  assert.match(chunked.text, /^HTTP\/1\.1 413 /);
  assert.ok(chunked.closed);
  const stats = await waitForStats(server.url, (s) => s.threads.busy === 0);
  assert.equal(stats.requests.too_large_413, before + 2);
});

test('a raw space in the request line gets 400 Malformed Request-Line', async () => {
  const r = await rawExchange(server.url, 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(r.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(r.text, /Malformed Request-Line/);
  assert.ok(r.closed);
  assert.ok((await getStats(server.url)).requests.bad_request_400 >= 1);
});

test('the leak endpoints leak fds, memory and threads of the server process', async () => {
  const pid = server.pid;
  const fds0 = fdCount(pid);
  const status0 = procStatus(pid);
  for (let i = 0; i < 20; i++) assert.equal((await httpGet(`${server.url}/leak/fd`)).status, 200);
  await Promise.all(Array.from({ length: 16 }, () => httpGet(`${server.url}/leak/memory?kb=2048`)));
  for (let i = 0; i < 4; i++) assert.equal((await httpGet(`${server.url}/leak/thread`)).status, 200);
  await waitFor(() => procStatus(pid).threads >= status0.threads + 4, 5000, 'leaked threads to start');
  const status1 = procStatus(pid);
  assert.ok(fdCount(pid) >= fds0 + 20, `fds ${fds0} → ${fdCount(pid)}`);
  assert.ok(status1.rssBytes >= status0.rssBytes + 24 * 1024 * 1024, `rss ${status0.rssBytes} → ${status1.rssBytes}`);
  const stats = await getStats(server.url);
  assert.equal(stats.leaks.fds, 20);
  assert.equal(stats.leaks.memory_bytes, 16 * 2048 * 1024);
  assert.equal(stats.leaks.threads, 4);
  // The leaked threads must stay alive (a thread that starts and dies at once leaks nothing).
  // A tiny-heap thread names itself only once node has booted in it, which a loaded 2-core
  // machine can delay past a fixed 300 ms: wait for the names, then check they stay.
  const leakNamed = () => readdirSync(`/proc/${pid}/task`).filter((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('cpdiag-leak');
    } catch {
      return false;
    }
  }).length;
  await waitFor(() => leakNamed() >= 4, 10_000, 'four cpdiag-leak-N threads to name themselves');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(leakNamed(), 4, 'four cpdiag-leak-N threads alive');
});

async function timeTwoCpuRequests(url: string): Promise<number> {
  const t0 = performance.now();
  await Promise.all([httpGet(`${url}/work?cpu_ms=50`), httpGet(`${url}/work?cpu_ms=50`)]);
  return performance.now() - t0;
}

test('the GIL serializes CPU work: two 50 ms requests take ~100 ms with it, ~50 ms without', async (t) => {
  const [withGil, withoutGil] = await Promise.all([
    spawnBundledServer({ thread_pool: 2, gil: true }),
    spawnBundledServer({ thread_pool: 2, gil: false }),
  ]);
  try {
    // Best of three each: other work on this 2-core machine can only make a run slower.
    const on: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < 4; i++) {
      on.push(await timeTwoCpuRequests(withGil.url));
      off.push(await timeTwoCpuRequests(withoutGil.url));
    }
    const bestOn = Math.min(...on);
    const bestOff = Math.min(...off);
    t.diagnostic(`gil on ${on.map(Math.round)} ms, gil off ${off.map(Math.round)} ms, load ${loadavg()[0].toFixed(1)}`);
    // Serialized, 100 ms of CPU cannot take less than ~100 ms of wall time, however idle the box.
    assert.ok(bestOn >= 95, `gil on: two 50 ms CPU requests took ${bestOn.toFixed(0)} ms (${on.map(Math.round)})`);
    // Whether the two threads really overlap, whatever other load there is.
    const statsOn = await getStats(withGil.url);
    const statsOff = await getStats(withoutGil.url);
    assert.equal(statsOn.gil.max_concurrent_cpu, 1, 'gil on: never two threads on CPU work at once');
    assert.equal(statsOff.gil.max_concurrent_cpu, 2, 'gil off: both threads burned CPU at once');
    assert.ok(statsOn.gil.switches > 0, 'the holder gave the GIL up at switch intervals');
    // Wall time without the GIL needs two free cores, which other engineers' load tests on this
    // 2-core machine may take: strict only when the machine is quiet.
    if (loadavg()[0] < 1.5) {
      assert.ok(bestOff < 90, `gil off: two 50 ms CPU requests took ${bestOff.toFixed(0)} ms (${off.map(Math.round)})`);
    } else {
      t.diagnostic('machine loaded: gil-off wall time not asserted (max_concurrent_cpu above proves the overlap)');
    }
  } finally {
    await Promise.all([withGil.stop(), withoutGil.stop()]);
  }
});

test('SIGTERM drains: in-flight work finishes, new work is refused, exit 0', async () => {
  const s = await spawnBundledServer({ thread_pool: 2 }, { extraArgs: ['--drain-timeout', '10'] });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal((await httpGet(`${s.url}/readyz`, agent)).status, 200);
    const inFlight = httpGet(`${s.url}/work?io_ms=700`);
    await waitForStats(s.url, (st) => st.threads.busy === 1);
    const exited = once(s.child, 'exit');
    s.child.kill('SIGTERM');
    await sleep(150);
    // On a connection that was already open: /readyz 503, new work 503.
    const ready = await httpGet(`${s.url}/readyz`, agent);
    assert.equal(ready.status, 503);
    await assert.rejects(httpGet(`${s.url}/`), /ECONNREFUSED/, 'no new connections');
    const done = await inFlight;
    assert.equal(done.status, 200, 'in-flight request finished');
    const [code] = await exited;
    assert.equal(code, 0);
  } finally {
    agent.destroy();
    await s.stop();
  }
});

test('a second signal exits at once', async () => {
  const s = await spawnBundledServer({ thread_pool: 1 }, { extraArgs: ['--drain-timeout', '30'] });
  try {
    const pending = httpGet(`${s.url}/work?io_ms=20000`).catch(() => undefined);
    await waitForStats(s.url, (st) => st.threads.busy === 1);
    const exited = once(s.child, 'exit');
    const t0 = performance.now();
    s.child.kill('SIGTERM');
    await sleep(100);
    s.child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 130);
    assert.ok(performance.now() - t0 < 5000, 'exited at once, not after the 30 s drain');
    await pending;
  } finally {
    await s.stop();
  }
});

test('endpoints: sizes, probes, 404, bad parameters, seeded distributions', async () => {
  const sized = await httpGet(`${server.url}/work?bytes=12345`);
  assert.equal(sized.status, 200);
  assert.equal(sized.body.length, 12345);
  assert.equal((await httpGet(`${server.url}/`)).body, 'ok\n');
  assert.equal((await httpGet(`${server.url}/healthz`)).status, 200);
  assert.equal((await httpGet(`${server.url}/readyz`)).status, 200);
  assert.equal((await httpGet(`${server.url}/no/such/page`)).status, 404);
  const bad = await httpGet(`${server.url}/work?io_ms=soon`);
  assert.equal(bad.status, 400);
  assert.match(bad.body, /io_ms=soon/);
  const stream = await httpGet(`${server.url}/stream?chunks=5&chunk_kb=2&delay_ms=1`);
  assert.equal(stream.headers['transfer-encoding'], 'chunked');
  assert.equal(stream.body.length, 5 * 2048);
  const upload = await httpGet(`${server.url}/upload`, undefined, 'POST', 'y'.repeat(777));
  assert.deepEqual(JSON.parse(upload.body), { bytes: 777 });
  // exp draws: mean ~10 ms of I/O, so 20 requests take well under 20 x 60 ms.
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) assert.equal((await httpGet(`${server.url}/work?io_ms=10&dist=exp&seed=3`)).status, 200);
  assert.ok(performance.now() - t0 < 3000, `20 requests took ${(performance.now() - t0).toFixed(0)} ms`);
  const stats = await getStats(server.url);
  assert.ok(stats.requests.bad_params >= 1);
  // cheroot's "Requests" counts what the workers handled: at least the 20 draws above.
  assert.ok(stats.cheroot.Requests >= 20 && stats.cheroot['Work Time'] > 0.1, JSON.stringify(stats.cheroot));
});
