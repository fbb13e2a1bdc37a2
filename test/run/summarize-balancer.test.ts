import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerAfterExit, balancerCpuMsPerRequest, storedLoadSkew, summarizeBalancer } from '../../src/run/summarize-balancer.js';
import { mergeServerStats } from '../../src/probe/server-stats.js';
import type { SeriesWindow } from '../../src/load/load-result.js';

function w(t: number, requests: number, errors: Record<string, number> = {}): SeriesWindow {
  return { t_s: t, duration_s: 0.5, requests, throughput_rps: requests * 2, latency_ms: { min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 }, errors };
}

test('the spread: the busiest process over the mean', () => {
  assert.equal(storedLoadSkew([100, 100, 100]), 1);
  assert.equal(storedLoadSkew([160, 40]), 1.6);
  assert.equal(storedLoadSkew([0, 0]), undefined);
  assert.equal(storedLoadSkew(undefined), undefined);
});

test("the balancer's CPU per request: its CPU rate over the throughput", () => {
  // 0.1 s of CPU over 2 s is 0.05 cores; at 500 req/s that is 0.1 ms a request.
  assert.equal(balancerCpuMsPerRequest(0.1, 2, 500), 0.1);
  assert.equal(balancerCpuMsPerRequest(0.1, 2, 0), undefined);
});

test('after a backend died: routed around, errors then routed around, or errors to the end', () => {
  const series = [w(0, 100), w(0.5, 100), w(1, 100), w(1.5, 100)];
  assert.equal(answerAfterExit(series, 0.7).answer, 'routed-around');
  const burst = [w(0, 100), w(0.5, 90, { http_502: 3 }), w(1, 100), w(1.5, 100)];
  const a = answerAfterExit(burst, 0.7);
  assert.deepEqual({ answer: a.answer, errors: a.errors, requests: a.requests, kinds: a.errors_by_kind }, { answer: 'errors-then-routed-around', errors: 3, requests: 290, kinds: { http_502: 3 } });
  const always = [w(0, 100), w(0.5, 60, { http_502: 30 }), w(1, 60, { http_502: 30 })];
  assert.equal(answerAfterExit(always, 0.7).answer, 'errors');
  const s = summarizeBalancer({ kind: 'nginx', backends: [{ url: 'u1', pid: 1 }, { url: 'u2', pid: 2 }], requestsPerBackend: [30, 10], cpuS: 0.1, wallS: 2, throughputRps: 500, series, events: [] });
  assert.equal(s.skew, 1.5);
  assert.equal(s.cpu_ms_per_request, 0.1);
  assert.equal(s.after_backend_exit, undefined);
});

test("several servers' stats merge into one sample with each one's count; a missing one leaves no sample", () => {
  const one = { threads: 4, busy: 1, idle: 3, queue: 0, errors: 0, requests: 10 };
  const pool = { threads: 8, busy: 2, idle: 6, queue: 1, errors: 1, requests: 30, requests_by_process: [20, 10] };
  assert.deepEqual(mergeServerStats([one, pool]), { threads: 12, busy: 3, idle: 9, queue: 1, errors: 1, requests: 40, requests_by_process: [10, 20, 10] });
  assert.equal(mergeServerStats([one, undefined]), undefined);
  assert.equal(mergeServerStats([one, { ...one, requests: undefined }]), undefined);
});
