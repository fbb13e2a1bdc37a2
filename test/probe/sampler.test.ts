import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampler } from '../../src/probe/sampler.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';
import { startControlledChild } from './child-control.js';

/** Waits until a sample satisfies `pred` (or fails after timeoutMs), returning that sample. */
function waitForSample(samples: ProbeSample[], pred: (s: ProbeSample) => boolean, timeoutMs = 5000): Promise<ProbeSample> {
  const start = Date.now();
  const from = samples.length;
  return new Promise((resolve, reject) => {
    const check = () => {
      const hit = samples.slice(from).find(pred);
      if (hit) return resolve(hit);
      if (Date.now() - start > timeoutMs) return reject(new Error(`no matching sample in ${timeoutMs} ms; last: ${JSON.stringify(samples.at(-1))}`));
      setTimeout(check, 20);
    };
    check();
  });
}

test('sampler follows fds, threads, RSS and CPU of a process as it changes, then its exit', async () => {
  const child = await startControlledChild();
  let exitCalls = 0;
  const sampler = startSampler({ pid: child.pid, intervalMs: 100, onExit: () => exitCalls++ });
  try {
    const base = await waitForSample(sampler.samples, () => true);
    assert.equal(base.pid, child.pid);
    assert.ok(base.fd_limit > 0);
    assert.ok(base.threads >= 5, 'node runs several threads');
    assert.ok((base.threads_by_state.S ?? 0) > 0);

    await child.send('fds 200');
    await waitForSample(sampler.samples, (s) => s.fds >= base.fds + 200);
    // The per-type detail of a process with many fds is refreshed once a second (fd-detail.ts).
    await waitForSample(sampler.samples, (s) => s.fds_by_type.file >= base.fds_by_type.file + 200, 3000);

    await child.send('threads 8');
    await waitForSample(sampler.samples, (s) => s.threads >= base.threads + 8);

    await child.send('alloc 64');
    const afterAlloc = await waitForSample(sampler.samples, (s) => s.rss_bytes >= base.rss_bytes + 60 * 1024 * 1024);
    assert.ok((afterAlloc.rss_anon_bytes ?? 0) >= 60 * 1024 * 1024);

    // 400 ms of CPU: the samples' CPU% integrated over time must account for most of it, however
    // the busy machine spreads it out.
    const from = sampler.samples.length;
    await child.send('spin 400');
    const spinEnd = sampler.samples.length;
    await waitForSample(sampler.samples, () => sampler.samples.length >= spinEnd + 3, 3000);
    const window = sampler.samples.slice(Math.max(1, from));
    let cpuS = 0;
    for (let i = 0; i < window.length; i++) {
      const prev = i === 0 ? sampler.samples[Math.max(0, from - 1)] : window[i - 1];
      cpuS += (window[i].cpu_percent / 100) * (window[i].t_s - prev.t_s);
    }
    assert.ok(cpuS >= 0.25 && cpuS <= 0.8, `integrated CPU ${cpuS.toFixed(3)} s for a 0.4 s spin`);

    const times = sampler.samples.map((s) => s.t_s);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], 't_s increases');

    child.proc.stdin.write('exit\n');
    const deadline = Date.now() + 5000;
    while (!sampler.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sampler.exited, true, 'the sampler notices the exit');
    assert.equal(exitCalls, 1);
    const final = await sampler.stop();
    assert.ok(final.length >= 5);
  } finally {
    await sampler.stop();
    child.kill();
  }
});

test('sampler sums the descendants of the process', async () => {
  const child = await startControlledChild();
  const sampler = startSampler({ pid: child.pid, intervalMs: 100, childrenRescanMs: 300 });
  let grandchild = 0;
  try {
    const base = await waitForSample(sampler.samples, () => true);
    grandchild = Number((await child.send('child')).split(' ')[2]);
    assert.ok(grandchild > 0);
    // A `sleep` adds one thread and its RSS once the tree is rescanned.
    const after = await waitForSample(sampler.samples, (s) => s.threads >= base.threads + 1, 4000);
    assert.ok(after.rss_bytes > base.rss_bytes);
  } finally {
    await sampler.stop();
    if (grandchild > 0) try { process.kill(grandchild, 'SIGKILL'); } catch { /* already gone */ }
    child.kill();
  }
});

test('sampler on a pid that does not exist calls onExit and collects nothing', async () => {
  let exited = false;
  const sampler = startSampler({ pid: 2 ** 22 + 7, intervalMs: 50, onExit: () => { exited = true; } });
  await new Promise((r) => setTimeout(r, 150));
  const samples = await sampler.stop();
  assert.equal(samples.length, 0);
  assert.equal(exited, true);
});

test('sampler with a stats URL: onSample gets the server view, in order; listen socket and queue', async () => {
  const { startBundledServer } = await import('../inspect/targets.js');
  const server = await startBundledServer(2);
  const seen: ProbeSample[] = [];
  const sampler = startSampler({ pid: server.pid, intervalMs: 100, statsUrl: `${server.url}/_cpdiag/stats`, onSample: (s) => seen.push(s) });
  try {
    // Until four samples are in (0.4 s on a quiet machine; a loaded one stretches the interval).
    for (const deadline = Date.now() + 10_000; seen.length < 4 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    const samples = await sampler.stop();
    assert.ok(samples.length >= 4, `${samples.length} samples`);
    assert.equal(seen.length, samples.length, 'every sample reaches onSample by stop()');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].t_s > seen[i - 1].t_s);
    const withStats = seen.filter((s) => s.server);
    assert.ok(withStats.length >= 2, `${withStats.length} samples with stats`);
    assert.equal(withStats[0].server!.threads, 2);
    assert.equal(seen.at(-1)!.tcp_by_state.LISTEN, 1);
    assert.equal(typeof seen.at(-1)!.listen_queue, 'number');
  } finally {
    await sampler.stop();
    await server.stop();
  }
});
