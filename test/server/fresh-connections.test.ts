// cheroot 9 (Debian's) hands every accepted connection to a worker at once: the worker blocks
// reading the first request until it comes or socket_timeout passes. Two silent connections on
// a pool of 2 therefore stall a third request for socket_timeout (4.7 s measured against real
// CherryPy 18.8 with socket_timeout 5). The bundled server must do the same; an idle keep-alive
// connection after a response still holds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Agent } from 'node:http';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { getStats, httpGet, waitForStats } from './http-util.js';
import { startCherryPyExample } from './cherrypy-example.js';

const SOCKET_TIMEOUT_S = 2;

function silentConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Opens two silent connections, then times a plain request. */
async function stallMs(url: string): Promise<number> {
  const silent = [await silentConnection(url), await silentConnection(url)];
  try {
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const r = await httpGet(`${url}/`);
    assert.equal(r.status, 200);
    return performance.now() - t0;
  } finally {
    for (const s of silent) s.destroy();
  }
}

test('two silent connections on a pool of 2 stall a third request until socket_timeout (bundled)', async () => {
  const server = await spawnBundledServer({ thread_pool: 2, socket_timeout: SOCKET_TIMEOUT_S });
  try {
    const pending = Promise.all([silentConnection(server.url), silentConnection(server.url)]);
    const silent = await pending;
    const held = await waitForStats(server.url, (s) => s.threads.busy === 2);
    assert.deepEqual(held.threads.by_state, { reading: 2 }, 'both workers blocked reading a first request');
    for (const s of silent) s.destroy();
    await waitForStats(server.url, (s) => s.threads.busy === 0);

    const ms = await stallMs(server.url);
    assert.ok(ms >= (SOCKET_TIMEOUT_S - 0.5) * 1000 && ms < (SOCKET_TIMEOUT_S + 2) * 1000, `third request answered after ${ms.toFixed(0)} ms`);
    const stats = await getStats(server.url);
    assert.ok(stats.requests.timeout_408 >= 1, 'the silent connections got 408');

    // After a response, an idle keep-alive connection holds no worker.
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      await Promise.all([httpGet(`${server.url}/`, agent), httpGet(`${server.url}/`, agent)]);
      await waitForStats(server.url, (s) => s.threads.busy === 0 && s.connections.open >= 2);
      const t0 = performance.now();
      assert.equal((await httpGet(`${server.url}/work?io_ms=1`)).status, 200);
      assert.ok(performance.now() - t0 < 1000, 'idle keep-alive connections hold no worker');
    } finally {
      agent.destroy();
    }
  } finally {
    await server.stop();
  }
});

test('the same stall against real CherryPy (the reference for the test above)', async (t) => {
  // Must run where CI runs: a missing CherryPy fails here, it is not skipped.
  const cherrypy = await startCherryPyExample({ threadPool: 2, socketTimeoutS: SOCKET_TIMEOUT_S });
  try {
    const ms = await stallMs(cherrypy.url);
    t.diagnostic(`CherryPy ${cherrypy.versions.cherrypy} / cheroot ${cherrypy.versions.cheroot}: third request after ${ms.toFixed(0)} ms`);
    assert.ok(ms >= (SOCKET_TIMEOUT_S - 0.5) * 1000 && ms < (SOCKET_TIMEOUT_S + 2) * 1000, `third request answered after ${ms.toFixed(0)} ms`);
  } finally {
    await cherrypy.stop();
  }
});
