// cpdiag compare models: the pure summary (Little's bound, p99 at a share of capacity, behaviour
// past capacity), the recommendation's wording, the spec's flags, and one short real comparison
// (two models, one workload, two levels) through the executor and every renderer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { resolveCompareSpec } from '../../src/compare/compare-spec.js';
import { busyMachineCaveats, executeCompare } from '../../src/compare/execute-compare.js';
import { classifyPastCapacity, interpolateP99AtRate, withLittleBound } from '../../src/compare/summarize-model.js';
import { recommendModel } from '../../src/compare/recommend-model.js';
import { findingsFromCompare } from '../../src/compare/findings-from-compare.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { resolveSettings } from '../../src/config/settings.js';
import type { CompareDocument } from '../../src/compare/compare-document.js';
import type { ModelSummary } from '../../src/compare/compare-document.js';
import type { SweepLevel } from '../../src/sweep/sweep-document.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';
import { renderCompareText } from '../../src/report/compare-text.js';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.js';
import { renderCompareHtml } from '../../src/report/compare-html.js';
import { CpdiagError } from '../../src/exit-codes.js';

function level(connections: number, rps: number, p99: number, t: number, errors: Record<string, number> = {}): SweepLevel {
  const total = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    connections, t_s: t, duration_s: 1, requests: Math.round(rps), throughput_rps: rps, goodput_rps: rps,
    latency_ms: { min: 1, mean: p99 / 2, p50: p99 / 2, p90: p99, p95: p99, p99, p999: p99, max: p99 },
    errors: { total, rate: total / Math.max(1, rps + total), by_kind: errors },
  };
}

function probe(t: number, threads: number, processes = 1): ProbeSample {
  return { t_s: t, pid: 1, cpu_percent: 50, rss_bytes: 1e8, threads, threads_by_state: {}, fds: 10, fds_by_type: { socket: 1, file: 1, pipe: 1, anon_inode: 1, other: 6 }, fd_limit: 1024, ctx_voluntary: 0, ctx_involuntary: 0, tcp_by_state: {}, processes };
}

test("Little's law bounds a closed-loop level's p99 from below", () => {
  // 64 connections at 45 req/s wait 1.42 s on average: a recorded p99 of 170 ms cannot be true.
  assert.equal(withLittleBound(level(64, 45, 170, 0)).latency_ms.p99, 1422.222);
  // A light level keeps its measured p99.
  assert.equal(withLittleBound(level(1, 40, 30, 0)).latency_ms.p99, 30);
});

test('p99 at a share of capacity is interpolated between the levels around it', () => {
  const levels = [level(1, 50, 20, 0), level(4, 150, 40, 2), level(16, 250, 100, 4)];
  assert.equal(interpolateP99AtRate(levels, 100), 30);
  assert.equal(interpolateP99AtRate(levels, 225), 85);
  assert.equal(interpolateP99AtRate(levels, 10), 20);
});

test('behaviour past capacity: queueing, collapse, unbounded threads, refused connections', () => {
  const base = [level(1, 50, 20, 0), level(4, 190, 30, 2)];
  const probes = [probe(2.5, 20), probe(4.5, 20)];
  assert.equal(classifyPastCapacity([...base, level(16, 195, 900, 4)], 1, probes, 0.01).kind, 'queueing');
  assert.equal(classifyPastCapacity([...base, level(16, 60, 900, 4)], 1, probes, 0.01).kind, 'collapse');
  assert.equal(classifyPastCapacity([...base, level(16, 190, 900, 4)], 1, [probe(2.5, 12), probe(4.5, 60)], 0.01).kind, 'unbounded-threads');
  assert.equal(classifyPastCapacity([...base, level(16, 190, 900, 4)], 1, [probe(2.5, 12, 1), probe(4.5, 12, 30)], 0.01).kind, 'unbounded-processes');
  assert.equal(classifyPastCapacity([...base, level(16, 100, 900, 4, { refused: 50 })], 1, probes, 0.01).kind, 'refused');
  assert.equal(classifyPastCapacity(base, 1, probes, 0.01).kind, 'not-reached');
  assert.equal(classifyPastCapacity(base, null, probes, 0.01).kind, 'no-capacity');
});

function summary(model: ModelSummary['model'], label: string, workload: string, capacity: number, pss: number, maxRps = capacity): ModelSummary {
  return { model, label, workload, status: 'ok', capacity_rps: capacity, capacity_connections: 16, max_throughput_rps: maxRps, p99_at_50_ms: 10, p99_at_90_ms: 20, past_capacity: 'queueing', past_capacity_text: '', rss_max_bytes: pss, pss_max_bytes: pss, threads_max: 20, processes_max: 1, processes_created_per_s_max: null, cpu_ms_per_request: 1 };
}

test('the recommendation speaks the deployment guide: threads for I/O, processes for the GIL', () => {
  const io = recommendModel({ name: 'io', path: '/', kind: 'io' }, [
    summary('thread-pool', 'thread pool of 16', 'io', 760, 60e6),
    summary('process-pool', 'process pool of 2 × 8 threads', 'io', 790, 110e6),
    summary('single', 'single', 'io', 48, 40e6),
  ]);
  assert.equal(io.model, 'thread-pool');
  assert.match(io.reason, /^thread pool of 16: the handler waits on I\/O.*a process pool adds nothing but memory here/);
  assert.match(io.reason, /Less: single 48 req\/s/);
  const cpu = recommendModel({ name: 'cpu', path: '/', kind: 'cpu' }, [
    summary('thread-pool', 'thread pool of 16', 'cpu', 190, 60e6),
    summary('process-pool', 'process pool of 2 × 8 threads', 'cpu', 370, 110e6),
  ]);
  assert.equal(cpu.model, 'process-pool');
  assert.match(cpu.reason, /^CPU-bound under the GIL: a process pool of 2 × 8 threads gives 1\.95× the capacity of a thread pool of 16/);
  assert.equal(recommendModel({ name: 'cpu', path: '/', kind: 'cpu' }, []).model, null);
  // One shared socket against a balancer: each one's capacity, spread, and the balancer's CPU.
  const sockets = recommendModel({ name: 'cpu', path: '/', kind: 'cpu' }, [
    summary('thread-pool', 'thread pool of 16', 'cpu', 190, 60e6),
    { ...summary('process-pool', 'process pool of 2 × 8 threads', 'cpu', 300, 110e6), process_skew: 1.4 },
    { ...summary('lb-nginx', '2 × 8 threads behind nginx', 'cpu', 370, 120e6), process_skew: 1.02, balancer_cpu_ms_per_request: 0.06 },
  ]);
  assert.equal(sockets.model, 'lb-nginx');
  assert.match(sockets.reason, /^2 × 8 threads behind nginx: the best capacity \(370 req\/s\), against 300 req\/s for the same processes on one shared socket/);
  // Chosen for its memory among the as-good ones, it is not called the best.
  const asGood = recommendModel({ name: 'cpu', path: '/', kind: 'cpu' }, [
    summary('process-pool', 'process pool of 2 × 8 threads', 'cpu', 203, 185e6),
    summary('lb-nginx', '2 × 8 threads behind nginx', 'cpu', 198, 178e6),
  ]);
  assert.equal(asGood.model, 'lb-nginx');
  assert.match(asGood.reason, /^2 × 8 threads behind nginx: 198 req\/s, within 10% of the best \(process pool of 2 × 8 threads, 203 req\/s\) with less memory/);
  assert.match(sockets.reason, /Processes: one shared socket \(process pool of 2 × 8 threads\) 300 req\/s, busiest process 1\.4× the mean; 2 × 8 threads behind nginx 370 req\/s, busiest process 1\.02× the mean, the balancer's own CPU 0\.06 ms per request/);
  // A pool that collapsed past capacity is told to shed load, not to "put a bound on it".
  const collapsed = recommendModel({ name: 'io', path: '/', kind: 'io' }, [{ ...summary('thread-pool', 'thread pool of 16', 'io', 760, 60e6), past_capacity: 'collapse', past_capacity_text: 'throughput fell' }]);
  assert.match(collapsed.reason, /keep the load below it/);
  assert.doesNotMatch(collapsed.reason, /put a bound on it/);
});

test('a machine busier than its cores is said beside the recommendation', () => {
  assert.deepEqual(busyMachineCaveats({ load_average: [1.5, 1, 1], cores: 2 }), []);
  const [caveat] = busyMachineCaveats({ load_average: [10.5, 11, 8], cores: 2 });
  assert.match(caveat, /load average 10\.5 on 2 cores.*understated/);
});

test('a comparison where two processes served 1.9x one process diagnoses "GIL-bound: run processes, not threads"', () => {
  const poolSettings = resolveSettings({ model: 'process-pool', processes: 2, thread_pool: 8 });
  const withCounts = (n: number[], t: number) => ({ ...probe(t, 40, 3), server: { threads: 16, busy: 8, idle: 8, queue: 0, errors: 0, requests_by_process: n } });
  const doc = {
    environment: { cores: 2 },
    workloads: [{ name: 'io', path: '/', kind: 'io' }, { name: 'cpu', path: '/', kind: 'cpu' }],
    summaries: [summary('thread-pool', 'thread pool of 16', 'cpu', 150, 60e6, 190), summary('process-pool', 'process pool of 2 × 8 threads', 'cpu', 160, 110e6, 360)],
    steps: [{ workload: 'cpu', status: 'ok', settings: poolSettings, probes: [withCounts([10, 10], 0), withCounts([410, 390], 3)] }],
  } as unknown as CompareDocument;
  const f = findingsFromCompare(doc);
  assert.deepEqual(f.process_scaling, { values: [1, 2], capacity_rps: [190, 360] });
  assert.deepEqual(f.requests_per_process, [400, 380]);
  const d = diagnose(f);
  assert.equal(d.causes[0]?.id, 'gil-bound-run-processes', d.causes.map((c) => c.id).join(', '));
  assert.match(d.causes[0].fix, /2 here, one per core/);
  assert.ok(!d.causes.some((c) => c.id === 'uneven-load-across-processes'), 'an even spread is not uneven');
});

test('the spec: models and workloads by name, unknown ones refused with the list', () => {
  const scenario = parseScenario({ name: 'compare' });
  const spec = resolveCompareSpec({ scenario, flags: { models: 'thread-pool,process-pool', workloads: 'cpu', processes: 2, threadPool: 16 } });
  assert.deepEqual(spec.models.map((m) => m.settings), [{ model: 'process-pool', processes: 2, thread_pool: 8 }, { model: 'thread-pool', thread_pool: 16 }]);
  assert.deepEqual(spec.workloads.map((w) => w.path), ['/work?cpu_ms=5']);
  assert.throws(() => resolveCompareSpec({ scenario, flags: { models: 'preforking' } }), (e: unknown) => e instanceof CpdiagError && /unknown model preforking/.test(e.message));
  assert.throws(() => resolveCompareSpec({ scenario, flags: { levels: '1,x' } }), CpdiagError);
  // The default comparison (seven rows: the five models and two balancers) fits its 3–4 minute budget; --budget shortens the levels.
  const full = resolveCompareSpec({ scenario, flags: {} });
  assert.deepEqual(full.models.map((m) => m.model), ['single', 'fork-per-request', 'thread-per-request', 'process-pool', 'thread-pool', 'lb-nginx', 'lb-haproxy']);
  assert.ok(full.plannedS <= 240, `planned ${full.plannedS} s`);
  // The balanced rows: the process pool's processes and threads, on their own ports behind each balancer.
  const lb = resolveCompareSpec({ scenario, flags: { models: 'process-pool,lb-nginx,lb-haproxy', processes: 2, threadPool: 16 } });
  assert.deepEqual(lb.models.map((m) => [m.label, m.balancer, m.settings]), [
    ['process pool of 2 × 8 threads', undefined, { model: 'process-pool', processes: 2, thread_pool: 8 }],
    ['2 × 8 threads behind nginx', 'nginx', { model: 'thread-pool', processes: 2, thread_pool: 8 }],
    ['2 × 8 threads behind HAProxy', 'haproxy', { model: 'thread-pool', processes: 2, thread_pool: 8 }],
  ]);
  // compare models puts the balancers in itself: --lb on top is refused.
  assert.throws(() => resolveCompareSpec({ scenario: parseScenario({ target: { kind: 'balanced', balancer: 'nginx' } }), flags: {} }), (e: unknown) => e instanceof CpdiagError && /drop --lb/.test(e.message));
  assert.ok(resolveCompareSpec({ scenario, flags: { budgetS: 90 } }).levelS < full.levelS);
});

test('a real comparison: single against a thread pool on an I/O-bound handler, every report rendered', async () => {
  const scenario = parseScenario({ name: 'compare' });
  const spec = resolveCompareSpec({ scenario, flags: { models: 'single,thread-pool', path: '/work?io_ms=20', levels: '1,8', levelS: 0.5, threadPool: 8 } });
  const { doc, interrupted } = await executeCompare({ spec });
  assert.equal(interrupted, false);
  assert.equal(doc.complete, true);
  assert.deepEqual(doc.steps.map((s) => s.status), ['ok', 'ok'], doc.steps.map((s) => s.error ?? '').join('; '));
  const [single, pool] = doc.summaries;
  // One request at a time against eight at a time on a handler that waits 20 ms: the pool serves
  // several times more at 8 connections, whatever else the machine is doing.
  assert.ok(pool.max_throughput_rps > 2 * single.max_throughput_rps, `thread pool ${pool.max_throughput_rps} vs single ${single.max_throughput_rps} req/s`);
  assert.ok((pool.threads_max ?? 0) > (single.threads_max ?? 0), `threads ${pool.threads_max} vs ${single.threads_max}`);
  assert.ok((single.rss_max_bytes ?? 0) > 0 && (single.pss_max_bytes ?? 0) > 0);
  assert.equal(doc.recommendations.length, 1);
  assert.equal(doc.recommendations[0].model, 'thread-pool', doc.recommendations[0].reason);
  const text = renderCompareText(doc, new Chalk({ level: 0 }), { width: 200 });
  assert.match(text, /thread pool of 8/);
  assert.match(text, /capacity rps/);
  const md = renderCompareMarkdown(doc);
  assert.match(md, /\| custom \| single \|/);
  const html = renderCompareHtml(doc);
  assert.match(html, /id="chart-capacity"/);
  assert.match(html, /id="chart-p99-0"/);
});
