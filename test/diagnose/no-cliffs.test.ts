// Issue 12, "detectors without cliffs": each reproduction at the findings level. Smooth strengths,
// thresholds that scale with the pool, evidence that is evidence, unmeasurable causes capped, 400s
// attributed only on the server's own count, a growing sweep not called flat, the GIL judged on
// what requests are made of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS } from '../../src/diagnose/detector-registry.js';
import { diagnose, MEDIUM_CONFIDENCE } from '../../src/diagnose/diagnose.js';
import type { Findings } from '../../src/diagnose/findings.js';
import { healthyFindings, risingDrift } from './fixtures.js';

const detector = (id: string) => DETECTORS.find((d) => d.id === id)!.detect;

test('slow-service-time: 99.9 ms and 100 ms read the same (no jump), and the strength grows with the time', () => {
  const at = (ms: number) => { const f = healthyFindings(); f.service_time_ms = ms; return detector('slow-service-time')(f).strength; };
  assert.ok(Math.abs(at(99.9) - at(100)) < 0.01, `${at(99.9)} vs ${at(100)}`);
  assert.ok(at(100) > 0 && at(100) < 0.5, `100 ms is a lead, not a verdict: ${at(100)}`);
  let prev = -1;
  for (const ms of [10, 40, 60, 100, 200, 400, 1000]) {
    const s = at(ms);
    assert.ok(s >= prev, `monotone at ${ms} ms`);
    prev = s;
  }
});

test('every graded detector: a 0.1% change in its input moves its strength by at most a few hundredths', () => {
  const probes: [string, (f: Findings, x: number) => void, number[]][] = [
    ['slow-service-time', (f, x) => { f.service_time_ms = x; }, [40, 100, 300, 500]],
    ['tail-latency', (f, x) => { f.latency_ms = { ...f.latency_ms!, p99: x }; }, [60, 100, 300, 600]],
    ['cpu-saturated', (f, x) => { f.cpu_percent_mean = x; }, [140, 170, 190]],
    ['pool-saturated', (f, x) => { f.saturation = { ...f.saturation!, all_busy_share: x }; }, [0.3, 0.5, 0.8]],
    ['threads-over-pool', (f, x) => { f.threads = x; }, [40, 50, 64]],
    ['close-wait-accumulation', (f, x) => { f.fds = { ...f.fds!, close_wait: x }; }, [2, 5, 20]],
    ['workers-held-by-clients', (f, x) => { f.workers_on_clients = { ...f.workers_on_clients!, mean: x }; }, [2, 4, 6]],
  ];
  for (const [id, set, xs] of probes) {
    for (const x of xs) {
      const a = healthyFindings(); set(a, x);
      const b = healthyFindings(); set(b, x * 1.001);
      const [ra, rb] = [detector(id)(a), detector(id)(b)];
      assert.ok(Math.abs(ra.strength - rb.strength) <= 0.02, `${id} at ${x}: ${ra.strength} vs ${rb.strength}`);
    }
  }
});

test('saturation at pool 200: 300 clients, all 200 workers busy, Little ~245 in the server → pool-saturated, pool-too-small first', () => {
  // Without pool statistics (a CherryPy app): Little's law alone, 1.22x the pool.
  const f: Findings = {
    source: 'run', duration_s: 5, cores: 2, settings: { thread_pool: 200 },
    throughput_rps: 200, requests: 1000,
    latency_ms: { min: 1001, mean: 1225, p50: 1010, p90: 1970, p95: 1972, p99: 1975, p999: 1990, max: 2000 },
    errors: { total: 0, rate: 0, by_kind: {} },
    cpu_percent_mean: 12, cpu_time_per_request_ms: 0.6, service_time_ms: 1000, latency_floor_ms: 1000,
  };
  const r = detector('pool-saturated')(f);
  assert.equal(r.status, 'issue', JSON.stringify(r));
  assert.equal(diagnose(f).causes[0]?.id, 'pool-too-small', JSON.stringify(diagnose(f).causes.map((c) => [c.id, c.confidence])));
  // With the server's statistics: all busy, 45 waiting = 22% of the pool.
  const g = { ...f, saturation: { workers: 200, all_busy_share: 0.97, busy_mean: 199.6, queue_p50: 45, queue_p99: 98, queue_max: 100, samples: 40 } };
  const rs = detector('pool-saturated')(g);
  assert.ok(rs.status === 'issue' && rs.strength >= 0.9, JSON.stringify(rs));
});

test('healthy at utilisation 0.6: all workers busy 14.6% of the time, queue p99 2 → no pool saturation, no cause', () => {
  const f = healthyFindings();
  f.saturation = { workers: 10, all_busy_share: 0.146, busy_mean: 6, queue_p50: 0, queue_p99: 2, queue_max: 5, listen_queue_max: 0, samples: 40 };
  f.settings = { ...f.settings!, thread_pool: 10 };
  assert.equal(detector('pool-saturated')(f).status, 'none');
  assert.deepEqual(diagnose(f).causes.map((c) => c.id), []);
});

test('"kernel accept queue reached 0" is not evidence', () => {
  const f = healthyFindings();
  f.saturation = { ...f.saturation!, all_busy_share: 0.95, queue_p50: 5, queue_p99: 9, listen_queue_max: 0 };
  const r = detector('pool-saturated')(f);
  assert.equal(r.status, 'issue');
  assert.ok(!r.evidence.some((e) => /accept queue/.test(e.text)), JSON.stringify(r.evidence));
  for (const c of diagnose(f).causes) assert.ok(!c.evidence.some((e) => /reached 0/.test(e.text)), c.id);
});

test('RSS growth alone: log-buffers-accumulating stays below "medium" (logging is not measured)', () => {
  const f = healthyFindings();
  f.drift = { ...f.drift, rss_bytes: risingDrift('rss_bytes', 200_000) };
  delete f.logging;
  const d = diagnose(f);
  const log = d.causes.find((c) => c.id === 'log-buffers-accumulating');
  assert.ok(!log || log.confidence < MEDIUM_CONFIDENCE, JSON.stringify(log));
  // The cap holds on the raw score too (calibrated, an alternative ranked below the cache is not
  // reported at all, so the cap and its lifting are checked on the raw scores).
  const raw = diagnose(f, { calibration: 'raw' }).causes.find((c) => c.id === 'log-buffers-accumulating');
  assert.ok(raw && raw.confidence < MEDIUM_CONFIDENCE, JSON.stringify(raw));
  // Measured synchronous logging lifts the cap.
  f.logging = { synchronous: true, share_of_service_time: 0.4 };
  const lifted = diagnose(f, { calibration: 'raw' }).causes.find((c) => c.id === 'log-buffers-accumulating');
  assert.ok(lifted && lifted.confidence > raw.confidence, JSON.stringify(lifted));
});

test('application 400s (bad parameters) are not a raw space: the server counted 0 malformed requests', () => {
  const f = healthyFindings();
  f.errors = { total: 300, rate: 0.05, by_kind: { http_400: 300 } };
  f.bad_request_count = 0;
  const d = diagnose(f);
  assert.ok(!d.causes.some((c) => c.id === 'raw-space-request-line'), JSON.stringify(d.causes.map((c) => c.id)));
  // Unknown server count (a CherryPy app): undecided, listed, never guessed.
  delete f.bad_request_count;
  const u = diagnose(f);
  assert.ok(!u.causes.some((c) => c.id === 'raw-space-request-line'));
  assert.ok(u.insufficient_causes!.some((c) => c.id === 'raw-space-request-line'));
  // The server's own count says malformed: then it is the cause.
  f.bad_request_count = 300;
  assert.equal(diagnose(f).causes[0]?.id, 'raw-space-request-line');
});

test('capacity-flat-across-pool: a curve that grew 8x (pools 1..64, 50 → 400 rps) is not flat, and the GIL is not made "high" by it', () => {
  const f = healthyFindings();
  f.pool_scaling = { values: [1, 2, 4, 8, 16, 32, 64], capacity_rps: [50, 100, 190, 330, 400, 400, 398], p99_ms: [20, 20, 21, 22, 30, 60, 120] };
  assert.equal(detector('capacity-flat-across-pool')(f).status, 'none');
  // CPU at 55% of a core while CPU is 7% of a request: not the GIL.
  f.cpu_percent_mean = 55;
  f.cpu_time_per_request_ms = 1.4;
  f.saturation = { ...f.saturation!, all_busy_share: 0.9, queue_p50: 4 };
  f.worker_threads = { total: 16, blocked_io: 15, waiting_lock: 0, running: 1, idle: 0 };
  assert.equal(detector('gil-bound')(f).status, 'none');
  assert.ok(!diagnose(f).causes.some((c) => c.id === 'cpu-bound-under-gil'));
});

test('pool-too-small reaches "high" from a single run (sweep-only evidence is optional)', () => {
  // Real CherryPy, pool 2, 100 ms blocking handler, 32 connections (no pool statistics: Little).
  const f: Findings = {
    source: 'run', duration_s: 5, cores: 2, settings: { thread_pool: 2 },
    throughput_rps: 19.6, requests: 98,
    latency_ms: { min: 101, mean: 1580, p50: 1610, p90: 1650, p95: 1660, p99: 1700, p999: 1700, max: 1710 },
    errors: { total: 0, rate: 0, by_kind: {} },
    cpu_percent_mean: 4, cpu_time_per_request_ms: 2, service_time_ms: 102, latency_floor_ms: 102,
  };
  const d = diagnose(f);
  assert.equal(d.causes[0]?.id, 'pool-too-small', JSON.stringify(d.causes.map((c) => [c.id, c.confidence])));
  const blocking = d.causes.find((c) => c.id === 'blocking-io-in-handlers');
  assert.ok(!blocking || blocking.confidence < d.causes[0].confidence);
  assert.ok(d.causes[0].score! >= 0.9, `score ${d.causes[0].score}`);
});
