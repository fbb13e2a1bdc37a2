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
