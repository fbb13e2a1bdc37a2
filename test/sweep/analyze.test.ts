import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticStep, syntheticSweep } from './synthetic-doc.js';
import { analyzeSweep, resourceScaling } from '../../src/sweep/analyze-sweep.js';
import { summarizeStep } from '../../src/sweep/summarize-step.js';
import { contextSwitchesPerRequest, workerSeconds } from '../../src/sweep/summarize-level.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';

test('I/O-bound model: knee where N/S meets the CPU limit, USL fitted, recommendation and theory', () => {
  // S = 21 ms, limit 700 rps: N/S meets the limit at N = 14.7.
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  assert.equal(doc.knee?.value, 16);
  assert.equal(doc.knee?.still_growing, false);
  assert.ok(doc.usl, 'a USL fit');
  assert.equal(doc.recommendation?.value, 16);
  assert.match(doc.recommendation!.reason, /^server\.thread_pool = 16: capacity 665 requests\/s at p99 < 250 ms; beyond 16, capacity does not grow/);
  assert.match(doc.recommendation!.theory ?? '', /Little's law keeps 14(\.\d)? workers busy/);
  assert.ok(doc.theory && doc.theory.erlang_c_pool! >= 14 && doc.theory.erlang_c_pool! <= 18);
  // 8 MiB of RSS per worker in the model.
  assert.equal(Math.round(doc.resources!.rss_bytes_per_unit! / 1048576), 8);
  assert.equal(doc.findings?.pool_scaling?.values.length, 7);
  assert.ok(doc.diagnosis, 'diagnosis embedded');
});

test('CPU-bound model: flat from N=1, more threads do not help', () => {
  const doc = syntheticSweep([1, 2, 4, 8, 16], { serviceMs: 5, limitRps: 200 });
  assert.equal(doc.recommendation?.value, 2);
  assert.match(doc.recommendation!.reason, /more threads do not help/);
  assert.ok(doc.recommendation!.cannot_tell.some((x) => /limited by CPU/.test(x)));
});

test('fewer than 6 values: the data do not support a USL fit, said in the cannot-tell list', () => {
  const steps = [1, 4, 16].map((v) => syntheticStep(v, { serviceMs: 21, limitRps: 700 }));
  const a = analyzeSweep(steps, { setting: 'thread_pool', sloP99Ms: 250, maxErrorRate: 0.01, mixPaths: ['GET /'], levelS: 1 });
  assert.equal(a.usl?.ok, false);
  assert.ok(a.recommendation.cannot_tell.some((x) => /the data do not support a USL fit/.test(x)));
  assert.equal(resourceScaling(steps)?.threads_per_unit, 1);
});

test('a failed step is reported, and the rest still analysed', () => {
  const steps = [1, 2, 4, 8].map((v) => syntheticStep(v, { serviceMs: 21, limitRps: 700 }));
  steps.push({ ...syntheticStep(256, { serviceMs: 21, limitRps: 700 }), status: 'failed', error: 'thread_pool=256: target exited: EMFILE', levels: [], capacity_rps: null });
  const a = analyzeSweep(steps, { setting: 'thread_pool', sloP99Ms: 250, maxErrorRate: 0.01, mixPaths: ['GET /'], levelS: 1 });
  assert.ok(a.recommendation.cannot_tell[0].includes('thread_pool=256: target exited: EMFILE'));
  assert.equal(a.recommendation.value, 8);
});

test('step summary: capacity is the highest level within the SLO', () => {
  const step = syntheticStep(8, { serviceMs: 21, limitRps: 700 });
  const s = summarizeStep(step.levels, step.probes, { p99Ms: 250, maxErrorRate: 0.01 });
  assert.equal(s.capacity_rps, step.levels[3].throughput_rps);
  assert.equal(s.capacityLevelIndex, 3);
  assert.equal(s.drift?.threads?.drifting, false);
  assert.deepEqual(s.threads_by_state_mean, { S: 18, R: 1 });
});

test('level arithmetic: worker-seconds and context switches per request', () => {
  const mk = (t: number, busy: number, ctx: number): ProbeSample => ({
    t_s: t, pid: 1, cpu_percent: 0, rss_bytes: 0, threads: 1, threads_by_state: {}, fds: 0,
    fds_by_type: { socket: 0, file: 0, pipe: 0, anon_inode: 0, other: 0 }, fd_limit: 0, ctx_voluntary: ctx, ctx_involuntary: 0, tcp_by_state: {},
    server: { threads: 4, busy, idle: 4 - busy, queue: 0, requests: 0, errors: 0 },
  });
  const samples = [mk(0, 2, 0), mk(0.5, 4, 300), mk(1, 4, 600)];
  assert.equal(workerSeconds(samples), 0.5 * 3 + 0.5 * 4);
  // 600 switches over 1 s, 200 requests in 1 s.
  assert.equal(contextSwitchesPerRequest(samples, 200, 1), 3);
  assert.equal(contextSwitchesPerRequest(samples.slice(0, 1), 200, 1), undefined);
});

test('a stall outside the server: tail high, pool idle, Little says the time was spent elsewhere', async () => {
  const { looksLikeStall } = await import('../../src/sweep/run-step.js');
  const step = syntheticStep(24, { serviceMs: 23, limitRps: 800 });
  const base = step.levels[1];
  const sat = { workers: 24, all_busy_share: 0, busy_mean: 6.7, queue_p50: 0, queue_p99: 0, queue_max: 0, samples: 10 };
  // Measured: 290 rps, p99 1256 ms, mean 63.5 ms, 6.7 of 24 busy (W = 23 ms), no queue.
  const stalled = { ...base, throughput_rps: 290, latency_ms: { ...base.latency_ms, p99: 1256, mean: 70.2 }, service_latency_ms: { ...base.latency_ms, p99: 1229, mean: 63.5 }, saturation: sat };
  assert.equal(looksLikeStall(stalled, 24, 0.01), true);
  // CPU-bound past its limit (64 workers, 820 rps, mean 97 ms, W = 78 ms): the time is inside.
  assert.equal(looksLikeStall({ ...stalled, throughput_rps: 820, service_latency_ms: { ...base.latency_ms, mean: 97 }, saturation: { ...sat, workers: 64, busy_mean: 64 } }, 64, 0.01), false);
  assert.equal(looksLikeStall({ ...stalled, saturation: { ...sat, queue_p99: 4 } }, 24, 0.01), false);
  assert.equal(looksLikeStall({ ...stalled, errors: { total: 9, rate: 0.03, by_kind: { timeout: 9 } } }, 24, 0.01), false);
  assert.equal(looksLikeStall({ ...stalled, saturation: undefined }, 24, 0.01), false);
});

test('implausible tail: p99 far above what M/M/c allows at moderate load, with the CPU far from its limit', async () => {
  const { implausibleTail } = await import('../../src/sweep/run-step.js');
  const base = syntheticStep(4, { serviceMs: 22, limitRps: 800 }).levels[0];
  // Measured: pool 4, 110 rps offered (ρ = 0.6), p99 1059 ms, 35% CPU.
  const paused = { ...base, offered_rps: 110, throughput_rps: 110, latency_ms: { ...base.latency_ms, p99: 1059 }, cpu_percent_mean: 35 };
  assert.equal(implausibleTail(paused, 4, 22), true);
  assert.equal(implausibleTail({ ...paused, latency_ms: { ...base.latency_ms, p99: 180 } }, 4, 22), false, 'a plausible tail');
  assert.equal(implausibleTail({ ...paused, offered_rps: 170 }, 4, 22), false, 'ρ = 0.94: anything goes');
  assert.equal(implausibleTail({ ...paused, cpu_percent_mean: 95 }, 4, 22), false, 'CPU at its (GIL) limit');
  assert.equal(implausibleTail(paused, 4, undefined), false);
});
