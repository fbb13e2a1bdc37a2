// PSS and process counts over a process tree: a forked pool shares pages, so its PSS is below its RSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePssBytes } from '../../src/probe/parse-smaps-rollup.js';
import { startSampler } from '../../src/probe/sampler.js';
import { startBundledServer } from '../../src/target/kinds/bundled.js';

test('parsePssBytes reads the Pss line of smaps_rollup', () => {
  const text = '55d0c8a00000-7ffd3b5f6000 ---p 00000000 00:00 0  [rollup]\nRss:               46964 kB\nPss:               20111 kB\nPss_Anon:          15000 kB\n';
  assert.equal(parsePssBytes(text), 20111 * 1024);
  assert.equal(parsePssBytes('Rss: 1 kB\n'), undefined);
});

test('the sampler counts every process of a pool and its PSS is below the summed RSS', async () => {
  const server = await startBundledServer({ model: 'process-pool', processes: 2, thread_pool: 2 }, { readyTimeoutMs: 60_000 });
  try {
    const sampler = startSampler({ pid: server.pid, intervalMs: 200, childrenRescanMs: 200 });
    await new Promise((r) => setTimeout(r, 1000));
    const samples = await sampler.stop();
    const last = samples[samples.length - 1];
    assert.equal(last.processes, 3, `processes ${last.processes}`);
    assert.ok(last.pss_bytes !== undefined && last.pss_bytes > 0, `pss ${last.pss_bytes}`);
    assert.ok(last.pss_bytes! < last.rss_bytes, `pss ${last.pss_bytes} rss ${last.rss_bytes}`);
    assert.ok(last.threads >= 3 * 7, `threads ${last.threads}`);
  } finally {
    await server.stop();
  }
});
