// Seeded fuzzing of the bundled server (test/server/http-fuzzer.ts) on a small pool: whatever
// bytes come in, once the clients are gone every slot is free, nothing is queued or in flight,
// the process has the fds and threads it started with, and a normal request is answered at once.
// CPDIAG_FUZZ_SECONDS (default 20) and CPDIAG_FUZZ_SEED (default 20261202) change the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import { fdCount, getStats, httpGet, procStatus, sleep, waitFor, waitForStats } from './http-util.js';
import { runFuzz } from './http-fuzzer.js';

const FUZZ_SECONDS = Number(process.env.CPDIAG_FUZZ_SECONDS ?? 20);
const FUZZ_SEED = Number(process.env.CPDIAG_FUZZ_SEED ?? 20261202);
const SOCKET_TIMEOUT_S = 1;

test(`fuzzed requests for ${FUZZ_SECONDS} s leave nothing held (seed ${FUZZ_SEED})`, { timeout: (FUZZ_SECONDS + 90) * 1000 }, async (t) => {
  const server = await spawnBundledServer({
    thread_pool: 4, socket_timeout: SOCKET_TIMEOUT_S, max_request_body_size: 4096, max_request_header_size: 4096,
  });
  try {
    assert.equal((await httpGet(`${server.url}/`)).status, 200);
    await waitForStats(server.url, (s) => s.connections.open <= 1 && s.threads.busy === 0);
    const baseline = { fds: fdCount(server.pid), threads: procStatus(server.pid).threads };

    const report = await runFuzz({ url: server.url, seed: FUZZ_SEED, durationMs: FUZZ_SECONDS * 1000, concurrency: 8 });
    t.diagnostic(`fuzz: ${report.connections} connections, ${report.bytesSent} bytes, ~${report.responses} responses, ${report.serverClosed} closed by the server`);
    assert.ok(report.connections >= 50, `only ${report.connections} connections in ${FUZZ_SECONDS} s`);
    assert.equal(server.child.exitCode, null, 'the server is still running');

    // Connections the clients left half-open end by socket_timeout at the latest.
    const settled = await waitForStats(server.url,
      (s) => s.threads.busy === 0 && s.requests.in_flight === 0 && s.queue.depth === 0 && s.queue.waiting_to_enter === 0,
      (SOCKET_TIMEOUT_S + 5) * 1000);
    assert.ok(settled.workers.every((w: any) => w.state === 'idle' && !w.busy), JSON.stringify(settled.workers));
    await waitFor(() => fdCount(server.pid) <= baseline.fds, 10_000, `fds back to ${baseline.fds} (now ${fdCount(server.pid)})`);
    await waitFor(() => procStatus(server.pid).threads <= baseline.threads, 10_000, `threads back to ${baseline.threads} (now ${procStatus(server.pid).threads})`);

    const t0 = performance.now();
    const r = await httpGet(`${server.url}/work?io_ms=1`);
    const ms = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.ok(ms < 1500, `a normal request took ${ms.toFixed(0)} ms`);
    await sleep(50);
    const stats = await getStats(server.url);
    assert.equal(stats.threads.total, 4, 'no worker died');
    t.diagnostic(`after: ${JSON.stringify(stats.requests)}`);
  } finally {
    await server.stop();
  }
});
