// examples/deployment/app.py, the real-Python ground truth of `cpdiag compare models`: every model
// starts as a --cmd target would start it and serves; the pre-fork's processes share one socket and
// both answer; and the ranking agreement counts swaps as the bench reports them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startTarget } from '../../src/target/start-target.js';
import { resolveSettings, SERVER_MODELS } from '../../src/config/settings.js';
import { compareRankings } from '../../src/compare/rank-agreement.js';
import { fetchServerStats } from '../../src/probe/server-stats.js';
import type { ModelSummary } from '../../src/compare/compare-document.js';

const APP = fileURLToPath(new URL('../../../examples/deployment/app.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

function summary(model: ModelSummary['model'], workload: string, capacity: number | null): ModelSummary {
  return { model, label: model, workload, status: 'ok', capacity_rps: capacity, capacity_connections: 1, max_throughput_rps: 0, p99_at_50_ms: null, p99_at_90_ms: null, past_capacity: 'queueing', past_capacity_text: '', rss_max_bytes: null, pss_max_bytes: null, threads_max: null, processes_max: null, processes_created_per_s_max: null, cpu_ms_per_request: null };
}

test('ranking agreement: the same best, and the pairs ordered the other way', () => {
  const a = [summary('thread-pool', 'io', 700), summary('process-pool', 'io', 650), summary('single', 'io', 45), summary('fork-per-request', 'io', null)];
  const b = [summary('thread-pool', 'io', 600), summary('process-pool', 'io', 640), summary('single', 'io', 40), summary('fork-per-request', 'io', 30)];
  const [io] = compareRankings(a, b);
  assert.equal(io.same_best, false);
  assert.deepEqual(io.order_a, ['thread-pool', 'process-pool', 'single', 'fork-per-request']);
  assert.equal(io.discordant_pairs, 1);
  assert.equal(io.strict_discordant_pairs, 1);
  assert.equal(io.pairs, 6);
  // Within 5% is a tie: the order of 700 and 690 is the noise's.
  const near = [summary('thread-pool', 'io', 700), summary('process-pool', 'io', 680), summary('single', 'io', 45), summary('fork-per-request', 'io', 20)];
  const c = [summary('thread-pool', 'io', 690), summary('process-pool', 'io', 700), summary('single', 'io', 45), summary('fork-per-request', 'io', 20)];
  const [tie] = compareRankings(near, c);
  assert.equal(tie.same_best, true, '680-700 and 690-700: both are the best in both');
  assert.equal(tie.discordant_pairs, 0);
  assert.equal(tie.strict_discordant_pairs, 1);
  // a's runner-up is 7% below its best: not a tie, so b's best is not a's.
  assert.equal(compareRankings(a, c)[0].same_best, false);
  // Only the models asked for.
  const [two] = compareRankings(a, b, { models: ['thread-pool', 'single'] });
  assert.deepEqual([two.pairs, two.discordant_pairs, two.order_a], [1, 0, ['thread-pool', 'single']]);
});

test('examples/deployment/app.py: every model serves as a --cmd target and counts its requests on /_cpdiag/stats; the pre-fork answers from two processes', async (t) => {
  if (!existsSync(PYTHON)) {
    console.log(`# skipped: ${PYTHON} is not installed`);
    return t.skip(`${PYTHON} is not installed`);
  }
  const command = `${PYTHON} ${APP} --model {model} --processes {processes} --threads {thread_pool} --port {port}`;
  const target = parseScenario({ name: 'deployment', target: { kind: 'command', command, ready_path: '/' } }).target;
  for (const model of SERVER_MODELS) {
    const running = await startTarget(target, resolveSettings({ model, processes: 2, thread_pool: 4 }));
    try {
      const pids = new Set<string>();
      let sent = 0;
      // Read before: the readiness checks on / were requests too.
      const before = await fetchServerStats(`${running.url}/_cpdiag/stats`);
      // Fresh connections (HTTP/1.0 servers close them anyway), several at once so the pre-fork's processes share them.
      for (let round = 0; round < 4 && (model !== 'process-pool' || pids.size < 2); round++) {
        const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${running.url}/work?io_ms=20`, { headers: { connection: 'close' } })));
        for (const r of answers) {
          assert.equal(r.status, 200, model);
          pids.add(r.headers.get('x-cpdiag-pid') ?? '');
          await r.arrayBuffer();
          sent++;
        }
      }
      // Its stats page, read as the probes read the bundled server's: every request counted once,
      // and in the pre-fork each process's own count (the spread the shared socket gave).
      const stats = await fetchServerStats(`${running.url}/_cpdiag/stats`);
      assert.equal(stats!.requests! - before!.requests!, sent, `${model}: requests counted on /_cpdiag/stats`);
      if (model === 'process-pool') {
        const counts = stats!.requests_by_process!.map((n, i) => n - before!.requests_by_process![i]);
        assert.equal(counts.length, 2, 'one count per process');
        assert.equal(counts.reduce((a, b) => a + b, 0), sent);
        assert.ok(counts.every((n) => n > 0), `counts ${counts.join(', ')}`);
      }
      if (model === 'process-pool') assert.ok(pids.size >= 2, `the pre-fork answered from ${[...pids].join(', ')}`);
      if (model === 'fork-per-request') assert.ok(!pids.has(String(running.pid)), 'a child, not the master, served');
      if (model === 'single' || model === 'thread-pool' || model === 'thread-per-request') assert.deepEqual([...pids], [String(running.pid)], model);
    } finally {
      await running.stop();
    }
  }
});
