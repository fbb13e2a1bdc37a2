// Every detector alone, on seeded synthetic findings: one that shows its signal (issue), the
// healthy service (none), and empty findings (insufficient, naming what was missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS } from '../../src/diagnose/detector-registry.js';
import type { Findings } from '../../src/diagnose/findings.js';
import { healthyFindings, risingDrift } from './fixtures.js';

type Change = (f: Findings) => void;

/** For each detector, a change to the healthy findings that must make it answer "issue". */
const ISSUE: Record<string, Change> = {
  'processes-add-capacity': (f) => { f.process_scaling = { values: [1, 2, 3, 4], capacity_rps: [190, 370, 372, 368] }; },
  'processes-over-cores': (f) => { f.settings = { ...f.settings!, model: 'process-pool', processes: 4 }; f.process_scaling = { values: [1, 2, 3, 4], capacity_rps: [190, 370, 372, 368] }; },
  'per-request-workers': (f) => { f.process_tree = { processes_max: 40, created_per_s_max: 150, threads_min: 12, threads_max: 14 }; },
  'uneven-process-load': (f) => { f.requests_per_process = [5200, 800]; },
  'pool-saturated': (f) => { f.saturation = { ...f.saturation!, all_busy_share: 0.93, queue_p99: 140 }; },
  'cpu-saturated': (f) => { f.cpu_percent_mean = 190; },
  'gil-bound': (f) => { f.cpu_percent_mean = 100; f.cpu_time_per_request_ms = 18; f.saturation = { ...f.saturation!, all_busy_share: 0.9 }; f.worker_threads = { total: 16, blocked_io: 0, waiting_lock: 15, running: 1, idle: 0 }; },
  'io-bound-handlers': (f) => { f.cpu_time_per_request_ms = 1; f.service_time_ms = 50; f.worker_threads = { total: 16, blocked_io: 14, waiting_lock: 0, running: 0, idle: 2 }; },
  'tail-latency': (f) => { f.latency_ms = { ...f.latency_ms!, p99: 300 }; },
  queueing: (f) => { f.latency_ms = { ...f.latency_ms!, mean: 120 }; f.saturation = { ...f.saturation!, all_busy_share: 0.8, queue_p99: 30 }; },
  'capacity-flat-across-pool': (f) => { f.pool_scaling = { values: [1, 4, 16, 64], capacity_rps: [170, 174, 175, 172], p99_ms: [1, 2, 3, 4] }; },
  'context-switch-overhead': (f) => { f.settings = { ...f.settings!, thread_pool: 256 }; f.pool_scaling = { values: [4, 16, 64, 256], capacity_rps: [700, 760, 770, 600], p99_ms: [1, 2, 3, 4], ctx_per_request: [4, 6, 12, 30] }; },
  'downstream-pool-wait': (f) => { f.worker_threads = { total: 40, blocked_io: 3, waiting_lock: 35, running: 2, idle: 0 }; },
  'proxy-gateway-errors': (f) => { f.proxy = { ...f.proxy!, status_502: 20 }; },
  'proxy-upstream-timeouts': (f) => { f.proxy = { ...f.proxy!, upstream_timeouts: 5 }; },
  'proxy-premature-close': (f) => { f.proxy = { ...f.proxy!, premature_closes: 3 }; },
  'handler-exceeds-proxy-timeout': (f) => { f.proxy = { ...f.proxy!, read_timeout_s: 0.02 }; },
  'proxy-timeout-below-server': (f) => { f.proxy = { ...f.proxy!, read_timeout_s: 8 }; },
  'keepalive-mismatch': (f) => { f.proxy = { ...f.proxy!, upstream_resets: 4 }; },
  'slow-client-cutoffs': (f) => { f.slow_clients = { attempted: 10, failed: 8, by_kind: { reset: 8 }, pause_s: 15 }; },
  'body-too-large': (f) => { f.errors = { total: 30, rate: 0.005, by_kind: { http_413: 30 } }; },
  'bad-request-400s': (f) => { f.bad_request_count = 12; },
  'proxy-backend-refused': (f) => { f.proxy = { ...f.proxy!, connection_refused: 40, status_502: 40 }; },
  'proxy-hides-client': (f) => { f.proxy = { ...f.proxy!, forwarded: { app_logs_proxy_address: true, urls_use_proxy_host: true, recoverable_with_tools_proxy: true, host_seen: '127.0.0.1:8080', peer_address: '127.0.0.1' } }; },
  'client-resets': (f) => { f.errors = { total: 60, rate: 0.01, by_kind: { reset: 60 } }; },
  'rss-drift': (f) => { f.drift = { ...f.drift, rss_bytes: risingDrift('rss_bytes', 200_000) }; },
  'fd-drift': (f) => { f.drift = { ...f.drift, fds: risingDrift('fds', 2) }; },
  'thread-drift': (f) => { f.drift = { ...f.drift, threads: risingDrift('threads', 0.5) }; },
  'threads-over-pool': (f) => { f.threads = 140; },
  'close-wait-accumulation': (f) => { f.fds = { ...f.fds!, close_wait: 40 }; },
  'fd-limit-near': (f) => { f.fds = { count: 1000, limit: 1024, close_wait: 0 }; },
  'large-request-bodies': (f) => { f.max_request_body_bytes = 50 * 1024 * 1024; },
  'large-responses': (f) => { f.mean_response_bytes = 4 * 1024 * 1024; },
  'synchronous-logging': (f) => { f.logging = { synchronous: true, share_of_service_time: 0.3 }; },
  'gzip-incompressible': (f) => { f.compression = { gzip_on: true, precompressed_share: 0.8 }; },
  'slow-service-time': (f) => { f.service_time_ms = 450; },
  'malformed-request-lines': (f) => { f.bad_request_count = 12; },
  'backend-5xx': (f) => {
    f.errors = { total: 60, rate: 0.01, by_kind: { http_500: 60 } };
    f.server_5xx_count = 60;
    f.proxy = { ...f.proxy!, relayed_5xx: 60 };
    f.paths_5xx = ['/work?fail=0.01'];
  },
  'proxy-concurrency-limit': (f) => {
    f.proxy = { ...f.proxy!, kind: 'apache', concurrency_limit: 4, concurrency_limit_setting: 'MaxRequestWorkers 4 (ThreadsPerChild 2 × ServerLimit 2)', limit_reached: 1 };
    f.client_concurrency = 16;
  },
  'close-wait-from-proxy': (f) => { f.fds = { ...f.fds!, close_wait: 40 }; f.close_wait_proxy = { count: 38, proxy: 'nginx (pid 4242)' }; },
  'workers-blocked-on-peer': (f) => { f.blocked_on_peer = { peer: '127.0.0.1:5432', workers: 14, total_workers: 16 }; },
  'workers-held-by-clients': (f) => { f.workers_on_clients = { mean: 9, max: 12, total_workers: 16, samples: 30, source: 'proc' }; },
  'listen-queue-overflow': (f) => { f.connections = { requested: 300, established: 150, listen_overflows: 7402, listen_drops: 7402, backlog: 5 }; },
};

test('every registered detector has a seeded issue case here (and no stale ones)', () => {
  assert.deepEqual(Object.keys(ISSUE).sort(), DETECTORS.map((d) => d.id).sort());
});

test('detector ids are unique kebab-case', () => {
  const ids = DETECTORS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

for (const { id, detect } of DETECTORS) {
  test(`${id}: issue on its seeded signal, with numbers in the evidence`, () => {
    const f = healthyFindings();
    ISSUE[id](f);
    const r = detect(f);
    assert.equal(r.detector, id);
    assert.equal(r.status, 'issue', JSON.stringify(r));
    assert.ok(r.strength > 0 && r.strength <= 1, `strength ${r.strength}`);
    assert.ok(r.evidence.length > 0);
    for (const e of r.evidence) {
      assert.ok(Number.isFinite(e.value), `${e.signal} value ${e.value}`);
      assert.match(e.text, /\d/, `evidence text carries a number: ${e.text}`);
    }
  });

  test(`${id}: none on the healthy service`, () => {
    const r = detect(healthyFindings());
    assert.equal(r.status, 'none', JSON.stringify(r));
    assert.equal(r.strength, 0);
  });

  test(`${id}: insufficient on empty findings, saying what is missing`, () => {
    const r = detect({ source: 'run' });
    assert.equal(r.status, 'insufficient');
    assert.ok(r.missing && r.missing.length > 0);
  });
}

test('pool-saturated evidence reads like a person wrote it', () => {
  const f = healthyFindings();
  ISSUE['pool-saturated'](f);
  const r = DETECTORS.find((d) => d.id === 'pool-saturated')!.detect(f);
  assert.match(r.evidence[0].text, /all 16 workers busy 93% of the time/);
  assert.match(r.evidence[1].text, /p99 140/);
});

test('gil-bound: one core pinned while the pool is idle is not the GIL ceiling', () => {
  const f = healthyFindings();
  f.cpu_percent_mean = 100;
  const r = DETECTORS.find((d) => d.id === 'gil-bound')!.detect(f);
  assert.equal(r.status, 'none');
});

test('context-switch-overhead: judged at the pool in use, so larger pools a sweep measured and advised against are not its problem', () => {
  const detect = DETECTORS.find((d) => d.id === 'context-switch-overhead')!.detect;
  const f = healthyFindings();
  ISSUE['context-switch-overhead'](f);
  // The same sweep, the server at 16 (what a sweep recommends from it): 256 serving 22% less is not 16's problem.
  f.settings = { ...f.settings!, thread_pool: 16 };
  const atSixteen = detect(f);
  assert.equal(atSixteen.status, 'none', JSON.stringify(atSixteen));
  assert.match(atSixteen.evidence[0].text, /pool 16 \(the pool in use\) serves 760 rps; best up to it 760 rps/);
  // Retrograde is against smaller pools only: the smallest pool is never "too large" for serving less than the best.
  f.settings = { ...f.settings!, thread_pool: 4 };
  assert.equal(detect(f).status, 'none');
  // A pool in use that the sweep did not measure: the largest measured is judged (the curve bends back there).
  f.settings = { ...f.settings!, thread_pool: 10 };
  assert.equal(detect(f).status, 'issue');
});

test('slow-client-cutoffs: failures with pauses shorter than socket_timeout are not cutoffs', () => {
  const f = healthyFindings();
  f.slow_clients = { attempted: 10, failed: 8, by_kind: { timeout: 8 }, pause_s: 2 };
  const r = DETECTORS.find((d) => d.id === 'slow-client-cutoffs')!.detect(f);
  assert.equal(r.status, 'none');
});

test('rss-drift: a shrinking or non-drifting estimate is not a leak', () => {
  const f = healthyFindings();
  f.drift = { rss_bytes: { ...risingDrift('rss_bytes', -5000), ci_low: -6000, ci_high: -4000 } };
  assert.equal(DETECTORS.find((d) => d.id === 'rss-drift')!.detect(f).status, 'none');
  f.drift = { rss_bytes: { ...risingDrift('rss_bytes', 5000), drifting: false } };
  assert.equal(DETECTORS.find((d) => d.id === 'rss-drift')!.detect(f).status, 'none');
});

test('gil-bound: half a core with a full pool is decided by what requests are made of, and a sweep settles it', () => {
  const gil = DETECTORS.find((d) => d.id === 'gil-bound')!.detect;
  const f = healthyFindings();
  f.cpu_percent_mean = 60;
  f.saturation = { ...f.saturation!, all_busy_share: 0.9, queue_p99: 6 };
  delete f.pool_scaling;
  delete f.worker_threads;
  // 8 ms of CPU in a 20 ms fastest request: requests are made of CPU.
  assert.equal(gil(f).status, 'issue');
  // 1 ms of CPU in a 20 ms request (the issue's "CPU 7% of the service time"): per-request overhead.
  f.cpu_time_per_request_ms = 1;
  const overhead = gil(f);
  assert.equal(overhead.status, 'none', JSON.stringify(overhead));
  // Neither the share nor the threads: it cannot tell, and says what would.
  delete f.cpu_time_per_request_ms;
  const unsure = gil(f);
  assert.equal(unsure.status, 'insufficient');
  assert.match(unsure.missing![0], /made of CPU/);
  f.pool_scaling = { values: [2, 8, 32], capacity_rps: [170, 175, 172], p99_ms: [1, 2, 3] };
  assert.equal(gil(f).status, 'issue');
  f.pool_scaling = { values: [2, 8, 32], capacity_rps: [90, 350, 1200], p99_ms: [1, 2, 3] };
  assert.equal(gil(f).status, 'none');
});

test('rss-drift in a short run: warm-up-sized growth is not a leak; without the RSS level it cannot be judged', () => {
  const rss = DETECTORS.find((d) => d.id === 'rss-drift')!.detect;
  const f = healthyFindings();
  f.duration_s = 4;
  f.rss_bytes = 116 * 1024 * 1024;
  f.drift = { rss_bytes: { ...risingDrift('rss_bytes', 1.6 * 1024 * 1024), growth: 6.6 * 1024 * 1024 } };
  const warm = rss(f);
  assert.equal(warm.status, 'none');
  assert.match(warm.evidence.at(-1)!.text, /within warm-up/);
  f.drift.rss_bytes!.growth = 200 * 1024 * 1024;
  f.rss_bytes = 350 * 1024 * 1024;
  assert.equal(rss(f).status, 'issue');
  delete f.rss_bytes;
  assert.equal(rss(f).status, 'insufficient');
  f.duration_s = 600;
  assert.equal(rss(f).status, 'issue', 'a long window needs no level');
});

test('backend-5xx: the application\'s own 500s, told apart from the proxy\'s own and from gateway statuses', () => {
  const detect = DETECTORS.find((d) => d.id === 'backend-5xx')!.detect;
  // nginx out of worker_connections answers 500 itself: the backend counted none, the access log relayed none.
  const f = healthyFindings();
  f.errors = { total: 78, rate: 0.013, by_kind: { http_500: 78 } };
  f.proxy = { ...f.proxy!, relayed_5xx: 0, own_5xx: 81 };
  const own = detect(f);
  assert.equal(own.status, 'none', JSON.stringify(own));
  assert.match(own.evidence.map((e) => e.text).join('\n'), /81 more it made itself/);
  // Gateway statuses are not the application's.
  const gateway = healthyFindings();
  gateway.errors = { total: 90, rate: 0.015, by_kind: { http_502: 60, http_503: 20, http_504: 10 } };
  assert.equal(detect(gateway).status, 'none');
  // No proxy, no server count: the client's 500s can only be the application's.
  const direct: Findings = { source: 'run', requests: 600, errors: { total: 120, rate: 0.2, by_kind: { http_500: 120 } } };
  const d = detect(direct);
  assert.equal(d.status, 'issue');
  assert.ok(d.strength > 0.9, JSON.stringify(d));
  // Behind a proxy with neither the backend's count nor the proxy's log: the 500s may be the proxy's, discounted.
  const unknown: Findings = { ...direct, proxy: { kind: 'nginx', read_timeout_s: 60, keepalive: true, upstream_timeouts: 0, premature_closes: 0, upstream_resets: 0, status_502: 0, status_504: 0 } };
  const u = detect(unknown);
  assert.equal(u.status, 'issue');
  assert.ok(u.strength < d.strength, `${u.strength} < ${d.strength}`);
});

test('proxy-concurrency-limit: none when the backend\'s pool is the smaller limit or clients fit; weaker when the pool is full too', () => {
  const detect = DETECTORS.find((d) => d.id === 'proxy-concurrency-limit')!.detect;
  const limited = () => {
    const f = healthyFindings();
    f.proxy = { ...f.proxy!, kind: 'apache', concurrency_limit: 4, concurrency_limit_setting: 'MaxRequestWorkers 4 (ThreadsPerChild 2 × ServerLimit 2)', limit_reached: 0 };
    f.client_concurrency = 16;
    return f;
  };
  const hard = detect(limited());
  assert.equal(hard.status, 'issue');
  assert.ok(hard.strength > 0.9, JSON.stringify(hard));
  const small = limited();
  small.settings = { ...small.settings!, thread_pool: 4 };
  assert.equal(detect(small).status, 'none', 'a pool of 4 behind a limit of 4: the pool is reached first');
  const fits = limited();
  fits.client_concurrency = 4;
  assert.equal(detect(fits).status, 'none');
  const full = limited();
  full.saturation = { ...full.saturation!, all_busy_share: 0.9 };
  assert.equal(detect(full).status, 'none', 'all workers busy: the pool is a limit, not only the proxy');
  // 10% over the limit, with the proxy's log saying so: at least the logged floor; half of it at 5% over.
  const brush = limited();
  brush.client_concurrency = 4.4;
  brush.proxy!.limit_reached = 3;
  assert.ok(detect(brush).strength >= 0.6, JSON.stringify(detect(brush)));
  brush.client_concurrency = 4.2;
  assert.ok(Math.abs(detect(brush).strength - 0.3) < 0.01, JSON.stringify(detect(brush)));
  // A pool just above the limit counts a little: no cliff at pool = limit.
  const near = limited();
  near.proxy!.concurrency_limit = 16;
  near.client_concurrency = 64;
  near.settings = { ...near.settings!, thread_pool: 17 };
  const n = detect(near);
  assert.ok(n.status === 'issue' && n.strength > 0.05 && n.strength < 0.5, JSON.stringify(n));
  const noLimit = limited();
  delete noLimit.proxy!.concurrency_limit;
  assert.equal(detect(noLimit).status, 'insufficient');
});

test('gil-bound (inspect): idle-looking workers that compute while requests wait unread — the lock is the ceiling; without the queue, or with workers in I/O, it is not', () => {
  const gil = DETECTORS.find((d) => d.id === 'gil-bound')!.detect;
  // cpu-bound-under-gil-5/inspect, as measured on a busy machine: CherryPy's acceptor starves under
  // the GIL, so the median sample shows all 8 workers idle; the few busy ones compute.
  const f: Findings = {
    source: 'inspect', duration_s: 2, cores: 2, cpu_percent_mean: 55,
    worker_threads: { total: 8, idle: 8, blocked_io: 0, waiting_lock: 0, running: 0, all_busy_share: 0.06, busy_mean: 1.6, computing_mean: 1.55, samples: 17 },
    requests_waiting: { mean: 8, max: 11, samples: 17 },
  };
  const queued = gil(f);
  assert.equal(queued.status, 'issue');
  assert.ok(queued.strength >= 0.5, JSON.stringify(queued));
  assert.ok(queued.evidence.some((e) => e.signal === 'lock_queue'), JSON.stringify(queued.evidence));
  // The same workers with nothing waiting: no ceiling reached.
  f.requests_waiting = { mean: 0, max: 1, samples: 17 };
  assert.ok(gil(f).strength < 0.1, JSON.stringify(gil(f)));
  // Requests waiting while the busy workers wait on I/O: not made of CPU (the pool, not the GIL).
  f.requests_waiting = { mean: 8, max: 11, samples: 17 };
  f.worker_threads = { ...f.worker_threads!, blocked_io: 8, idle: 0, busy_mean: 8, computing_mean: 0.1 };
  assert.equal(gil(f).strength, 0);
});

test('gil-bound (inspect): a process at a core or more while fewer than one worker computes is not the GIL — the CPU is another thread\'s', () => {
  const gil = DETECTORS.find((d) => d.id === 'gil-bound')!.detect;
  // A service retaining 64 KiB a request, inspected on the quiet machine: 156% of a core (the
  // allocator and the collector), workers idle, a request or so waiting.
  const f: Findings = {
    source: 'inspect', duration_s: 2, cores: 2, cpu_percent_mean: 156,
    worker_threads: { total: 8, idle: 8, blocked_io: 0, waiting_lock: 0, running: 0, all_busy_share: 0, busy_mean: 0.35, computing_mean: 0.35, samples: 17 },
    requests_waiting: { mean: 1.1, max: 7, samples: 17 },
  };
  assert.ok(gil(f).strength < 0.1, JSON.stringify(gil(f)));
  // The same CPU with the workers contending for the lock: the GIL is the ceiling.
  f.cpu_percent_mean = 98;
  f.worker_threads = { ...f.worker_threads!, busy_mean: 2.8, computing_mean: 2.8 };
  assert.ok(gil(f).strength >= 0.9, JSON.stringify(gil(f)));
});

test('fd-drift: a process at its fd limit holding hundreds of fds per connection leaked them before the window began; one at the limit with as many connections did not', () => {
  const drift = DETECTORS.find((d) => d.id === 'fd-drift')!.detect;
  // Measured: 4 clients against a handler that leaks an fd a request reach the limit of 20,000 in
  // the warm-up; over the window the count is flat at the limit and every new request fails.
  const f = healthyFindings();
  f.fds = { count: 20000, limit: 20000, close_wait: 0 };
  f.connections = { requested: 4, established: 4 };
  const leak = drift(f);
  assert.equal(leak.status, 'issue');
  assert.ok(leak.strength >= 0.9, JSON.stringify(leak));
  assert.ok(leak.evidence.some((e) => e.signal === 'fds_at_limit_per_connection'), JSON.stringify(leak.evidence));
  // 19,000 connections explain 20,000 fds: a busy server at its limit (fd-limit-near's cause), not a leak.
  f.connections = { requested: 19000, established: 19000 };
  assert.equal(drift(f).status, 'none');
  // Far from the limit, a flat count is no leak whatever the connections.
  f.fds = { count: 5000, limit: 20000, close_wait: 0 };
  f.connections = { requested: 4, established: 4 };
  assert.equal(drift(f).status, 'none');
});
