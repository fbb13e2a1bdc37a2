// Fixes name measured values (issue 11): a sweep that recommends N shows N in every pool fix, never
// a literal from the cause table; timeouts come from the measured ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSES, findCause, formatFix } from '../../src/diagnose/causes.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { fillFix, fixValues } from '../../src/diagnose/fill-fix.js';
import { findingsFromSweep } from '../../src/sweep/findings-from-sweep.js';
import { syntheticStep } from '../sweep/synthetic-doc.js';
import { poolTooSmallFindings } from './fixtures.js';
import type { Findings } from '../../src/diagnose/findings.js';

const SNIPPET_NUMBER = /'server\.(thread_pool|socket_timeout)': \d|(proxy_read_timeout|proxy_send_timeout|keepalive_timeout) \d|pool_size=\d/;

test('no cause hard-codes a pool size or a timeout: the snippets are templates, and every placeholder is known', () => {
  const known = new Set(Object.keys(fixValues()));
  for (const c of CAUSES) {
    for (const text of [c.fix.summary, c.fix.cherrypy ?? '', c.fix.nginx ?? '']) {
      assert.doesNotMatch(text, SNIPPET_NUMBER, `${c.id}: ${text}`);
      for (const [, name] of text.matchAll(/\{\{([a-z_]+)\}\}/g)) assert.ok(known.has(name), `${c.id}: unknown placeholder ${name}`);
    }
    const filled = formatFix(fillFix(c.fix));
    assert.doesNotMatch(filled, /\{\{/, `${c.id} filled`);
  }
});

test('a sweep recommending N shows N in its pool fixes', () => {
  for (const n of [12, 24]) {
    const steps = [4, 8, 12, 16, 24, 32].map((v) => syntheticStep(v, { serviceMs: 21, limitRps: 700 }));
    const findings = findingsFromSweep({ setting: 'thread_pool', steps, recommendedValue: n, cores: 2, sloP99Ms: 250 });
    assert.deepEqual(findings.recommended, { setting: 'thread_pool', value: n });
    for (const id of ['pool-too-small', 'pool-too-large', 'pool-exhausted']) {
      const fix = formatFix(fillFix(findCause(id)!.fix, findings));
      assert.match(fix, new RegExp(`'server\\.thread_pool': ${n}\\b.*# recommended by this sweep`), `${id}: ${fix}`);
      assert.doesNotMatch(fix, /'server\.thread_pool': (?!\d+\b.*recommended)/, id);
    }
    // Through the diagnosis: a saturated pool at the operating point still names the sweep's value.
    const diagnosis = diagnose({ ...poolTooSmallFindings(), recommended: { setting: 'thread_pool', value: n } });
    const small = diagnosis.causes.find((c) => c.id === 'pool-too-small');
    assert.ok(small, diagnosis.causes.map((c) => c.id).join(', '));
    assert.match(small.fix, new RegExp(`'server\\.thread_pool': ${n},  # recommended by this sweep`));
  }
});

test('without a sweep: Little\'s law at the measured rate, or what to measure; timeouts from the measured ones', () => {
  const run = poolTooSmallFindings();
  run.offered_rps = 400;
  run.throughput_rps = 380;
  run.service_time_ms = 20;
  const v = fixValues(run);
  assert.equal(v.thread_pool, '12', '1.5 × 400 rps × 20 ms');
  assert.match(v.thread_pool_why, /Little's law, measured/);
  assert.equal(fixValues().thread_pool, 'N');
  assert.match(fixValues().thread_pool_why, /cpdiag sweep thread-pool/);
  // socket_timeout: the measured one; above the longest client pause when slow clients were cut off.
  assert.equal(fixValues({ source: 'run', settings: { socket_timeout: 10 } }).socket_timeout, '10');
  const slow = fixValues({ source: 'run', settings: { socket_timeout: 2 }, slow_clients: { attempted: 8, failed: 8, by_kind: {}, pause_s: 3 } });
  assert.equal(slow.socket_timeout, '6');
  assert.match(slow.socket_timeout_why, /twice the longest client pause measured \(3 s\)/);
  assert.equal(slow.proxy_read_timeout, '11s', 'above the server timeout');
  assert.equal(slow.keepalive_timeout, '3s', 'below the server timeout');
  // The proxy also waits out the slowest request measured.
  assert.equal(fixValues({ source: 'run', settings: { socket_timeout: 10 }, latency_ms: { min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 42_000 } }).proxy_read_timeout, '47s');
});

test('a lower socket_timeout (idle connections holding workers): half the measured one, never below twice a measured client pause', () => {
  assert.equal(fixValues({ source: 'run', settings: { socket_timeout: 30 } }).socket_timeout_lower, '15');
  assert.match(fixValues({ source: 'run', settings: { socket_timeout: 30 } }).socket_timeout_lower_why, /down from the measured 30 s/);
  assert.equal(fixValues().socket_timeout_lower, '5', "half CherryPy's default 10 s");
  assert.equal(fixValues({ source: 'run', settings: { socket_timeout: 4 } }).socket_timeout_lower, '3', 'not below a few seconds');
  assert.equal(fixValues({ source: 'run', settings: { socket_timeout: 2 } }).socket_timeout_lower, '2', 'never above the measured one');
  const paused = fixValues({ source: 'run', settings: { socket_timeout: 30 }, slow_clients: { attempted: 4, failed: 0, by_kind: {}, pause_s: 9 } });
  assert.equal(paused.socket_timeout_lower, '18', 'twice the 9 s pause');
  const kept = fixValues({ source: 'run', settings: { socket_timeout: 10 }, slow_clients: { attempted: 4, failed: 0, by_kind: {}, pause_s: 8 } });
  assert.equal(kept.socket_timeout_lower, '10');
  assert.match(kept.socket_timeout_lower_why, /kept at the measured 10 s: clients were measured pausing 8 s; the buffering proxy is the fix/);
});

test('proxy-worker-limit: the proxy\'s settings filled from the clients and the pool; only the proxy in front', () => {
  const f: Findings = {
    source: 'run', settings: { thread_pool: 16 }, client_concurrency: 24,
    proxy: { kind: 'apache', read_timeout_s: 60, keepalive: true, upstream_timeouts: 0, premature_closes: 0, upstream_resets: 0, status_502: 0, status_504: 0, concurrency_limit: 4, concurrency_limit_setting: 'MaxRequestWorkers 4 (ThreadsPerChild 2 × ServerLimit 2)', apache_threads_per_child: 2, apache_server_limit: 2 },
  };
  const fix = fillFix(findCause('proxy-worker-limit')!.fix, f);
  assert.match(fix.apache!, /ServerLimit\s+12\n/);
  assert.match(fix.apache!, /MaxRequestWorkers\s+24\s+# was 4/);
  assert.match(fix.summary, /24 measured\).*24 instead of 4/);
  assert.equal(fix.nginx, undefined, 'a run through Apache is not told to set nginx directives');
  const n = fillFix(findCause('proxy-worker-limit')!.fix, { ...f, proxy: { ...f.proxy!, kind: 'nginx' } });
  assert.match(n.nginx!, /worker_connections 49;/);
  assert.equal(n.apache, undefined);
});

test('backend-returned-5xx: the share and the paths that failed, as measured', () => {
  const fix = fillFix(findCause('backend-returned-5xx')!.fix, { source: 'run', requests: 500, server_5xx_count: 100, paths_5xx: ['/work?fail=0.2'] });
  assert.match(fix.summary, /20(\.0)?% of requests were answered 5xx by the application itself \(\/work\?fail=0\.2\)/);
});
