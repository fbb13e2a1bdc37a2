// What the labelled corpus (test/fixtures/diagnosis-corpus) showed wrong, each as a test on the
// general rule that fixed it: machine-wide listen overflows on a healthy run, a 150 ms handler read
// as 117 ms, a faint score calibrated to the lowest block's precision, buffered uploads guessed
// from RSS alone, pool-too-small over pool-exhausted behind a proxy answering 504.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { fitCalibration, calibrateScore } from '../../src/diagnose/calibration.js';
import { detect as detectListen } from '../../src/diagnose/detectors/listen-queue-overflow.js';
import { detect as detectSlow } from '../../src/diagnose/detectors/slow-service-time.js';
import { healthyFindings, poolTooSmallFindings, risingDrift } from './fixtures.js';

test('listen overflows with every client in and this server\'s queue far below its backlog are not this server\'s', () => {
  const f = healthyFindings();
  // none-10/run: 8 of 8 connections, 17 overflows on the machine, the queue at 0 of 128.
  f.connections = { requested: 8, established: 8, listen_overflows: 17, listen_drops: 17, backlog: 128 };
  f.saturation = { ...f.saturation!, listen_queue_max: 0 };
  assert.equal(detectListen(f).strength, 0);
  assert.ok(!diagnose(f).causes.some((c) => c.id === 'listen-backlog-too-small'));
  // The same overflows with this server's queue seen at its backlog: attributable (delays).
  f.saturation = { ...f.saturation!, listen_queue_max: 128 };
  assert.ok(detectListen(f).strength > 0.1, JSON.stringify(detectListen(f)));
  // A shortfall of connections is the decisive evidence, whatever the queue was seen at.
  f.saturation = { ...f.saturation!, listen_queue_max: 0 };
  f.connections = { requested: 300, established: 150, listen_overflows: 1200, listen_drops: 1200, backlog: 5 };
  assert.ok(detectListen(f).strength > 0.9);
});

test('with no request queued, the service time is the mean latency when the server\'s estimate is shorter', () => {
  const f = healthyFindings();
  // blocking-io-in-handlers-2/run: 150 ms handlers, Little's law over sampled busy counts said 117 ms.
  f.service_time_ms = 117;
  f.latency_ms = { min: 151, mean: 158, p50: 154, p90: 169, p95: 174, p99: 192, p999: 192, max: 192 };
  const unqueued = detectSlow(f).strength;
  f.saturation = { ...f.saturation!, queue_max: 3 };
  const queued = detectSlow(f).strength;
  assert.ok(unqueued > queued, `${unqueued} vs ${queued}`);
});

test('a calibration map starts at (0, 0): a faint score does not take the lowest block\'s precision', () => {
  const outcomes = [0.3, 0.31, 0.32, 0.33, 0.6, 0.61, 0.62, 0.63].map((score, i) => ({ score, correct: (i === 0 ? 0 : 1) as 0 | 1 }));
  const points = fitCalibration(outcomes);
  assert.deepEqual(points[0], [0, 0]);
  const map = { first: points, other: points };
  assert.ok(calibrateScore(0.03, 'first', map) < 0.2, String(calibrateScore(0.03, 'first', map)));
  assert.ok(calibrateScore(0.62, 'first', map) > calibrateScore(0.31, 'first', map));
});

test('RSS growth without measured bodies: large-bodies-buffered stays at most 0.3 (an inspection cannot see bodies)', () => {
  const f = healthyFindings();
  f.drift = { ...f.drift, rss_bytes: risingDrift('rss_bytes', 200_000) };
  delete f.max_request_body_bytes;
  delete f.mean_response_bytes;
  const c = diagnose(f, { calibration: 'raw' }).causes.find((x) => x.id === 'large-bodies-buffered');
  assert.ok(!c || c.confidence <= 0.3, JSON.stringify(c));
});

test('a full pool behind a proxy answering 504: pool-exhausted ranks above pool-too-small', () => {
  const f = poolTooSmallFindings();
  f.proxy = { kind: 'nginx', read_timeout_s: 1, keepalive: true, upstream_timeouts: 32, premature_closes: 0, upstream_resets: 0, status_502: 0, status_504: 24, connection_refused: 0 };
  f.errors = { total: 24, rate: 0.1, by_kind: { http_504: 24 } };
  const ids = diagnose(f, { calibration: 'raw' }).causes.map((c) => c.id);
  assert.ok(ids.includes('pool-exhausted') && ids.includes('pool-too-small'), ids.join(', '));
  assert.ok(ids.indexOf('pool-exhausted') < ids.indexOf('pool-too-small'), ids.join(', '));
});
