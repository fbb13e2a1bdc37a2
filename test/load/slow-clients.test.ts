// Slow clients beside the main load: a server whose socket timeout is shorter than the client's
// pauses cuts the slow uploader (and the idle keep-alive holder) off, and it is counted.
import { test } from 'node:test';
import net, { type AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { runLoad } from '../../src/load/run-load.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import { basePlan, startBundledServer, startHttpServer } from './servers.js';

function echoLength(): Parameters<typeof startHttpServer>[0] {
  return (req, res) => {
    let n = 0;
    req.on('data', (d: Buffer) => (n += d.length));
    req.on('end', () => res.end(`got ${n}`));
  };
}

test('a slow uploader is cut off by a short socket timeout; a brisk one completes', async () => {
  const srv = await startHttpServer(echoLength(), (s) => {
    s.setTimeout(400); // socket inactivity timeout, like cheroot's socket_timeout
  });
  try {
    const plan: LoadPlan = {
      ...basePlan(srv.url),
      mode: 'closed',
      connections: 1,
      duration_s: 2,
      warmup_s: 0,
      slow_clients: [
        // 1 B/s: one byte a second, a pause longer than the 400 ms timeout.
        { count: 2, spec: { upload_bytes_per_s: 1 }, request: { method: 'POST', path: '/up', body_bytes: 5 } },
        // 2,000 B/s: 200-byte chunks every 100 ms, well within it.
        { count: 1, spec: { upload_bytes_per_s: 2000 }, request: { method: 'POST', path: '/up', body_bytes: 600 } },
      ],
    };
    const r = await runLoad(plan);
    const sc = r.slow_clients!;
    assert.ok(sc.failed >= 2, JSON.stringify(sc));
    const cut = (sc.by_kind.closed ?? 0) + (sc.by_kind.reset ?? 0);
    assert.equal(cut, sc.failed, JSON.stringify(sc));
    assert.ok(sc.completed >= 2, JSON.stringify(sc));
    assert.equal(sc.attempted, sc.completed + sc.failed);
    assert.equal(r.errors.total, 0, 'the main load is unaffected');
  } finally {
    await srv.close();
  }
});

test('an idle keep-alive holder is closed by a short socket timeout; a slow reader completes', async () => {
  // A raw server with cheroot's rule: any socket quiet for 300 ms is closed, idle keep-alive
  // included (node:http adds a 1 s buffer to its keepAliveTimeout, too coarse for this test).
  const server = net.createServer((socket) => {
    socket.setTimeout(300, () => socket.destroy());
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 300\r\nConnection: keep-alive\r\n\r\n' + 'y'.repeat(300));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const r = await runLoad({
      ...basePlan(url),
      mode: 'open',
      rate_rps: 20,
      duration_s: 1.6,
      warmup_s: 0,
      slow_clients: [
        { count: 1, spec: { idle_hold_s: 0.8 }, request: { method: 'GET', path: '/' } },
        { count: 1, spec: { read_bytes_per_s: 1000 }, request: { method: 'GET', path: '/' } },
      ],
    });
    const sc = r.slow_clients!;
    assert.ok((sc.by_kind.closed ?? 0) >= 1, JSON.stringify(sc));
    assert.ok(sc.completed >= 1, JSON.stringify(sc));
    assert.equal(r.errors.total, 0, JSON.stringify(r.errors));
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('against the bundled server with socket_timeout 0.5 s: slow uploaders are cut off, a brisk one completes', async (t) => {
  const srv = await startBundledServer(['--thread-pool', '4', '--socket-timeout', '0.5']);
  try {
    const r = await runLoad({
      ...basePlan(srv.url),
      mode: 'open',
      rate_rps: 20,
      duration_s: 2,
      warmup_s: 0,
      mix: [{ method: 'GET', path: '/work?io_ms=5' }],
      slow_clients: [
        { count: 2, spec: { upload_bytes_per_s: 1 }, request: { method: 'POST', path: '/upload', body_bytes: 5 } },
        { count: 1, spec: { upload_bytes_per_s: 5000 }, request: { method: 'POST', path: '/upload', body_bytes: 1000 } },
      ],
    });
    const sc = r.slow_clients!;
    t.diagnostic(JSON.stringify(sc));
    assert.ok(sc.failed >= 2, JSON.stringify(sc));
    const cutOff = (sc.by_kind.closed ?? 0) + (sc.by_kind.reset ?? 0) + (sc.by_kind.http_408 ?? 0);
    assert.equal(cutOff, sc.failed, JSON.stringify(sc));
    assert.ok(sc.completed >= 2, JSON.stringify(sc));
    assert.equal(r.errors.total, 0, JSON.stringify(r.errors));
  } finally {
    await srv.close();
  }
});
