// The symptom→cause table, as data. Each cause says which detector answers support it, which argue
// against it, and how to fix it. diagnose.ts reads this table; no rule depends on its order.
//
// Knowledge from the project's source material (written here in our own words), cited in each
// cause's `source` by title and section, which `cpdiag causes ID` and every summary.md print:
//   OPS       "Troubleshooting CherryPy in production": the thread-pool model, configuration, the
//             symptom table, common pitfalls, step-by-step fixes, case studies, the checklist
//   BALANCING "Load balancing CherryPy": processes on several ports behind a balancer
//   REWRITE   "CherryPy behind Apache with mod_rewrite": the raw-space request-line bug, forwarded client data
//   FLUP      "nginx and flup FastCGI: multiplexing leaks threads"
//   CHEROOT   cheroot.server / cheroot.workers.threadpool behaviour (see docs/diagnosis.md)

export type SymptomId =
  | 'proxy-502-504'
  | 'rising-memory'
  | 'resets-disconnects'
  | 'tail-latency-spikes'
  | 'rising-threads'
  | 'rising-fds'
  | 'bad-requests-400'
  | 'request-path-overhead'
  | 'wrong-client-data'
  | 'application-5xx';

export const SYMPTOMS: Record<SymptomId, string> = {
  'proxy-502-504': '502/504 at the proxy',
  'rising-memory': 'slowly rising memory',
  'resets-disconnects': 'sudden resets / "client disconnected"',
  'tail-latency-spikes': 'high tail latency under spikes',
  'rising-threads': 'rising thread count',
  'rising-fds': 'rising open file descriptors',
  'bad-requests-400': '400 Bad Request on some paths',
  'request-path-overhead': 'work on the request path that need not be there',
  'wrong-client-data': "logs and absolute URLs show the proxy's address and host",
  'application-5xx': '500 Internal Server Error from the application (relayed by the proxy)',
};

/** A detector answer that bears on a cause. */
export interface CauseSignal {
  detector: string;
  /** The answer that counts: 'issue' (the detector saw its signal) or 'none' (it saw the signal absent). */
  status: 'issue' | 'none';
  /** Relative weight among this cause's supports; for rules_out, the share of confidence taken away. */
  weight: number;
  /** A required support must hold for the cause to be reported at all. */
  required?: boolean;
  /**
   * Counted only when its detector could answer: evidence that only a sweep (or only an
   * inspection) can give must not cap what a single run can show.
   */
  optional?: boolean;
  /** Why this answer bears on the cause, for `cpdiag causes ID`. */
  why: string;
}

/** A fix: its snippets are templates with {{name}} placeholders, filled from the findings by fill-fix.ts. */
export interface CauseFix {
  summary: string;
  /** CherryPy config (Python dict or ini) to paste. */
  cherrypy?: string;
  /** nginx directives, where a proxy is involved. */
  nginx?: string;
  /** Apache directives, where Apache is the proxy. */
  apache?: string;
}

export interface CauseDefinition {
  /** Stable kebab-case id: appears in JSON. */
  id: string;
  /** The first is the primary symptom. */
  symptoms: SymptomId[];
  title: string;
  /** What goes wrong, in a paragraph. */
  cause: string;
  supports: CauseSignal[];
  rules_out: CauseSignal[];
  /** The evidence that would show this cause, for when cpdiag could not measure it. */
  would_show: string;
  /**
   * A cause whose own evidence cpdiag rarely measures (logging, gzip) is capped at `max` unless the
   * detector `unless` answered issue: a shared symptom alone (RSS growth) must not make it likely.
   */
  cap?: { unless: string; max: number };
  /**
   * The server setting whose size is this cause's remedy (its fix raises or lowers it). A sweep of
   * that setting measured the remedy directly — capacity at each size — so in such a sweep the
   * cause is not named beside the recommendation (a "raise the pool" next to "thread_pool = 8" is
   * a contradiction, whatever the snippet says): it is listed as answered by the recommendation
   * (diagnose.ts, Diagnosis.answered_by_sweep).
   */
  remedy_setting?: 'thread_pool' | 'processes';
  fix: CauseFix;
  source: string;
}

const OPS = 'Troubleshooting CherryPy in production';
const BALANCING = 'Load balancing CherryPy';
const REWRITE = 'CherryPy behind Apache with mod_rewrite';
const FLUP = 'nginx and flup FastCGI: multiplexing leaks threads';
const CHEROOT = 'cheroot.server / cheroot.workers.threadpool (CherryPy 18)';

export const CAUSES: readonly CauseDefinition[] = [
  // ---------------------------------------------------------------- 502/504 at the proxy
  {
    id: 'pool-exhausted',
    symptoms: ['proxy-502-504', 'tail-latency-spikes'],
    title: 'Worker pool exhausted behind the proxy',
    cause:
      'Every worker is busy, so new requests wait in the accepted queue (and then the listen backlog) while nginx waits for ' +
      'a response header. The wait plus the service time exceeds proxy_read_timeout and nginx answers 504, or the backlog ' +
      'overflows and the connect fails with 502. The server is healthy but too narrow for the offered load.',
    supports: [
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 2, required: true, why: 'the proxy answered 502/504' },
      { detector: 'pool-saturated', status: 'issue', weight: 3, required: true, why: 'all workers were busy and requests queued' },
      { detector: 'queueing', status: 'issue', weight: 2, why: 'latency is mostly waiting for a worker' },
      { detector: 'proxy-upstream-timeouts', status: 'issue', weight: 1, why: 'nginx logged upstream timeouts while requests waited' },
      { detector: 'close-wait-from-proxy', status: 'issue', weight: 1, optional: true, why: 'the proxy closed connections whose requests were still queued' },
    ],
    rules_out: [
      { detector: 'cpu-saturated', status: 'issue', weight: 0.3, why: 'with the CPU full, more workers would not help: the CPU is the limit' },
      { detector: 'workers-blocked-on-peer', status: 'issue', weight: 0.4, why: 'the workers wait on one downstream peer: more of them only queue there' },
    ],
    would_show: 'nginx 502/504 counts together with the server\'s busy/queue statistics (server.statistics or cpdiag probes).',
    remedy_setting: 'thread_pool',
    fix: {
      summary: 'Widen the pool to cover the offered load (Little: workers ≥ rate × service time, with headroom), bound the queue so overload is refused fast, and find the size with `cpdiag sweep thread_pool`.',
      cherrypy: "cherrypy.config.update({\n    'server.thread_pool': {{thread_pool}},  # {{thread_pool_why}}\n    'server.socket_queue_size': 100,\n    'server.accepted_queue_size': 64,  # refuse with 503 rather than queue without bound\n})",
      nginx: 'proxy_next_upstream error timeout;   # with several upstreams, retry elsewhere\nproxy_read_timeout {{proxy_read_timeout}};',
    },
    source: `${OPS}: symptom table ("502/504 at the proxy"), common pitfalls 1 (thread pool misconfiguration); ${CHEROOT}`,
  },
  {
    id: 'slow-upstream-responses',
    symptoms: ['proxy-502-504', 'tail-latency-spikes'],
    title: 'Handlers wait on a slow dependency',
    cause:
      'Handlers call a database or a third-party API synchronously and wait for it without a deadline. When the dependency ' +
      'slows down, requests hold their workers for its full delay; the proxy times out (504) and retries can amplify the load.',
    supports: [
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 2, required: true, why: 'the proxy answered 502/504' },
      { detector: 'io-bound-handlers', status: 'issue', weight: 3, required: true, why: 'requests spend most of their time waiting, not computing' },
      { detector: 'slow-service-time', status: 'issue', weight: 2, why: 'each request holds its worker a long time' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'the slow dependency shows in the tail' },
      { detector: 'workers-blocked-on-peer', status: 'issue', weight: 2, optional: true, why: 'the workers are blocked on the dependency\'s address' },
    ],
    rules_out: [
      { detector: 'gil-bound', status: 'issue', weight: 0.4, why: 'handlers are CPU-bound, not waiting' },
    ],
    would_show: 'service time far above CPU time per request, workers blocked in recvfrom/poll (cpdiag inspect), proxy 504s.',
    fix: {
      summary: 'Give every outbound call a connect and read deadline shorter than the proxy timeout, cap concurrent calls with a semaphore or circuit breaker, and retry at the caller, not inside the handler.',
      cherrypy: "SESSION.get(url, timeout=(2, 5))   # connect, read deadlines\nGUARD = threading.BoundedSemaphore(8)  # shed load when the dependency is slow",
    },
    source: `${OPS}: step-by-step fixes (harden timeouts and retries, implement backpressure), case studies 3 (thread pool saturation on third-party HTTP calls)`,
  },
  {
    id: 'proxy-read-timeout-shorter-than-handler',
    symptoms: ['proxy-502-504', 'resets-disconnects'],
    title: 'proxy_read_timeout is shorter than the handler time',
    cause:
      'Some requests legitimately take longer than nginx is willing to wait for a response header. nginx gives up, answers ' +
      '504 and closes the upstream connection; the server finishes the work anyway and then finds the client gone.',
    supports: [
      { detector: 'handler-exceeds-proxy-timeout', status: 'issue', weight: 3, required: true, why: 'the slowest requests take as long as proxy_read_timeout' },
      { detector: 'proxy-upstream-timeouts', status: 'issue', weight: 3, required: true, why: 'nginx logged "upstream timed out"' },
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 1, why: 'clients saw 504' },
      { detector: 'pool-saturated', status: 'none', weight: 1, why: 'workers were free: the time is the handler\'s own, not queueing' },
    ],
    rules_out: [
      { detector: 'queueing', status: 'issue', weight: 0.3, why: 'the time is spent queueing, so the pool is the first thing to fix' },
    ],
    would_show: 'nginx "upstream timed out ... while reading response header" lines and request times near proxy_read_timeout.',
    fix: {
      summary: 'Raise proxy_read_timeout above the slowest legitimate request (and above server.socket_timeout), and bound the handler with its own deadline so it fails clearly before the proxy does.',
      nginx: 'proxy_connect_timeout 3s;\nproxy_read_timeout {{proxy_read_timeout}};\nproxy_send_timeout {{proxy_read_timeout}};',
      cherrypy: "cherrypy.config.update({'server.socket_timeout': {{socket_timeout}}})   # {{socket_timeout_why}}",
    },
    source: `${OPS}: common pitfalls 2 (proxy timeout mismatch), case studies 1 (spiky 502s behind NGINX)`,
  },
  {
    id: 'keepalive-mismatch',
    symptoms: ['proxy-502-504', 'resets-disconnects'],
    title: 'Keep-alive mismatch between nginx and the server',
    cause:
      'nginx keeps idle upstream connections for its keepalive_timeout (60 s by default) while cheroot closes an idle ' +
      'connection after server.socket_timeout (10 s). nginx then sends a request on a connection the server has just closed ' +
      'and gets a reset or an early close: a 502 that no load explains.',
    supports: [
      { detector: 'keepalive-mismatch', status: 'issue', weight: 3, required: true, why: 'upstream keep-alive on, server idle timeout shorter, closes logged' },
      { detector: 'proxy-premature-close', status: 'issue', weight: 2, why: 'nginx logged upstream closes/resets' },
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 1, why: 'clients saw 502' },
      { detector: 'pool-saturated', status: 'none', weight: 1, why: 'the server had free workers: not an overload' },
    ],
    rules_out: [],
    would_show: 'sporadic 502 with "upstream prematurely closed" or "recv() failed (104)" at low load, nginx upstream keepalive on.',
    fix: {
      summary: 'Make nginx drop idle upstream connections before the server does: upstream keepalive_timeout below server.socket_timeout, with HTTP/1.1 and an empty Connection header towards the upstream.',
      nginx: 'upstream app {\n    server 127.0.0.1:8080;\n    keepalive 16;\n    keepalive_timeout {{keepalive_timeout}};   # below server.socket_timeout\n}\nproxy_http_version 1.1;\nproxy_set_header Connection "";',
      cherrypy: "cherrypy.config.update({'server.socket_timeout': {{socket_timeout}}})   # {{socket_timeout_why}}",
    },
    source: `${OPS}: symptom table ("mismatched keep-alive semantics"), step-by-step fixes (align proxy and server settings)`,
  },
  {
    id: 'proxy-gave-up-on-queued-requests',
    symptoms: ['proxy-502-504', 'rising-fds'],
    title: 'The proxy gave up on requests still queued here',
    cause:
      'Requests wait for a worker longer than the proxy in front (nginx, Apache) waits for an answer. The proxy times out, ' +
      'answers 504 and closes its connection; the request stays queued here in CLOSE_WAIT until a worker reaches it and ' +
      'does work nobody waits for. The CLOSE_WAIT sockets are not leaked: they are the queue, seen through the proxy.',
    supports: [
      { detector: 'close-wait-from-proxy', status: 'issue', weight: 3, required: true, why: 'sockets in CLOSE_WAIT whose peer is the proxy in front' },
      { detector: 'pool-saturated', status: 'issue', weight: 2, why: 'all workers busy, requests queued' },
      { detector: 'queueing', status: 'issue', weight: 1, why: 'latency is mostly waiting for a worker' },
      { detector: 'proxy-upstream-timeouts', status: 'issue', weight: 1, optional: true, why: 'the proxy logged upstream timeouts' },
    ],
    rules_out: [],
    would_show: 'CLOSE_WAIT sockets from the proxy\'s address while every worker is busy (cpdiag inspect PID), "upstream timed out" in the proxy\'s error log.',
    fix: {
      summary: 'Make the queue shorter than the proxy\'s patience: widen the pool if the CPU has room (`cpdiag sweep thread_pool`), bound the accepted queue so that excess requests are refused at once instead of abandoned later, and keep proxy_read_timeout above the queue wait plus the handler time.',
      cherrypy: "cherrypy.config.update({\n    'server.thread_pool': {{thread_pool}},  # {{thread_pool_why}}\n    'server.accepted_queue_size': {{thread_pool}},   # a queue no longer than the pool: refuse (503) rather than queue past the proxy's timeout\n})",
      nginx: 'proxy_read_timeout {{proxy_read_timeout}};   # above queue wait + handler time',
    },
    source: `${OPS}: symptom table ("502/504 at the proxy"), case studies 1 (spiky 502s behind NGINX); ${CHEROOT} (a request queued when its client left still runs)`,
  },
  // ---------------------------------------------------------------- resets / disconnects
  {
    id: 'socket-timeout-too-low',
    symptoms: ['resets-disconnects', 'proxy-502-504'],
    title: 'server.socket_timeout cuts slow clients off',
    cause:
      'cheroot applies socket_timeout to every read and write on a connection. A client (or a proxy relaying one) that ' +
      'uploads slowly, reads slowly or pauses longer than that loses the connection mid-request; behind nginx this shows ' +
      'as "upstream prematurely closed connection" and a 502.',
    supports: [
      { detector: 'slow-client-cutoffs', status: 'issue', weight: 3, required: true, why: 'slow clients failed, pausing longer than socket_timeout' },
      { detector: 'client-resets', status: 'issue', weight: 1, why: 'clients saw resets/closed connections' },
      { detector: 'proxy-premature-close', status: 'issue', weight: 1, why: 'nginx saw the server close early' },
    ],
    rules_out: [],
    would_show: 'slow clients (slow upload/download, idle pauses) failing once their pause exceeds server.socket_timeout (cpdiag run with slow_clients).',
    fix: {
      summary: 'Raise server.socket_timeout above the longest pause a legitimate client makes, and let nginx buffer slow clients so that workers are not held by them.',
      cherrypy: "cherrypy.config.update({'server.socket_timeout': {{socket_timeout}}})   # {{socket_timeout_why}}",
      nginx: 'proxy_request_buffering on;\nproxy_buffering on;',
    },
    source: `${OPS}: symptom table ("low server.socket_timeout"), performance engineering (connection reuse); ${CHEROOT}`,
  },
  {
    id: 'proxy-timeout-shorter-than-server',
    symptoms: ['resets-disconnects', 'proxy-502-504'],
    title: 'The proxy gives up before the server does',
    cause:
      'nginx\'s proxy_read_timeout is shorter than server.socket_timeout, so when a request is slow the proxy abandons it ' +
      'first: the client gets a 504, the server logs a client disconnect and keeps a worker busy on a request nobody waits for.',
    supports: [
      { detector: 'proxy-timeout-below-server', status: 'issue', weight: 3, required: true, why: 'proxy_read_timeout < server.socket_timeout' },
      { detector: 'proxy-upstream-timeouts', status: 'issue', weight: 2, why: 'nginx logged upstream timeouts' },
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 1, why: 'clients saw 504' },
    ],
    rules_out: [
      { detector: 'handler-exceeds-proxy-timeout', status: 'issue', weight: 0.2, why: 'the handler\'s own time, more than the order of the timeouts, is what trips the proxy' },
    ],
    would_show: 'nginx proxy_read_timeout and server.socket_timeout side by side; upstream timeout lines.',
    fix: {
      summary: 'Order the timeouts: client deadline > proxy_read_timeout > server.socket_timeout > handler deadlines.',
      nginx: 'proxy_read_timeout {{proxy_read_timeout}};\nproxy_send_timeout {{proxy_read_timeout}};',
      cherrypy: "cherrypy.config.update({'server.socket_timeout': {{socket_timeout}}})   # {{socket_timeout_why}}",
    },
    source: `${OPS}: symptom table (sudden RST or "client disconnected"), case studies 1 (socket_timeout 10 s vs proxy_read_timeout 8 s)`,
  },
  {
    id: 'body-too-large',
    symptoms: ['resets-disconnects'],
    title: 'Request bodies over server.max_request_body_size',
    cause:
      'Uploads larger than max_request_body_size are answered 413 and the connection closed; a client still sending its ' +
      'body sees a reset or broken pipe instead of a clean error. Limits that differ between nginx (client_max_body_size) ' +
      'and the server make it worse.',
    supports: [
      { detector: 'body-too-large', status: 'issue', weight: 3, required: true, why: '413 responses, or bodies over the limit' },
      { detector: 'client-resets', status: 'issue', weight: 1, why: 'clients saw resets while uploading' },
      { detector: 'large-request-bodies', status: 'issue', weight: 1, why: 'the traffic carries large bodies' },
    ],
    rules_out: [],
    would_show: '413 responses (or resets) on uploads, bodies larger than server.max_request_body_size.',
    fix: {
      summary: 'Set the limit deliberately per endpoint, the same in nginx and the server; stream large uploads to disk in chunks instead of reading them whole; have clients send Expect: 100-continue.',
      cherrypy: "cherrypy.config.update({'server.max_request_body_size': 64 * 1024 * 1024})",
      nginx: 'client_max_body_size 64m;',
    },
    source: `${OPS}: common pitfalls 3 (oversized request bodies), FAQ 5 (client disconnects on large POSTs); ${CHEROOT}`,
  },
  // ---------------------------------------------------------------- tail latency under spikes
  {
    id: 'pool-too-small',
    symptoms: ['tail-latency-spikes'],
    title: 'server.thread_pool too small for the load',
    cause:
      'The pool is fixed; when a spike arrives every worker is busy and requests queue behind them, so the tail grows with ' +
      'the queue while the CPU still has room. Capacity is at most thread_pool / service time.',
    supports: [
      { detector: 'pool-saturated', status: 'issue', weight: 3, required: true, why: 'all workers busy, requests queued' },
      { detector: 'queueing', status: 'issue', weight: 2, why: 'latency is mostly waiting for a worker' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
      { detector: 'cpu-saturated', status: 'none', weight: 1, why: 'the CPU has room for more workers' },
      { detector: 'io-bound-handlers', status: 'issue', weight: 1, why: 'workers mostly wait, so more of them overlap more waiting' },
      { detector: 'capacity-flat-across-pool', status: 'none', weight: 2, optional: true, why: 'in a sweep, capacity grew with the pool (counted only when there was a sweep)' },
    ],
    rules_out: [
      { detector: 'cpu-saturated', status: 'issue', weight: 0.3, why: 'the CPU is full; more workers only add contention' },
      { detector: 'gil-bound', status: 'issue', weight: 0.4, why: 'CPU-bound under the GIL: more workers cannot run at once' },
      { detector: 'capacity-flat-across-pool', status: 'issue', weight: 0.5, why: 'a sweep showed more workers bring no capacity' },
      { detector: 'downstream-pool-wait', status: 'issue', weight: 0.3, why: 'workers queue on a downstream pool; more workers queue longer' },
      { detector: 'workers-blocked-on-peer', status: 'issue', weight: 0.5, why: 'the workers wait on one downstream peer: a bigger pool only moves the queue there' },
      { detector: 'workers-held-by-clients', status: 'issue', weight: 0.5, why: 'the workers are held by clients that have not sent a request: a bigger pool only gives them more (idle-connections-hold-workers)' },
      { detector: 'listen-queue-overflow', status: 'issue', weight: 0.3, why: 'clients never got in: the load the pool saw is not the load offered; widen the backlog first, then judge the pool' },
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 0.3, why: 'the proxy in front answered 502/504: the full pool shows at the proxy, which pool-exhausted names' },
    ],
    would_show: 'busy/queue statistics with every worker busy and a queue, CPU below saturation, capacity growing with the pool in a sweep.',
    remedy_setting: 'thread_pool',
    fix: {
      summary: 'Raise server.thread_pool to cover peak rate × p95 service time with headroom (start at cores × 2–4 for I/O-bound handlers) and confirm the knee with `cpdiag sweep thread_pool`.',
      cherrypy: "cherrypy.config.update({\n    'server.thread_pool': {{thread_pool}},  # {{thread_pool_why}}\n    'server.socket_queue_size': 100,\n})",
    },
    source: `${OPS}: symptom table ("small server.thread_pool"), common pitfalls 1 (thread pool misconfiguration), step-by-step fixes (right-size the thread pool), FAQ 1 (an initial server.thread_pool size)`,
  },
  {
    id: 'pool-too-large',
    symptoms: ['tail-latency-spikes'],
    title: 'server.thread_pool too large (context switching, GIL convoy)',
    cause:
      'Beyond the useful size, extra workers only contend: for the CPU, for the GIL (each switch hands it to another thread ' +
      'every 5 ms), for locks. Context switches per request rise, capacity stays flat or falls, memory grows by a stack per thread.',
    supports: [
      { detector: 'context-switch-overhead', status: 'issue', weight: 3, required: true, why: 'switches per request rose with the pool, capacity did not' },
      { detector: 'capacity-flat-across-pool', status: 'issue', weight: 1, why: 'capacity flat across pool sizes' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
    ],
    rules_out: [],
    would_show: 'a pool-size sweep with context switches per request (cpdiag sweep thread_pool).',
    remedy_setting: 'thread_pool',
    fix: {
      summary: 'Shrink server.thread_pool to the knee found by `cpdiag sweep thread_pool` (the USL peak N*), and move CPU-heavy work off the request threads.',
      cherrypy: "cherrypy.config.update({'server.thread_pool': {{thread_pool}}})   # {{thread_pool_why}}",
    },
    source: `${OPS}: symptom table ("large thread pool causing context-switch overhead"), common pitfalls 1 (thread pool misconfiguration)`,
  },
  {
    id: 'blocking-io-in-handlers',
    symptoms: ['tail-latency-spikes'],
    title: 'Blocking I/O inside handlers',
    cause:
      'Handlers block on large file I/O, slow SQL or synchronous HTTP. Each such call holds a worker while it waits, so the ' +
      'effective parallelism drops and a spike exhausts the pool although the CPU idles.',
    supports: [
      { detector: 'io-bound-handlers', status: 'issue', weight: 3, required: true, why: 'requests are mostly waiting (service time ≫ CPU time, workers blocked in I/O)' },
      { detector: 'slow-service-time', status: 'issue', weight: 3, required: true, why: 'each request holds its worker a long time (a quick wait is the normal life of a web handler)' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
    ],
    rules_out: [
      { detector: 'gil-bound', status: 'issue', weight: 0.4, why: 'handlers compute rather than wait' },
      { detector: 'pool-saturated', status: 'issue', weight: 0.7, why: 'all workers busy with requests queued: whatever the handler time, the pool is the limit first (pool-too-small)' },
      { detector: 'workers-blocked-on-peer', status: 'issue', weight: 0.4, why: 'the wait is on one named peer (slow-downstream-peer says which)' },
    ],
    would_show: 'workers blocked in recvfrom/read/poll (cpdiag inspect), service time far above CPU time per request.',
    fix: {
      summary: 'Put deadlines on blocking calls, stream files instead of reading them whole, move slow work to a background queue, and size the pool for the waiting (or add backpressure with a semaphore).',
      cherrypy: "POOL = threading.BoundedSemaphore(8)\nif not POOL.acquire(blocking=False):\n    raise cherrypy.HTTPError(503)",
    },
    source: `${OPS}: common pitfalls 4 (blocking I/O inside handlers), case studies 3 (thread pool saturation on third-party HTTP calls)`,
  },
  {
    id: 'downstream-pool-starvation',
    symptoms: ['tail-latency-spikes'],
    title: 'Downstream connection-pool starvation',
    cause:
      'Many workers share a small database (or HTTP) connection pool. Most of them wait on the pool\'s lock for a connection, ' +
      'so the server looks busy while doing little; adding workers makes the wait longer.',
    supports: [
      { detector: 'downstream-pool-wait', status: 'issue', weight: 3, required: true, why: 'most workers wait on a lock' },
      { detector: 'pool-saturated', status: 'issue', weight: 1, why: 'the waiting workers fill the pool' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
    ],
    rules_out: [
      { detector: 'gil-bound', status: 'issue', weight: 0.6, why: 'near one core with workers queued on a shared lock: the lock is the GIL' },
    ],
    would_show: 'workers blocked in futex (a lock or condition) rather than in I/O, with few connections to the database (cpdiag inspect).',
    fix: {
      summary: 'Size the downstream pool to the worker count (or cap workers to the pool), give pool checkout a timeout, and reuse clients instead of creating them per request.',
      cherrypy: "engine = create_engine(url, pool_size={{thread_pool_current}}, max_overflow=0, pool_timeout=2)\ncherrypy.config.update({'server.thread_pool': {{thread_pool_current}}})",
    },
    source: `${OPS}: symptom table ("DB connection pool starvation"), performance engineering (database and cache coupling)`,
  },
  {
    id: 'slow-downstream-peer',
    symptoms: ['tail-latency-spikes', 'proxy-502-504'],
    title: 'Workers wait on one downstream peer (a database, an upstream API)',
    cause:
      'Most workers are blocked reading from (or connecting to) the same remote address: that peer is slow, or its own ' +
      'connection limit makes callers wait. It sets the pace of the whole server; a bigger pool only adds callers waiting ' +
      'on it and moves the queue from here to there.',
    supports: [
      { detector: 'workers-blocked-on-peer', status: 'issue', weight: 3, required: true, why: 'most workers are blocked on sockets to one remote address (named in the evidence)' },
      { detector: 'pool-saturated', status: 'issue', weight: 1, why: 'the waiting workers fill the pool' },
      { detector: 'io-bound-handlers', status: 'issue', weight: 1, why: 'requests are mostly waiting' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'the peer\'s delay shows in the tail' },
    ],
    rules_out: [
      { detector: 'gil-bound', status: 'issue', weight: 0.4, why: 'handlers compute rather than wait' },
    ],
    would_show: 'worker threads blocked in recvfrom/read/connect on sockets to one remote address (cpdiag inspect PID).',
    fix: {
      summary: 'Look at the named peer first: its latency and its own connection limit (a database\'s max_connections, a client pool\'s size). Give every call to it a connect and read deadline, cap concurrent calls with a semaphore sized to what the peer can serve, and do not raise server.thread_pool: more workers only queue at the peer.',
      cherrypy: "PEER = threading.BoundedSemaphore(8)   # what the peer can serve at once\nwith PEER:\n    SESSION.get(url, timeout=(2, 5))",
    },
    source: `${OPS}: performance engineering (database and cache coupling), case studies 3 (thread pool saturation on third-party HTTP calls)`,
  },
  {
    id: 'idle-connections-hold-workers',
    symptoms: ['tail-latency-spikes', 'proxy-502-504'],
    title: 'Idle or slow client connections hold workers',
    cause:
      'cheroot hands every accepted connection to a worker at once, and the worker blocks reading from it until a complete ' +
      'request has arrived or server.socket_timeout passes. Connections that send nothing or send slowly (browsers\' ' +
      'speculative preconnects, load-balancer health checks that only open a socket, slowloris, uploads over a poor link) ' +
      'each hold a worker that does no work: a few of them starve the pool, and real requests queue behind them while the ' +
      'CPU idles. A bigger pool only feeds them more workers.',
    supports: [
      { detector: 'workers-held-by-clients', status: 'issue', weight: 3, required: true, why: 'workers are blocked reading from client connections that have not delivered a complete request' },
      { detector: 'pool-saturated', status: 'issue', weight: 1, why: 'the held workers leave none for real requests, which queue' },
    ],
    rules_out: [
      { detector: 'slow-client-cutoffs', status: 'issue', weight: 0.6, why: 'legitimate slow clients were cut off by socket_timeout: it is already too low for them (socket-timeout-too-low), and a lower one would cut off more' },
    ],
    would_show: 'worker threads blocked in recv or poll on connections accepted on the server\'s own port (cpdiag inspect PID), or the bundled server\'s workers in state `reading`, while requests queue.',
    fix: {
      summary: 'Put a proxy that buffers whole requests in front (nginx does by default: proxy_request_buffering on), so that a worker only gets a connection once its request has fully arrived and idle or slow clients wait in the proxy; lower server.socket_timeout so that a silent connection gives its worker back sooner; point health checks at a real request (GET /healthz) rather than a bare connect.',
      cherrypy: "cherrypy.config.update({'server.socket_timeout': {{socket_timeout_lower}}})   # {{socket_timeout_lower_why}}",
      nginx: 'proxy_request_buffering on;   # the default: the whole request is read before the upstream sees it\nclient_header_timeout {{socket_timeout_lower}}s;   # slow or silent clients now wait in nginx, not in a worker\nclient_body_timeout {{socket_timeout_lower}}s;\nproxy_http_version 1.1;\nproxy_set_header Connection "";',
    },
    source: `${OPS}: performance engineering (connection reuse), step-by-step fixes (align proxy and server settings; health checks and readiness); ${CHEROOT}: an accepted connection is handed to a worker, which reads it until socket_timeout (measured on cheroot 9)`,
  },
  {
    id: 'cpu-bound-under-gil',
    symptoms: ['tail-latency-spikes'],
    title: 'CPU-bound handlers serialised by the GIL',
    cause:
      'Handlers spend most of their time computing in Python. Only one thread holds the GIL at a time, so the process uses ' +
      'about one core however many workers and cores there are; more workers add only queueing and switching.',
    supports: [
      { detector: 'gil-bound', status: 'issue', weight: 3, required: true, why: 'the process at about one core while requests are made of CPU, under load' },
      { detector: 'capacity-flat-across-pool', status: 'issue', weight: 2, optional: true, why: 'more workers brought no capacity (counted only when there was a sweep)' },
      { detector: 'pool-saturated', status: 'issue', weight: 1, why: 'workers queue for the GIL' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
    ],
    rules_out: [
      { detector: 'io-bound-handlers', status: 'issue', weight: 0.4, why: 'handlers mostly wait, not compute' },
    ],
    would_show: 'CPU at about 100% of one core with idle cores, CPU time per request close to its service time, capacity flat in a pool sweep.',
    fix: {
      summary: 'Move CPU-heavy work out of the request threads (a process pool, a separate service), run several server processes behind the balancer, and keep the pool small.',
      cherrypy: "from concurrent.futures import ProcessPoolExecutor\nWORK = ProcessPoolExecutor(max_workers=os.cpu_count())\nresult = WORK.submit(heavy, data).result(timeout=5)",
      nginx: 'upstream app {\n    server 127.0.0.1:8081;\n    server 127.0.0.1:8082;   # one process per core\n}',
    },
    source: `${OPS}: thread-pool model ("CPU-bound work shares the GIL"), performance engineering (throughput vs. latency); ${BALANCING}, generic method (a process per port behind a balancer)`,
  },
  {
    id: 'listen-backlog-too-small',
    symptoms: ['tail-latency-spikes', 'resets-disconnects'],
    title: 'server.socket_queue_size (listen backlog) too small for connection bursts',
    cause:
      'The kernel holds connections that finished the handshake in the listen backlog until the acceptor takes them. With ' +
      'CherryPy\'s default of 5, a burst of new connections overflows it: the kernel drops the rest, clients retry their SYN ' +
      'after 1 s, 3 s, 7 s, or give up. The concurrency asked for never arrives, and nothing in the server\'s own figures shows it.',
    supports: [
      { detector: 'listen-queue-overflow', status: 'issue', weight: 3, required: true, why: 'connections requested but never established, listen-queue overflows counted by the kernel' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'SYN retries add whole seconds to some requests' },
    ],
    rules_out: [
      { detector: 'workers-held-by-clients', status: 'issue', weight: 0.3, why: 'connections went unanswered because clients that sent nothing held every worker, not (only) because the backlog overflowed' },
    ],
    would_show: 'fewer connections established than a closed loop asked for, TcpExt ListenOverflows/ListenDrops rising in /proc/net/netstat (nstat), a small Send-Q on the LISTEN socket in `ss -ltn`.',
    fix: {
      summary: 'Raise server.socket_queue_size to cover the largest burst of new connections (hundreds for a busy service); the kernel caps it at net.core.somaxconn, so raise that too; keep connections alive (nginx upstream keepalive) so that bursts do not need new ones.',
      cherrypy: "cherrypy.config.update({'server.socket_queue_size': 512})\n# and on the host: sysctl -w net.core.somaxconn=1024",
      nginx: 'upstream app {\n    server 127.0.0.1:8080;\n    keepalive 32;\n}',
    },
    source: `${OPS}: configuration (server.socket_queue_size), step-by-step fixes (right-size the thread pool and queue); ${CHEROOT} (socket_queue_size is the listen() backlog)`,
  },
  // ---------------------------------------------------------------- rising memory
  {
    id: 'per-request-cache',
    symptoms: ['rising-memory'],
    title: 'A per-request cache that never evicts',
    cause:
      'Something keyed by request (a dict memoising results, sessions, a module-level list) grows with every request and is ' +
      'never trimmed. Memory rises in proportion to requests served, without more open files or threads.',
    supports: [
      { detector: 'rss-drift', status: 'issue', weight: 3, required: true, why: 'RSS grows steadily under steady load' },
      { detector: 'fd-drift', status: 'none', weight: 1, why: 'fds are flat: nothing is left open, memory alone grows' },
      { detector: 'large-request-bodies', status: 'none', weight: 1, why: 'bodies are small: not buffered uploads' },
      { detector: 'large-responses', status: 'none', weight: 1, why: 'responses are small: not retained downloads' },
    ],
    rules_out: [
      { detector: 'thread-drift', status: 'issue', weight: 0.4, why: 'memory grows with the thread count: each leaked thread holds its stack and buffers (thread-leak)' },
    ],
    would_show: 'RSS growing per request (drift per request) with fds and threads flat; a heap snapshot (tracemalloc) showing one growing dict.',
    fix: {
      summary: 'Bound every cache (functools.lru_cache(maxsize=...), a TTL cache), keep nothing per request at module level, and track RSS per request in a soak run (`cpdiag run --duration 10m`).',
      cherrypy: "@functools.lru_cache(maxsize=1024)\ndef lookup(key): ...",
    },
    source: `${OPS}: symptom table ("per-request caches"), memory and file descriptor forensics`,
  },
  {
    id: 'streamed-responses-not-closed',
    symptoms: ['rising-memory', 'rising-fds'],
    title: 'Streamed responses not closed',
    cause:
      'Generator (streamed) responses or file handles are not closed when the client goes away mid-download, so each ' +
      'abandoned response keeps its buffers, its file and sometimes its socket.',
    supports: [
      { detector: 'rss-drift', status: 'issue', weight: 3, required: true, why: 'RSS grows steadily' },
      { detector: 'large-responses', status: 'issue', weight: 2, why: 'responses are large' },
      { detector: 'fd-drift', status: 'issue', weight: 2, why: 'open fds grow with memory' },
      { detector: 'close-wait-accumulation', status: 'issue', weight: 1, why: 'sockets stuck in CLOSE_WAIT' },
    ],
    rules_out: [
      { detector: 'thread-drift', status: 'issue', weight: 0.4, why: 'memory and fds grow with the thread count: leaked threads hold them (thread-leak)' },
    ],
    would_show: 'RSS and fds rising together under downloads with client disconnects; CLOSE_WAIT sockets.',
    fix: {
      summary: 'Stream with cherrypy.lib.file_generator or a generator wrapped in try/finally that closes its file, set response.stream only where needed, and let nginx buffer the download.',
      cherrypy: "[/download]\nresponse.stream = True\n# in the handler: return cherrypy.lib.file_generator(open(path, 'rb'))",
      nginx: 'proxy_buffering on;',
    },
    source: `${OPS}: symptom table ("response streaming not closed"), case studies 2 (memory drift in a file download API), FAQ 3 (streaming large downloads)`,
  },
  {
    id: 'large-bodies-buffered',
    symptoms: ['rising-memory'],
    title: 'Large request bodies buffered in memory',
    cause:
      'Handlers read whole uploads into memory (request.body.read()) and keep or copy them; with many concurrent uploads ' +
      'memory grows with body size times concurrency, and the allocator rarely gives it back.',
    supports: [
      { detector: 'rss-drift', status: 'issue', weight: 3, required: true, why: 'RSS grows steadily' },
      { detector: 'large-request-bodies', status: 'issue', weight: 2, why: 'the traffic carries large bodies' },
    ],
    rules_out: [
      { detector: 'large-request-bodies', status: 'none', weight: 0.3, why: 'the bodies are small' },
    ],
    // An inspection cannot see request bodies: RSS growth alone (a thread leak whose thread growth
    // fell outside the window reached 0.96 "high" here) must not make buffered uploads likely.
    cap: { unless: 'large-request-bodies', max: 0.3 },
    would_show: 'RSS growth tracking upload volume, large max request bodies in the mix.',
    fix: {
      summary: 'Read uploads in chunks to a file, set an explicit body limit, and let nginx buffer request bodies to disk.',
      cherrypy: "cherrypy.config.update({'server.max_request_body_size': 64 * 1024 * 1024})\nwhile chunk := cherrypy.request.body.read(1024 * 1024):\n    f.write(chunk)",
      nginx: 'client_max_body_size 64m;\nproxy_request_buffering on;',
    },
    source: `${OPS}: symptom table ("large request bodies buffered"), step-by-step fixes (bound request bodies and stream safely)`,
  },
  {
    id: 'log-buffers-accumulating',
    symptoms: ['rising-memory', 'request-path-overhead'],
    title: 'Log handlers accumulating buffers',
    cause:
      'A log handler buffers records in memory (a MemoryHandler with a high capacity, a queue to a slow network sink) faster ' +
      'than it flushes them, so memory grows with traffic.',
    supports: [
      { detector: 'rss-drift', status: 'issue', weight: 3, required: true, why: 'RSS grows steadily' },
      { detector: 'synchronous-logging', status: 'issue', weight: 2, why: 'logging is heavy on the request path' },
    ],
    rules_out: [
      { detector: 'synchronous-logging', status: 'none', weight: 0.3, why: 'logging is light or asynchronous' },
    ],
    would_show: 'RSS growth that follows log volume; a heap snapshot with LogRecord objects piling up.',
    cap: { unless: 'synchronous-logging', max: 0.3 },
    fix: {
      summary: 'Log structured lines to stdout and let the platform ship them; bound any in-memory log queue; rotate files by size.',
      cherrypy: "[global]\nlog.screen = True\nlog.access_file = ''\nlog.error_file = ''",
    },
    source: `${OPS}: symptom table ("log handlers accumulating buffers"), common pitfalls 5 (unbounded logging and access logs), step-by-step fixes (stabilize logging)`,
  },
  // ---------------------------------------------------------------- threads and fds
  {
    id: 'thread-leak',
    symptoms: ['rising-threads'],
    title: 'Threads created per connection or request and never reaped',
    cause:
      'Something outside the fixed pool starts a thread per connection or per request (FastCGI multiplexing in flup, ' +
      'fire-and-forget threads in handlers) and the thread never ends, typically when the peer disconnects early. The ' +
      'count climbs until the process can no longer start threads.',
    supports: [
      { detector: 'thread-drift', status: 'issue', weight: 3, required: true, why: 'the thread count grows steadily' },
      { detector: 'threads-over-pool', status: 'issue', weight: 1, why: 'far more threads than the pool accounts for' },
      { detector: 'client-resets', status: 'issue', weight: 0.5, why: 'peers hanging up early is when the threads get stranded' },
    ],
    rules_out: [],
    would_show: 'a thread count rising over a soak run (cpdiag inspect --watch, or probes) while the pool is fixed.',
    fix: {
      summary: 'Find who starts the threads (name them; cpdiag inspect lists them by activity), use a bounded executor instead of threading.Thread per request, and turn off FastCGI multiplexing (flup multiplexed=False).',
      cherrypy: "EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=4)\n# flup: WSGIServer(app, multiplexed=False, bindAddress=addr)",
    },
    source: `${FLUP}; ${CHEROOT} (the pool itself never grows)`,
  },
  {
    id: 'fd-leak',
    symptoms: ['rising-fds'],
    title: 'Files or sockets left open on some path',
    cause:
      'A code path opens a file or socket and does not close it: an early return, an exception, a client disconnect during ' +
      'streaming. Open fds climb until accept() fails with EMFILE ("Too many open files").',
    supports: [
      { detector: 'fd-drift', status: 'issue', weight: 3, required: true, why: 'open fds grow steadily' },
      { detector: 'close-wait-accumulation', status: 'issue', weight: 0.5, why: 'sockets stuck in CLOSE_WAIT' },
      { detector: 'fd-limit-near', status: 'issue', weight: 0.5, why: 'close to the fd limit' },
      { detector: 'client-resets', status: 'issue', weight: 0.5, why: 'disconnects are a common leaking path' },
    ],
    rules_out: [
      { detector: 'close-wait-from-proxy', status: 'issue', weight: 0.5, why: 'the new fds are connections a proxy abandoned while their requests queued: they close when a worker reaches them' },
      { detector: 'thread-drift', status: 'issue', weight: 0.3, why: 'fds grow with the thread count: each leaked thread holds its own (thread-leak)' },
    ],
    would_show: 'fd count rising over a run, by type (socket vs file) from /proc/PID/fd.',
    fix: {
      summary: 'Open files and sockets with `with` (or try/finally), close streamed responses on disconnect, and watch the fd count in a soak run.',
      cherrypy: "with open(path, 'rb') as f:\n    ...",
    },
    source: `${OPS}: memory and file descriptor forensics`,
  },
  {
    id: 'sockets-not-closed-on-disconnect',
    symptoms: ['rising-fds', 'resets-disconnects'],
    title: 'Sockets not closed after the peer hangs up (CLOSE_WAIT)',
    cause:
      'The client or proxy closed its side, but the process never closed the socket, so it stays in CLOSE_WAIT and keeps its ' +
      'fd. Usually a handler that holds an outbound connection or a streamed response past the client\'s disconnect.',
    supports: [
      { detector: 'close-wait-accumulation', status: 'issue', weight: 3, required: true, why: 'sockets stuck in CLOSE_WAIT (not counting those a proxy in front closed)' },
      { detector: 'fd-drift', status: 'issue', weight: 2, why: 'open fds grow' },
    ],
    rules_out: [
      { detector: 'close-wait-from-proxy', status: 'issue', weight: 0.3, why: 'CLOSE_WAIT sockets are the proxy abandoning queued requests, which explains some of them' },
    ],
    would_show: 'CLOSE_WAIT sockets owned by the process (ss -tanp state close-wait, or cpdiag inspect).',
    fix: {
      summary: 'Close outbound connections and streams in finally blocks; reuse a session with a bounded pool instead of ad-hoc connections.',
      cherrypy: "try:\n    ...\nfinally:\n    conn.close()",
    },
    source: `${OPS}: memory and file descriptor forensics ("client disconnect handling")`,
  },
  // ---------------------------------------------------------------- 400s
  {
    id: 'raw-space-request-line',
    symptoms: ['bad-requests-400'],
    title: 'A rewriting proxy unescapes paths (raw spaces → 400)',
    cause:
      'Apache mod_rewrite (and other rewriting proxies) decode %20 before forwarding, so a path with a space reaches the ' +
      'server as "GET /a b HTTP/1.1": three spaces in the request line, which cheroot rejects with 400 Malformed Request-Line.',
    supports: [
      { detector: 'malformed-request-lines', status: 'issue', weight: 3, required: true, why: 'the server itself counted malformed requests (not the application refusing parameters)' },
      { detector: 'bad-request-400s', status: 'issue', weight: 1, why: 'clients saw 400s' },
    ],
    rules_out: [],
    would_show: "the server's own count of malformed request lines (the bundled server's stats), or the proxy's logs naming the %20 paths it refused or whose 400 it relayed; 400 responses only on paths with spaces, only through the proxy.",
    fix: {
      summary: 'Have the proxy re-escape the path when rewriting (Apache: ProxyPass, which forwards the path still encoded; or RewriteMap escape int:escape and ${escape:$1} with [P,NE] — on Apache 2.4.56 and later a plain [P] already re-escapes, and the map with plain [P] escapes twice); with nginx, proxy_pass without a URI part passes the original escaped request line.',
      apache: '# simplest: ProxyPass / http://127.0.0.1:8080/   (forwards the path still encoded)\n# Apache >= 2.4.56: plain [P] re-escapes; the map is needed only with NE (or before 2.4.56):\nRewriteMap escape int:escape   # server config, not .htaccess\nRewriteRule ^(.*)$ http://127.0.0.1:8080${escape:$1} [P,NE]',
      nginx: 'location / {\n    proxy_pass http://127.0.0.1:8080;   # no URI part: the escaped path is passed as received\n}',
    },
    source: `${REWRITE}, "Beware the encoding bug"; ${CHEROOT} (raw space → 400 "Malformed Request-Line")`,
  },
  {
    id: 'backend-not-running',
    symptoms: ['proxy-502-504'],
    title: 'The proxy answers 502/503 because the backend is not running',
    cause:
      'Nothing listens on the backend port (the app crashed, was not started, or is restarting): every connect from the ' +
      'proxy is refused and the proxy answers 502 (Apache, after the first failure, marks the backend unavailable and answers 503).',
    supports: [
      { detector: 'proxy-backend-refused', status: 'issue', weight: 3, required: true, why: "the proxy's error log says its connects were refused" },
      { detector: 'proxy-gateway-errors', status: 'issue', weight: 1, why: 'clients saw 502' },
    ],
    rules_out: [
      { detector: 'proxy-upstream-timeouts', status: 'issue', weight: 0.3, why: 'timeouts mean a backend that accepted and did not answer' },
    ],
    would_show: 'Apache "(111)Connection refused: AH00957" / nginx "connect() failed (111: Connection refused)" lines, 502/503 answers within milliseconds, nothing listening on the backend port.',
    fix: {
      summary: 'Keep the app running under a supervisor that restarts it (systemd Restart=always, or the platform\'s equivalent) and check it with a health endpoint; the account\'s ErrorDocument 502 autostart script is the same idea done by hand.',
      nginx: 'upstream app {\n    server 127.0.0.1:8080 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:8081 backup;   # a second process while the first restarts\n}',
      apache: 'ErrorDocument 502 /cgi-bin/autostart.cgi   # the account\'s workaround; prefer a process supervisor',
    },
    source: `${REWRITE}, "If your application is not running ... 502 Proxy Error"`,
  },
  {
    id: 'backend-returned-5xx',
    symptoms: ['application-5xx', 'proxy-502-504'],
    title: 'The application itself answers 5xx (the proxy only relays them)',
    cause:
      'The backend is up and answering, but its handlers fail: an exception in the application becomes 500 Internal ' +
      'Server Error (CherryPy logs the traceback), and a proxy in front passes that answer on unchanged. It is neither the ' +
      'proxy nor the pool: the backend did not go away (no refused connects) and did not time out (no gateway 504); ' +
      'a bigger pool, another timeout or a restart of the proxy changes nothing.',
    supports: [
      { detector: 'backend-5xx', status: 'issue', weight: 3, required: true, why: "the backend's own count, or the proxy's access log, ties the 5xx to the application" },
      { detector: 'proxy-backend-refused', status: 'none', weight: 1, optional: true, why: 'the proxy reached the backend every time (no refused connects)' },
      { detector: 'proxy-upstream-timeouts', status: 'none', weight: 1, optional: true, why: 'the backend answered within the proxy\'s timeout' },
    ],
    rules_out: [
      { detector: 'proxy-backend-refused', status: 'issue', weight: 0.5, why: 'refused connects: the backend was gone, and the proxy made its own 502/503' },
      { detector: 'proxy-upstream-timeouts', status: 'issue', weight: 0.3, why: 'upstream timeouts: the proxy gave up on a slow backend (504)' },
      { detector: 'fd-limit-near', status: 'issue', weight: 0.6, why: 'the process is at its descriptor limit: the 500s are "Too many open files" failures, the symptom of a leak, not a bug of the handlers' },
    ],
    would_show: "500s counted by the backend itself (its stats, its error log's tracebacks) and relayed by the proxy (nginx's access log with $upstream_status 500 and an $upstream_header_time; Apache's access log %>s 500 with no proxy error in its error log).",
    fix: {
      summary: 'Fix the failing handler: {{error_share}} of requests were answered 5xx by the application itself ({{error_paths}}). Its tracebacks are in the application\'s error log; keep them there (not in responses) and alert on the backend\'s 5xx rate, not only on the proxy\'s.',
      cherrypy: "[global]\nlog.error_file = '/var/log/app/error.log'   # the tracebacks of the failing requests\nrequest.show_tracebacks = False           # never to clients in production",
      nginx: "log_format upstream '$status $upstream_status $upstream_header_time \"$request\"';\naccess_log /var/log/nginx/upstream.log upstream;   # which 5xx the backend made ({{error_paths}})",
      apache: 'LogFormat "%>s %D \\"%r\\"" relayed\nCustomLog ${APACHE_LOG_DIR}/relayed.log relayed   # 5xx other than 502-504 came from the backend ({{error_paths}})',
    },
    source: `${OPS}: reliability and operability (observability baselines: error rate by route, upstream errors); ${REWRITE}, "If your application is not running ... 502 Proxy Error" (the proxy's own answer, for contrast)`,
  },
  {
    id: 'proxy-worker-limit',
    symptoms: ['tail-latency-spikes', 'resets-disconnects'],
    title: "The proxy's own worker limit is the bottleneck, not thread_pool",
    cause:
      'The proxy in front lets only a bounded number of requests through at once: Apache one worker thread per request ' +
      '(MaxRequestWorkers = ThreadsPerChild × ServerLimit), nginx two connections per proxied request out of ' +
      'worker_connections. With more clients than that, the rest wait at the proxy (Apache queues them in its listen ' +
      'queue) or are dropped (nginx resets them, or answers 500 itself) while the backend\'s workers sit idle. A bigger ' +
      'thread_pool changes nothing, and a thread_pool sweep measured through this proxy finds the proxy\'s limit, not the pool\'s.',
    supports: [
      { detector: 'proxy-concurrency-limit', status: 'issue', weight: 3, required: true, why: "clients exceeded the proxy's limit while the backend's workers had room" },
      { detector: 'pool-saturated', status: 'none', weight: 1, why: "the backend's pool was not the limit" },
      { detector: 'tail-latency', status: 'issue', weight: 1, optional: true, why: 'requests waited at the proxy' },
    ],
    rules_out: [
      { detector: 'pool-saturated', status: 'issue', weight: 0.4, why: "the backend's workers were all busy: the pool is (also) a limit" },
    ],
    would_show: "the proxy's error log (Apache AH00484 \"server reached MaxRequestWorkers\", nginx \"worker_connections are not enough\"), more clients than MaxRequestWorkers (or worker_connections / 2), and the backend's busy workers stuck at that number below its pool.",
    fix: {
      summary: "Let the proxy pass as many requests at once as the clients bring ({{client_concurrency}} measured) and at least the backend's pool: {{proxy_concurrency}} instead of {{proxy_limit}} ({{proxy_limit_setting}}). Until then a bigger thread_pool changes nothing: the backend never sees more than {{proxy_limit}} requests at once.",
      apache: '<IfModule mpm_event_module>\n    ThreadsPerChild     {{apache_threads_per_child}}\n    ServerLimit         {{apache_server_limit}}\n    MaxRequestWorkers   {{apache_max_request_workers}}   # was {{proxy_limit}}\n</IfModule>',
      nginx: 'events {\n    worker_connections {{nginx_worker_connections}};   # two per proxied request: {{proxy_concurrency}} at once (was {{proxy_limit}})\n}',
    },
    source: `${OPS}: align proxy and server settings, best practices checklist (set thread_pool from load testing; align the proxy with CherryPy's settings); ${REWRITE} (Apache with mod_proxy in front)`,
  },
  {
    id: 'proxy-headers-not-used',
    symptoms: ['wrong-client-data'],
    title: "Absolute URLs and logs show the proxy's host",
    cause:
      'Behind a proxy the connection comes from the proxy, and Apache (without ProxyPreserveHost) sends its own backend ' +
      'address as Host; the client\'s address and host arrive only in X-Forwarded-For and X-Forwarded-Host. An app that does ' +
      'not read them logs the proxy as every client and builds redirects and absolute URLs with the wrong host.',
    supports: [
      { detector: 'proxy-hides-client', status: 'issue', weight: 1, required: true, why: "the backend saw the proxy's address or host instead of the client's" },
    ],
    rules_out: [],
    would_show: 'cpdiag run --proxy apache --proxy-check: peer address 127.0.0.1 (the proxy) while the client was 127.0.0.2; Host the backend\'s own address.',
    fix: {
      summary: "Turn on CherryPy's proxy tool so request.remote.ip and request.base come from X-Forwarded-For / X-Forwarded-Host (or set tools.proxy.base to the public URL); with Apache, ProxyPreserveHost On keeps the client's Host.",
      cherrypy: "[/]\ntools.proxy.on = True\ntools.proxy.base = 'https://www.example.org'   # optional: the public scheme and host",
      apache: 'ProxyPreserveHost On',
    },
    source: `${REWRITE}, myth 2 (X-Forwarded-Host, X-Forwarded-For)`,
  },
  // ---------------------------------------------------------------- request-path overhead
  {
    id: 'synchronous-logging',
    symptoms: ['request-path-overhead', 'tail-latency-spikes'],
    title: 'Synchronous logging on the request path',
    cause:
      'Every request waits for its log write to a file (worse on a network filesystem) or a network sink. Under load the ' +
      'writes serialise on the handler\'s lock and show as latency with idle CPU.',
    supports: [
      { detector: 'synchronous-logging', status: 'issue', weight: 3, required: true, why: 'logging is synchronous on the request thread' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
      { detector: 'downstream-pool-wait', status: 'issue', weight: 1, why: 'workers wait on a lock (the log handler\'s)' },
    ],
    rules_out: [],
    would_show: 'time per request spent in log writes (profile or timing tool), workers waiting on the logging lock.',
    fix: {
      summary: 'Log to stdout (structured) or through a QueueHandler/QueueListener so the request thread never waits for I/O; rotate by size.',
      cherrypy: "import logging.handlers, queue\nq = queue.SimpleQueue()\nlogging.getLogger('app').addHandler(logging.handlers.QueueHandler(q))\nlogging.handlers.QueueListener(q, logging.StreamHandler()).start()",
    },
    source: `${OPS}: common pitfalls 5 (unbounded logging and access logs), step-by-step fixes (stabilize logging)`,
  },
  {
    id: 'gzip-incompressible',
    symptoms: ['request-path-overhead', 'rising-memory'],
    title: 'gzip on already-compressed or large binary bodies',
    cause:
      'The gzip tool compresses whole bodies in process, including images, archives and other compressed data that do not ' +
      'shrink: CPU (under the GIL) and memory spent for nothing, and streaming defeated.',
    supports: [
      { detector: 'gzip-incompressible', status: 'issue', weight: 3, required: true, why: 'gzip on for already-compressed output' },
      { detector: 'cpu-saturated', status: 'issue', weight: 1, why: 'CPU is short' },
      { detector: 'large-responses', status: 'issue', weight: 1, why: 'responses are large' },
    ],
    rules_out: [],
    would_show: 'gzip enabled for binary MIME types; CPU per request rising with response size.',
    fix: {
      summary: 'Restrict gzip to text types, run it late in the tool chain, and let nginx compress instead.',
      cherrypy: "[/]\ntools.gzip.on = True\ntools.gzip.mime_types = ['text/html', 'text/plain', 'application/json']\ntools.gzip.priority = 80",
      nginx: 'gzip on;\ngzip_types text/plain application/json;',
    },
    source: `${OPS}: performance engineering (compression and caching), step-by-step fixes (use tool priorities intentionally), case studies 2 (memory drift in a file download API)`,
  },
  // ---------------------------------------------------------------- deployment models (issue 14)
  {
    id: 'gil-bound-run-processes',
    symptoms: ['tail-latency-spikes'],
    title: 'GIL-bound: run processes, not threads',
    cause:
      'Capacity followed the number of processes, not the number of threads: the handlers compute under the GIL, which one ' +
      'process holds one thread at a time. Separate processes have separate GILs, so each process up to the cores adds a ' +
      "core's worth of capacity; more threads in one process only queue for its lock.",
    supports: [
      { detector: 'processes-add-capacity', status: 'issue', weight: 3, required: true, why: 'capacity grew with processes up to the cores (a processes sweep, or a process pool against a thread pool)' },
      { detector: 'gil-bound', status: 'issue', weight: 1, optional: true, why: 'the one process sat at about one core with workers queued on a lock' },
      { detector: 'capacity-flat-across-pool', status: 'issue', weight: 1, optional: true, why: 'more threads brought no capacity' },
    ],
    rules_out: [
      { detector: 'io-bound-handlers', status: 'issue', weight: 0.3, why: 'handlers mostly wait: threads overlap waits as well as processes do, with less memory' },
    ],
    would_show: 'capacity at 2 processes near twice that at 1 on 2 cores (`cpdiag sweep processes`, `cpdiag compare models --workloads cpu`), flat across thread pool sizes.',
    remedy_setting: 'processes',
    fix: {
      summary: 'Run one server process per core ({{processes}} here, {{processes_why}}), each with a small thread pool: a process pool forked after binding one socket, or processes on their own ports behind a balancer. More threads in one process cannot use a second core.',
      cherrypy: "# {{processes}} processes, each with a small pool (gunicorn: -w {{processes}} --threads {{thread_pool}})\ncherrypy.config.update({'server.thread_pool': {{thread_pool}}})",
      nginx: 'upstream app {\n    # one server line per process: {{processes}} processes on their own ports\n    server 127.0.0.1:8081;\n    server 127.0.0.1:8082;\n}',
    },
    source: `Deploying CherryPy: deployment models (process pool, thread pool); ${BALANCING}, generic method and fixedNumberOfProcesses ("only useful if your machine has several processors")`,
  },
  {
    id: 'more-processes-than-cores',
    symptoms: ['tail-latency-spikes', 'rising-memory'],
    title: 'More server processes than cores',
    cause:
      'The process pool has more processes than the machine has cores. For CPU-bound handlers a process past the cores only ' +
      'shares a core with another: no capacity, more memory (each process its own heap), more context switches, and a ' +
      'shared accept socket spread over more processes.',
    supports: [
      { detector: 'processes-over-cores', status: 'issue', weight: 3, required: true, why: 'processes outnumber the cores (and a processes sweep, when there was one, found no capacity past them)' },
      { detector: 'cpu-saturated', status: 'issue', weight: 1, why: 'the cores are full: the extra processes have nowhere to run' },
    ],
    rules_out: [],
    would_show: 'capacity flat from the cores upward in `cpdiag sweep processes`; PSS growing with every process.',
    remedy_setting: 'processes',
    fix: {
      summary: 'Run at most one process per core ({{processes}} here, {{processes_why}}) for CPU-bound handlers, and confirm with `cpdiag sweep processes`, which shows where more processes stop helping.',
      cherrypy: "# {{processes}} processes (the cores), each with thread_pool {{thread_pool}}\ncherrypy.config.update({'server.thread_pool': {{thread_pool}}})",
    },
    source: `${BALANCING}: several processes are "only useful if your machine has several processors"`,
  },
  {
    id: 'per-request-workers-under-load',
    symptoms: ['rising-threads', 'tail-latency-spikes'],
    title: 'A thread or a process per request, under load',
    cause:
      'The server makes a thread (a threading server) or a process (a forking server) for every request, with no bound. ' +
      'At light load that costs only the creation; under load every request in the system has its own thread or process, ' +
      'so past capacity their number grows with the queue, memory with it, and the CPU spent creating them is taken from ' +
      'the requests. The guide: fine "as long as you don\'t have hundreds of concurrent users".',
    supports: [
      { detector: 'per-request-workers', status: 'issue', weight: 3, required: true, why: 'processes created by the second, or threads that follow the load' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: 'p99 far above the floor' },
      { detector: 'cpu-saturated', status: 'issue', weight: 1, why: 'creating threads or processes took the CPU' },
    ],
    rules_out: [],
    would_show: 'processes_created_per_s in the probes, a thread count that rises with concurrency and falls back after, `cpdiag compare models` showing unbounded growth past capacity.',
    fix: {
      summary: 'Serve from a pool: a fixed number of workers ({{thread_pool}}, {{thread_pool_why}}) take requests from a queue, so load past capacity waits instead of creating threads or processes without bound (socketserver ThreadingMixIn or ForkingMixIn → cheroot, CherryPy\'s thread pool).',
      cherrypy: "cherrypy.config.update({'server.thread_pool': {{thread_pool}}})   # {{thread_pool_why}}",
    },
    source: 'Deploying CherryPy: deployment models (the forking and the threading server against the thread pool)',
  },
  {
    id: 'uneven-load-across-processes',
    symptoms: ['tail-latency-spikes'],
    title: 'Uneven load across processes',
    cause:
      'Several processes accept on one shared socket, and the kernel does not deal connections out in turn: it wakes the ' +
      'process that waited last, and a process already busy accepts in bursts. One process serves most requests and queues ' +
      'them behind its own workers while the others idle, so the pool behaves like fewer processes.',
    supports: [
      { detector: 'uneven-process-load', status: 'issue', weight: 3, required: true, why: 'the busiest process served well above the mean' },
      { detector: 'tail-latency', status: 'issue', weight: 1, why: "the busy process's queue shows in the tail" },
    ],
    rules_out: [],
    would_show: "each process's request count (the bundled server's stats, X-Cpdiag-Pid on responses, gunicorn's per-worker logs) far from even; `cpdiag compare models --models process-pool,lb-nginx,lb-haproxy` sets the shared socket's spread beside a balancer's.",
    fix: {
      summary: 'Spread connections evenly: processes on their own ports behind a balancer that picks the least busy (nginx least_conn, HAProxy leastconn), or SO_REUSEPORT so the kernel hashes connections over the processes instead of waking whichever waited last.',
      nginx: 'upstream app {\n    least_conn;\n    server 127.0.0.1:8081;\n    server 127.0.0.1:8082;\n}',
    },
    source: `${BALANCING}: the generic method (processes on several ports behind a balancer) against fixedNumberOfProcesses (forked after binding one socket)`,
  },
];

export function findCause(id: string): CauseDefinition | undefined {
  return CAUSES.find((c) => c.id === id);
}

/** The fix as one text: summary, then the snippets labelled. */
export function formatFix(fix: CauseFix): string {
  const parts = [fix.summary];
  if (fix.cherrypy) parts.push(`CherryPy:\n${indent(fix.cherrypy)}`);
  if (fix.nginx) parts.push(`nginx:\n${indent(fix.nginx)}`);
  if (fix.apache) parts.push(`Apache:\n${indent(fix.apache)}`);
  return parts.join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
