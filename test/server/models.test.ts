// The deployment models of the bundled server (server.model), each as "Deploying CherryPy:
// deployment models" defines it, checked on real processes, threads and sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { childrenOf, get, withServer } from '../helpers/model-server.js';
import { runLoad } from '../../src/load/run-load.js';
import { measureCpuSplitDuring } from '../../src/probe/cpu-split-during.js';
import type { ServerSettings } from '../../src/config/settings.js';

function threadsOf(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  return out;
}

/** The inode of the LISTEN row for this port in /proc/net/tcp (state 0A). */
function listenInode(port: number): string {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[1].endsWith(`:${hex}`) && f[3] === '0A') return f[9];
  }
  throw new Error(`no LISTEN row for port ${port}`);
}

/**
 * Capacity ratios need the cores: where other processes take part of the machine (shared CI, other
 * engineers' benches) each side gets a random share of the CPU and the ratio measures them. So the
 * machine's CPU is split over each measurement itself (probe/cpu-split-during.ts: the server's
 * process group, this process — the load generator —, everything else) and the ratio is asserted
 * only when everything else stayed under this share of the machine. Why 5%: on the quiet machine
 * the CPU-bound ratio measured 1.83–1.95 against the 1.7 asserted, and CPU others take comes
 * straight off the process pool's two cores (others at a share s leave it 1 − s of them:
 * 1.86 × 0.92 ≈ 1.7 at 8%), while the rest of a quiet machine (the kernel, the test runner) read
 * 0–3% over a measurement; 5% keeps the assertion clear of both (docs/server.md "The capacity proofs"). (Not the load average: a 1-minute mean trails, and the
 * previous test's own servers raise it.)
 */
const OTHERS_MATERIAL_SHARE = 0.05;
const WARMUP_S = 1;
const MEASURE_S = 3;

interface Capacity {
  rps: number;
  /** Other processes' share of the machine over the measurement; undefined where it cannot be read. */
  others?: number;
  rssKb: number;
}

function treeRssKb(pid: number): number {
  const rss = (p: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]);
  return rss(pid) + childrenOf(pid).reduce((s, c) => s + rss(c), 0);
}

async function capacity(settings: Partial<ServerSettings>, path: string): Promise<Capacity> {
  return withServer(settings, async (url, pid) => {
    const plan = { mode: 'closed' as const, url, connections: 16, mix: [{ method: 'GET', path }], timeout_ms: 10_000, window_ms: 1000, seed: 1 };
    // One run, warm-up included: a second run would open its 16 connections at once against the
    // listen backlog of 5 (CherryPy's default), and a dropped SYN waits 1 s to be sent again — a
    // stall in the measured window (thread pool of 16 at io_ms=20: p99.9 1040 ms, 600 req/s instead of 760).
    // The machine's split then covers the warm-up too: contention there matters as much.
    const m = await measureCpuSplitDuring(pid, () => runLoad({ ...plan, duration_s: MEASURE_S, warmup_s: WARMUP_S }));
    return { rps: m.result.throughput_rps, ...(m.split ? { others: m.split.other_share } : {}), rssKb: treeRssKb(pid) };
  });
}

const pct = (share: number | undefined) => (share === undefined ? '?' : `${(share * 100).toFixed(0)}%`);

/** Why a ratio of these two measurements would not be the models' (undefined: it would be). */
function notTheModels(...sides: Capacity[]): string | undefined {
  if (availableParallelism() < 2) return `a process pool of 2 needs 2 cores; this machine has ${availableParallelism()}`;
  if (sides.some((c) => c.others === undefined)) return "the machine's CPU split cannot be read here (no /proc/stat): other processes' share is unknown";
  const worst = Math.max(...sides.map((c) => c.others!));
  return worst > OTHERS_MATERIAL_SHARE
    ? `other processes took ${sides.map((c) => pct(c.others)).join(' and ')} of the machine during the two measurements (over ${pct(OTHERS_MATERIAL_SHARE)}): the ratio would measure them`
    : undefined;
}

test('single: a second request waits for the first to finish', async () => {
  await withServer({ model: 'single' }, async (url) => {
    const t0 = performance.now();
    const [a, b] = await Promise.all([get(`${url}/work?io_ms=300`), get(`${url}/work?io_ms=300`)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const last = Math.max(a.doneAt, b.doneAt) - t0;
    const first = Math.min(a.doneAt, b.doneAt) - t0;
    assert.ok(last >= 580, `two 300 ms requests ended after ${Math.round(last)} ms: they overlapped`);
    assert.ok(last - first >= 250, `the second ended ${Math.round(last - first)} ms after the first`);
  });
});

test('thread-per-request: the thread count rises with concurrency and falls back', async () => {
  await withServer({ model: 'thread-per-request' }, async (url, pid) => {
    const before = threadsOf(pid);
    const inFlight = Array.from({ length: 8 }, () => get(`${url}/work?io_ms=1500`));
    let peak = before;
    for (let i = 0; i < 40 && peak < before + 8; i++) {
      await new Promise((r) => setTimeout(r, 50));
      peak = Math.max(peak, threadsOf(pid));
    }
    assert.ok(peak >= before + 8, `threads went from ${before} to ${peak} with 8 requests in flight`);
    await Promise.all(inFlight);
    let after = threadsOf(pid);
    for (let i = 0; i < 60 && after > before + 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = threadsOf(pid);
    }
    assert.ok(after <= before + 1, `threads stayed at ${after} (were ${before}) after the requests`);
  });
});

test('fork-per-request: a new process serves each request', async () => {
  await withServer({ model: 'fork-per-request' }, async (url, pid) => {
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await get(`${url}/work?io_ms=1`);
      assert.equal(r.status, 200);
      pids.push(r.pid);
    }
    assert.equal(new Set(pids).size, 4, `pids ${pids.join(', ')}`);
    assert.ok(!pids.includes(pid), 'the master served a request itself');
  });
});

test('process-pool: N processes share one listening socket and all serve', async () => {
  await withServer({ model: 'process-pool', processes: 3, thread_pool: 2 }, async (url, pid) => {
    const port = Number(new URL(url).port);
    const inode = listenInode(port);
    const workers = childrenOf(pid);
    assert.equal(workers.length, 3, `children of the master: ${workers.join(', ')}`);
    for (const w of workers) assert.ok(socketInodes(w).has(inode), `process ${w} does not hold the listening socket ${inode}`);
    const served = new Set<number>();
    for (let round = 0; round < 20 && served.size < 3; round++) {
      const rs = await Promise.all(Array.from({ length: 6 }, () => get(`${url}/work?io_ms=50`)));
      for (const r of rs) served.add(r.pid);
    }
    assert.deepEqual([...served].sort(), [...workers].sort());
    const stats = JSON.parse((await get(`${url}/_cpdiag/stats`)).body) as { processes: { pid: number; requests_completed: number }[]; requests: { completed: number } };
    assert.equal(stats.processes.length, 3);
    assert.equal(stats.requests.completed, stats.processes.reduce((s, p) => s + p.requests_completed, 0));
  });
});

test('CPU-bound under the GIL: a process pool of 2 gives >= 1.7x a thread pool of 16', async (t) => {
  const path = '/work?cpu_ms=5';
  const threads = await capacity({ model: 'thread-pool', thread_pool: 16 }, path);
  const processes = await capacity({ model: 'process-pool', processes: 2, thread_pool: 8 }, path);
  const ratio = processes.rps / threads.rps;
  console.log(`# cpu_ms=5: thread pool 16 ${threads.rps.toFixed(1)} rps (others ${pct(threads.others)}), process pool 2x8 ${processes.rps.toFixed(1)} rps (others ${pct(processes.others)}), ratio ${ratio.toFixed(2)}`);
  const why = notTheModels(threads, processes);
  if (why) {
    console.log(`# skipped: ${why}`);
    return t.skip(why);
  }
  assert.ok(ratio >= 1.7, `ratio ${ratio.toFixed(2)} (thread pool ${threads.rps.toFixed(1)} rps, process pool ${processes.rps.toFixed(1)} rps)`);
});

test('I/O-bound: a thread pool of 16 is within 10% of 2 processes x 8 threads, at a fraction of the RSS', async (t) => {
  const path = '/work?io_ms=20';
  const threads = await capacity({ model: 'thread-pool', thread_pool: 16 }, path);
  const processes = await capacity({ model: 'process-pool', processes: 2, thread_pool: 8 }, path);
  const ratio = threads.rps / processes.rps;
  console.log(`# io_ms=20: thread pool 16 ${threads.rps.toFixed(1)} rps ${threads.rssKb} kB (others ${pct(threads.others)}), process pool 2x8 ${processes.rps.toFixed(1)} rps ${processes.rssKb} kB (others ${pct(processes.others)}); throughput ratio ${ratio.toFixed(2)}, RSS ratio ${(threads.rssKb / processes.rssKb).toFixed(2)}`);
  // Memory does not depend on who else runs: asserted whatever the machine's load.
  assert.ok(threads.rssKb < processes.rssKb, `RSS ${threads.rssKb} kB (threads) vs ${processes.rssKb} kB (processes, master included)`);
  const why = notTheModels(threads, processes);
  if (why) {
    console.log(`# skipped: ${why}`);
    return t.skip(why);
  }
  assert.ok(ratio >= 0.9, `thread pool ${threads.rps.toFixed(1)} rps vs process pool ${processes.rps.toFixed(1)} rps`);
});
