// What /proc shows of the pool (cpdiag inspect relies on it), the bounded accepted queue, and
// a slow reader holding its worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { getStats, httpGet, sleep, waitForStats } from './http-util.js';

function workerTasks(pid: number): Map<number, { comm: string; state: string; syscall: string }> {
  const out = new Map<number, { comm: string; state: string; syscall: string }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      const syscall = readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim();
      out.set(Number(tid), { comm, state, syscall });
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

test('a pool of 64 starts fast, as named OS threads; idle and I/O waits differ in /proc', async (t) => {
  const t0 = performance.now();
  const server = await spawnBundledServer({ thread_pool: 64 });
  const startMs = performance.now() - t0;
  t.diagnostic(`pool 64: spawn to URL line ${startMs.toFixed(0)} ms`);
  try {
    assert.ok(startMs < 20_000, `start took ${startMs.toFixed(0)} ms`);
    const tasks = workerTasks(server.pid);
    const named = [...tasks.values()].filter((x) => /^cpdiag-wk-\d+$/.test(x.comm));
    assert.equal(named.length, 64);
    const stats = await getStats(server.url);
    assert.deepEqual(new Set(stats.workers.map((w: any) => w.tid)), new Set([...tasks.entries()].filter(([, x]) => x.comm.startsWith('cpdiag-wk-')).map(([tid]) => tid)));

    const pending = httpGet(`${server.url}/work?io_ms=1500`);
    const busy = await waitForStats(server.url, (s) => s.workers.some((w: any) => w.state === 'io'));
    const ioTid = busy.workers.find((w: any) => w.state === 'io').tid;
    await sleep(50);
    const now = workerTasks(server.pid);
    const io = now.get(ioTid)!;
    const idle = [...now.entries()].find(([tid, x]) => tid !== ioTid && x.comm.startsWith('cpdiag-wk-'))![1];
    // futex(addr, op, val, timeout): an idle worker waits without a timeout, handler I/O with one.
    const [ioNr, , , , ioTimeout] = io.syscall.split(' ');
    const [idleNr, , , , idleTimeout] = idle.syscall.split(' ');
    assert.equal(io.state, 'S');
    assert.equal(idle.state, 'S');
    assert.equal(ioNr, '202', io.syscall);
    assert.equal(idleNr, '202', idle.syscall);
    assert.equal(idleTimeout, '0x0', `idle: ${idle.syscall}`);
    assert.notEqual(ioTimeout, '0x0', `io: ${io.syscall}`);
    assert.equal((await pending).status, 200);
  } finally {
    await server.stop();
  }
});

test('a full bounded queue makes newcomers wait accepted_queue_timeout, then 503', async () => {
  const server = await spawnBundledServer({ thread_pool: 1, accepted_queue_size: 1, accepted_queue_timeout: 0.3 });
  try {
    const first = httpGet(`${server.url}/work?io_ms=1200`);
    await waitForStats(server.url, (s) => s.threads.busy === 1);
    const second = httpGet(`${server.url}/work?io_ms=10`);
    await waitForStats(server.url, (s) => s.queue.depth === 1);
    const t0 = performance.now();
    const third = await httpGet(`${server.url}/work?io_ms=10`);
    const waitedMs = performance.now() - t0;
    assert.equal(third.status, 503);
    assert.equal(third.headers.connection, 'close');
    assert.ok(waitedMs >= 250 && waitedMs < 2500, `refused after ${waitedMs.toFixed(0)} ms (accepted_queue_timeout 0.3 s)`);
    assert.equal((await first).status, 200);
    assert.equal((await second).status, 200);
    const stats = await getStats(server.url);
    assert.equal(stats.requests.rejected_503, 1);
  } finally {
    await server.stop();
  }
});

test('a slow reader holds its worker while the response streams', async () => {
  const server = await spawnBundledServer({ thread_pool: 2, socket_timeout: 10 });
  try {
    // 8 MiB that the client does not read: the socket buffers fill and the worker waits.
    let received = 0;
    const done = new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/stream?chunks=64&chunk_kb=128&delay_ms=0`, { agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          res.on('data', (b: Buffer) => (received += b.length));
          res.on('end', () => resolve(received));
          res.resume();
        }, 700);
      });
      req.on('error', reject);
      req.end();
    });
    await sleep(400);
    const stats = await getStats(server.url);
    assert.equal(stats.threads.busy, 1, 'the stream still holds its worker');
    assert.equal(stats.workers.find((w: any) => w.busy).state, 'writing');
    assert.equal(await done, 64 * 128 * 1024);
    await waitForStats(server.url, (s) => s.threads.busy === 0);
  } finally {
    await server.stop();
  }
});
