// Generates the labelled diagnosis corpus: `node dist/bench/diagnosis-corpus.js --out DIR [--only LABEL]`,
// DIR a generation's directory under test/fixtures/diagnosis-corpus (g1, g2, ...; see loadCorpus).
//
// Each case injects one cause (or none) on the bundled server or the real CherryPy example app
// (examples/cherrypy/app.py), across that cause's parameter space: handler time, pool size, load
// from 0.2x to 3x capacity, CPU share, leak rates, with and without nginx in front. One short run
// per case (0.5 s warm-up + 3 s); while it runs, an inspection of the target's pid (2 s) is taken
// too. Only the measured findings are stored (run and inspect, each with the injected label), as
// compact JSON under test/fixtures/diagnosis-corpus/<generation>/<label>.json; test/diagnose/corpus.test.ts
// and bench/diagnosis.bench.ts judge the diagnosis on them, and the calibration is fitted on them.
// The machine is shared: cases run one at a time, each bounded in time and count.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { executeRun } from '../src/run/execute-run.js';
import { findingsFromRun } from '../src/run/findings-from-run.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { inspectProcess } from '../src/inspect/run-inspect.js';
import { startSlowPeer } from '../test/helpers/slow-peer.js';
import { holdConnections } from '../test/helpers/held-connections.js';
import type { Findings } from '../src/diagnose/findings.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = '/usr/bin/python3';
const CHERRYPY_COMMAND = `${PYTHON} examples/cherrypy/app.py --port {port} --thread-pool {thread_pool} --socket-timeout {socket_timeout} --socket-queue-size {socket_queue_size}`;
/** Every case: 0.5 s warm-up, 3 s measured; the inspection (2 s) starts 0.5 s into the measurement. */
const WARMUP_S = 0.5;
const DURATION_S = 3;
const INSPECT_AT_S = 0.5;
const INSPECT_S = 2;
/** Held idle connections close by themselves after this, whatever happens to the case. */
const IDLE_HOLD_MAX_MS = 60_000;

export interface CorpusCase {
  id: string;
  /** The injected cause, or 'none' for a healthy service. */
  label: string;
  /** The cause a run names for the same fault when it differs from what an inspection names. */
  run_label?: string;
  /**
   * The cause a run names when every connection asked for was established: a listen backlog is
   * too small only when connections were refused, and whether a burst overflows it on cheroot
   * depends on how fast its acceptor runs (see the case).
   */
  run_label_if_all_connected?: string;
  /**
   * A second cause injected in the same case (two-fault cases, stored in two-faults.json): the
   * first cause named is right when it is either, and the second is judged on its own.
   */
  second_label?: string;
  target: 'bundled' | 'cherrypy';
  settings: Record<string, unknown>;
  load: Record<string, unknown>;
  mix: Record<string, unknown>[];
  slow_clients?: Record<string, unknown>[];
  proxy?: Record<string, unknown>;
  /** A slow loopback peer the handler calls (/upstream?port=PEER), answering after this many ms. */
  peer_ms?: number;
  /**
   * Raw connections to the target held open through the run that never complete a request (even
   * ones send nothing, odd ones half a request head), opened again when the server closes them.
   */
  idle_connections?: number;
  /** Also store an inspection of the target taken during the run. */
  inspect?: boolean;
  /** Read the server's stats during the inspection (bundled /_cpdiag/stats, CherryPy /cpstats/data). */
  inspect_stats?: boolean;
  /** Human-readable parameters (load factor, handler time ...). */
  params: Record<string, number | string>;
}

export interface CorpusEntry {
  id: string;
  label: string;
  /** The second injected cause of a two-fault case. */
  second_label?: string;
  /** The corpus generation (its directory) the entry was loaded from; not stored in the entry. */
  generation?: string;
  source: 'run' | 'inspect';
  target: 'bundled' | 'cherrypy';
  params: Record<string, number | string>;
  findings: Findings;
}

const closed = (connections: number) => ({ mode: 'closed', connections });
const open = (rate: number) => ({ mode: 'open', rate_rps: rate, arrival: 'poisson' });
const work = (q: string) => [{ path: `/work?${q}` }];

/** The parameter space, case by case (capacity: pool / handler time; the GIL: 1 / CPU time). */
export function corpusCases(): CorpusCase[] {
  const c: CorpusCase[] = [];
  const add = (x: Omit<CorpusCase, 'id'> & { id?: string }) => c.push({ id: x.id ?? `${x.label}-${c.filter((y) => y.label === x.label).length + 1}`, ...x });
  const bq = { socket_queue_size: 128 };
  // ---- healthy: utilisation 0.1-0.7, short handlers.
  for (const util of [0.1, 0.3, 0.5, 0.7]) add({ label: 'none', target: 'bundled', settings: { thread_pool: 10, ...bq }, load: open(util * 500), mix: work('io_ms=20&dist=exp&seed=7'), inspect: util === 0.5, inspect_stats: true, params: { pool: 10, handler_ms: 20, utilisation: util } });
  for (const util of [0.2, 0.6]) add({ label: 'none', target: 'bundled', settings: { thread_pool: 4, ...bq }, load: open(util * 80), mix: work('io_ms=50'), params: { pool: 4, handler_ms: 50, utilisation: util } });
  add({ label: 'none', target: 'bundled', settings: { thread_pool: 32, ...bq }, load: open(0.5 * 320), mix: work('io_ms=100'), inspect: true, params: { pool: 32, handler_ms: 100, utilisation: 0.5 } });
  add({ label: 'none', target: 'bundled', settings: { thread_pool: 16, ...bq }, load: closed(4), mix: work('io_ms=5'), inspect: true, params: { pool: 16, handler_ms: 5, clients: 4 } });
  add({ label: 'none', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(150), mix: work('io_ms=10&cpu_ms=2'), params: { pool: 8, handler_ms: 12, cpu_ms: 2, gil_utilisation: 0.3 } });
  add({ label: 'none', target: 'bundled', settings: { thread_pool: 10, ...bq }, load: closed(8), mix: work('io_ms=20&cpu_ms=1'), params: { pool: 10, handler_ms: 21, clients: 8 } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, load: closed(4), mix: work('io_ms=20'), inspect: true, params: { pool: 10, handler_ms: 20, clients: 4 } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 16, ...bq }, load: closed(8), mix: work('io_ms=50'), inspect: true, params: { pool: 16, handler_ms: 50, clients: 8 } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: open(40), mix: work('io_ms=10&cpu_ms=3'), params: { pool: 8, handler_ms: 13, cpu_ms: 3, gil_utilisation: 0.12 } });
  // ---- pool too small: load 1.5x-3x what the pool can serve, handler 10 ms-1 s.
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 2, ...bq }, load: closed(24), mix: work('io_ms=20'), inspect: true, inspect_stats: true, params: { pool: 2, handler_ms: 20, clients: 24 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 4, ...bq }, load: closed(12), mix: work('io_ms=50'), params: { pool: 4, handler_ms: 50, clients: 12 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 10, ...bq }, load: closed(30), mix: work('io_ms=20&cpu_ms=1'), inspect: true, params: { pool: 10, handler_ms: 21, clients: 30 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 16, ...bq }, load: closed(40), mix: work('io_ms=100'), params: { pool: 16, handler_ms: 100, clients: 40 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(80), mix: work('io_ms=200'), params: { pool: 8, handler_ms: 200, load_factor: 2 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 4, ...bq }, load: open(200), mix: work('io_ms=30'), params: { pool: 4, handler_ms: 30, load_factor: 1.5 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 32, ...bq }, load: closed(64), mix: work('io_ms=1000'), params: { pool: 32, handler_ms: 1000, clients: 64 } });
  add({ label: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 2, ...bq }, load: closed(32), mix: work('io_ms=100'), inspect: true, params: { pool: 2, handler_ms: 100, clients: 32 } });
  add({ label: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(16), mix: work('io_ms=20'), inspect: true, params: { pool: 4, handler_ms: 20, clients: 16 } });
  add({ label: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(24), mix: work('io_ms=50'), inspect: true, inspect_stats: true, params: { pool: 8, handler_ms: 50, clients: 24 } });
  add({ label: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 40, ...bq }, load: closed(60), mix: work('io_ms=1000'), params: { pool: 40, handler_ms: 1000, clients: 60 } });
  // ---- blocking I/O in handlers: slow handlers (150 ms-2 s) with the pool ample (load 0.2-0.7x).
  add({ label: 'blocking-io-in-handlers', target: 'bundled', settings: { thread_pool: 32, ...bq }, load: closed(16), mix: work('io_ms=300'), inspect: true, inspect_stats: true, params: { pool: 32, handler_ms: 300, clients: 16 } });
  add({ label: 'blocking-io-in-handlers', target: 'bundled', settings: { thread_pool: 16, ...bq }, load: closed(6), mix: work('io_ms=150'), params: { pool: 16, handler_ms: 150, clients: 6 } });
  add({ label: 'blocking-io-in-handlers', target: 'bundled', settings: { thread_pool: 10, ...bq }, load: closed(5), mix: work('io_ms=800'), params: { pool: 10, handler_ms: 800, clients: 5 } });
  add({ label: 'blocking-io-in-handlers', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(1.5), mix: work('io_ms=2000'), params: { pool: 8, handler_ms: 2000, utilisation: 0.375 } });
  add({ label: 'blocking-io-in-handlers', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, load: closed(5), mix: work('io_ms=400'), params: { pool: 10, handler_ms: 400, clients: 5 } });
  // ---- CPU-bound under the GIL: CPU 5-30 ms per request, load past one core.
  add({ label: 'cpu-bound-under-gil', target: 'bundled', settings: { thread_pool: 8, gil: true, ...bq }, load: closed(16), mix: work('cpu_ms=10'), inspect: true, inspect_stats: true, params: { pool: 8, cpu_ms: 10, clients: 16 } });
  add({ label: 'cpu-bound-under-gil', target: 'bundled', settings: { thread_pool: 4, gil: true, ...bq }, load: closed(8), mix: work('cpu_ms=5'), params: { pool: 4, cpu_ms: 5, clients: 8 } });
  add({ label: 'cpu-bound-under-gil', target: 'bundled', settings: { thread_pool: 16, gil: true, ...bq }, load: closed(24), mix: work('cpu_ms=20'), params: { pool: 16, cpu_ms: 20, clients: 24 } });
  add({ label: 'cpu-bound-under-gil', target: 'bundled', settings: { thread_pool: 8, gil: true, ...bq }, load: closed(12), mix: work('io_ms=5&cpu_ms=15'), params: { pool: 8, cpu_ms: 15, io_ms: 5, clients: 12 } });
  add({ label: 'cpu-bound-under-gil', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(16), mix: work('cpu_ms=20'), inspect: true, params: { pool: 8, cpu_ms: 20, clients: 16 } });
  add({ label: 'cpu-bound-under-gil', target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(8), mix: work('cpu_ms=10'), inspect: true, params: { pool: 4, cpu_ms: 10, clients: 8 } });
  // ---- memory retention (a per-request cache): 32-512 KiB kept per request.
  add({ label: 'per-request-cache', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: closed(8), mix: [{ path: '/leak/memory?kb=64' }], inspect: true, params: { kb_per_request: 64, clients: 8 } });
  add({ label: 'per-request-cache', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: closed(4), mix: [{ path: '/leak/memory?kb=256' }], params: { kb_per_request: 256, clients: 4 } });
  add({ label: 'per-request-cache', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(4), mix: [{ path: '/leak/memory?kb=512' }], inspect: true, params: { kb_per_request: 512, clients: 4 } });
  add({ label: 'per-request-cache', target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(2), mix: [{ path: '/leak/memory?kb=128' }], inspect: true, params: { kb_per_request: 128, clients: 2 } });
  // ---- fd leak: 50-200 files a second left open.
  add({ label: 'fd-leak', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(200), mix: [{ path: '/leak/fd' }], inspect: true, params: { leak_per_s: 200 } });
  add({ label: 'fd-leak', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(50), mix: [{ path: '/leak/fd' }], inspect: true, params: { leak_per_s: 50 } });
  add({ label: 'fd-leak', target: 'bundled', settings: { thread_pool: 4, ...bq }, load: closed(4), mix: [{ path: '/leak/fd' }], params: { clients: 4 } });
  // ---- thread leak: 5-20 threads a second never reaped.
  add({ label: 'thread-leak', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(15), mix: [{ path: '/leak/thread' }], inspect: true, params: { leak_per_s: 15 } });
  add({ label: 'thread-leak', target: 'bundled', settings: { thread_pool: 8, ...bq }, load: open(6), mix: [{ path: '/leak/thread' }], params: { leak_per_s: 6 } });
  add({ label: 'thread-leak', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: open(20), mix: [{ path: '/leak/thread' }], inspect: true, params: { leak_per_s: 20 } });
  add({ label: 'thread-leak', target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: open(8), mix: [{ path: '/leak/thread' }], inspect: true, params: { leak_per_s: 8 } });
  // ---- bodies over the limit.
  add({ label: 'body-too-large', target: 'bundled', settings: { thread_pool: 10, max_request_body_size: 1048576, ...bq }, load: closed(4), mix: [{ path: '/work?io_ms=5', weight: 3 }, { method: 'POST', path: '/upload', body_bytes: 2097152, weight: 1 }], params: { body_mib: 2, limit_mib: 1, share: 0.25 } });
  add({ label: 'body-too-large', target: 'bundled', settings: { thread_pool: 10, max_request_body_size: 262144, ...bq }, load: closed(4), mix: [{ path: '/work?io_ms=5', weight: 9 }, { method: 'POST', path: '/upload', body_bytes: 1048576, weight: 1 }], params: { body_mib: 1, limit_mib: 0.25, share: 0.1 } });
  // ---- socket_timeout below slow clients' pauses.
  add({ label: 'socket-timeout-too-low', target: 'bundled', settings: { thread_pool: 10, socket_timeout: 0.3, ...bq }, load: closed(4), mix: work('io_ms=5'), slow_clients: [{ count: 4, upload_bytes_per_s: 2, request: { method: 'POST', path: '/upload', body_bytes: 64 } }], params: { socket_timeout_s: 0.3, pause_s: 0.5 } });
  add({ label: 'socket-timeout-too-low', target: 'bundled', settings: { thread_pool: 10, socket_timeout: 0.5, ...bq }, load: closed(4), mix: work('io_ms=5'), slow_clients: [{ count: 6, upload_bytes_per_s: 1, request: { method: 'POST', path: '/upload', body_bytes: 64 } }], params: { socket_timeout_s: 0.5, pause_s: 1 } });
  // ---- nginx's proxy_read_timeout below the slow handler's time.
  add({ label: 'proxy-read-timeout-shorter-than-handler', target: 'bundled', settings: { thread_pool: 10, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 1 }, load: { ...closed(8), timeout_ms: 10000 }, mix: [{ path: '/work?io_ms=10', weight: 4 }, { path: '/work?io_ms=1500', weight: 1 }], inspect: true, inspect_stats: true, params: { read_timeout_s: 1, slow_handler_ms: 1500 } });
  add({ label: 'proxy-read-timeout-shorter-than-handler', target: 'bundled', settings: { thread_pool: 16, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 0.5 }, load: { ...closed(6), timeout_ms: 10000 }, mix: [{ path: '/work?io_ms=20', weight: 3 }, { path: '/work?io_ms=800', weight: 1 }], params: { read_timeout_s: 0.5, slow_handler_ms: 800 } });
  // ---- the proxy gives up on requests still queued here (CLOSE_WAIT from nginx).
  // Handlers (300 ms) well inside nginx's 1 s, but 12 clients on 2 workers queue for ~1.8 s: nginx
  // gives up on queued requests. A run sees nginx's 504s with the pool full (pool-exhausted); an
  // inspection sees the CLOSE_WAIT sockets nginx left (proxy-gave-up-on-queued-requests).
  for (const [pool, clients] of [[2, 12], [4, 24]]) {
    add({ label: 'proxy-gave-up-on-queued-requests', run_label: 'pool-exhausted', target: 'cherrypy', settings: { thread_pool: pool, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 1, keepalive: false }, load: { ...closed(clients), timeout_ms: 10000 }, mix: work('io_ms=300'), inspect: true, params: { pool, handler_ms: 300, clients, read_timeout_s: 1 } });
  }
  // ---- the listen backlog too small for the connection burst.
  add({ label: 'listen-backlog-too-small', target: 'bundled', settings: { thread_pool: 10, socket_queue_size: 5 }, load: closed(300), mix: work('io_ms=20'), params: { backlog: 5, clients: 300 } });
  add({ label: 'listen-backlog-too-small', target: 'bundled', settings: { thread_pool: 32, socket_queue_size: 5 }, load: closed(200), mix: work('io_ms=10'), params: { backlog: 5, clients: 200 } });
  // On cheroot a small backlog overflows only while its acceptor thread is slow to run: it drains
  // the listen queue into its own unbounded queue (accepted_queue_size -1). With the handlers waiting
  // on I/O it sometimes keeps up with 200 connections (all 200 connected, no overflow, in each of the
  // first four generations; 117 of 200 in a later run): then the 200 clients wait for the 10 workers,
  // and the pool is the fault the run shows. With CPU-bound handlers the acceptor waits for the GIL
  // and the backlog overflows (the next case).
  add({ label: 'listen-backlog-too-small', run_label_if_all_connected: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 10, socket_queue_size: 5 }, load: closed(200), mix: work('io_ms=20'), params: { backlog: 5, clients: 200 } });
  add({ label: 'listen-backlog-too-small', target: 'cherrypy', settings: { thread_pool: 10, socket_queue_size: 5 }, load: closed(300), mix: work('cpu_ms=5'), params: { backlog: 5, clients: 300, cpu_ms: 5 } });
  // ---- workers blocked on one slow peer (the handler calls a loopback dependency).
  add({ label: 'slow-downstream-peer', target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(8), mix: [{ path: '/upstream?port={peer}' }], peer_ms: 500, inspect: true, params: { pool: 4, peer_ms: 500, clients: 8 } });
  add({ label: 'slow-downstream-peer', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(16), mix: [{ path: '/upstream?port={peer}' }], peer_ms: 200, inspect: true, params: { pool: 8, peer_ms: 200, clients: 16 } });
  add({ label: 'slow-downstream-peer', target: 'cherrypy', settings: { thread_pool: 16, ...bq }, load: closed(12), mix: [{ path: '/upstream?port={peer}' }], peer_ms: 800, inspect: true, params: { pool: 16, peer_ms: 800, clients: 12 } });
  // ---- the corners of the parameter space the cases above leave open (issue 12): pool 1 and
  // pool 200, a handler of 10 ms and of 2 s on a pool too small, 3x capacity open-loop, CPU at
  // half the service time, healthy at utilisation 0.1 and 0.7 on the CherryPy app, healthy and
  // saturated behind nginx (whose CLOSE_WAIT and 502/504 must not read as faults when healthy).
  // Pools of 100 and more run on CherryPy (Python threads start at once; the bundled server's
  // 200 worker threads take longer to start than the readiness wait on a shared machine).
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 1, ...bq }, load: closed(8), mix: work('io_ms=50'), params: { pool: 1, handler_ms: 50, clients: 8 } });
  add({ label: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 200, ...bq }, load: { ...closed(300), timeout_ms: 10000 }, mix: work('io_ms=1000'), params: { pool: 200, handler_ms: 1000, clients: 300 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 4, ...bq }, load: open(600), mix: work('io_ms=20'), params: { pool: 4, handler_ms: 20, load_factor: 3 } });
  add({ label: 'pool-too-small', target: 'cherrypy', settings: { thread_pool: 2, ...bq }, load: { ...closed(6), timeout_ms: 10000 }, mix: work('io_ms=2000'), params: { pool: 2, handler_ms: 2000, clients: 6 } });
  add({ label: 'pool-too-small', target: 'bundled', settings: { thread_pool: 4, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 30 }, load: { ...closed(16), timeout_ms: 10000 }, mix: work('io_ms=50'), inspect: true, params: { pool: 4, handler_ms: 50, clients: 16, proxy: 'nginx' } });
  add({ label: 'cpu-bound-under-gil', target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(16), mix: work('io_ms=10&cpu_ms=10'), inspect: true, params: { pool: 8, cpu_ms: 10, io_ms: 10, clients: 16 } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, load: closed(1), mix: work('io_ms=20'), params: { pool: 10, handler_ms: 20, clients: 1, utilisation: 0.1 } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, load: closed(7), mix: work('io_ms=50'), inspect: true, params: { pool: 10, handler_ms: 50, clients: 7, utilisation: 0.7 } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 100, ...bq }, load: open(0.4 * 1000), mix: work('io_ms=100'), params: { pool: 100, handler_ms: 100, utilisation: 0.4 } });
  add({ label: 'none', target: 'bundled', settings: { thread_pool: 10, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 30 }, load: closed(4), mix: work('io_ms=20'), inspect: true, params: { pool: 10, handler_ms: 20, clients: 4, proxy: 'nginx' } });
  add({ label: 'none', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 30 }, load: closed(4), mix: work('io_ms=20'), inspect: true, params: { pool: 10, handler_ms: 20, clients: 4, proxy: 'nginx' } });
  // ---- idle or slow client connections hold workers (preconnects, bare health checks, slowloris).
  const held = { socket_timeout: 30, ...bq };
  add({ label: 'idle-connections-hold-workers', target: 'bundled', settings: { thread_pool: 4, ...held }, load: closed(4), mix: work('io_ms=20'), idle_connections: 3, inspect: true, inspect_stats: true, params: { pool: 4, idle_connections: 3, clients: 4 } });
  add({ label: 'idle-connections-hold-workers', target: 'bundled', settings: { thread_pool: 8, ...held }, load: closed(8), mix: work('io_ms=10'), idle_connections: 5, inspect: true, inspect_stats: true, params: { pool: 8, idle_connections: 5, clients: 8 } });
  add({ label: 'idle-connections-hold-workers', target: 'cherrypy', settings: { thread_pool: 4, ...held }, load: closed(4), mix: work('io_ms=20'), idle_connections: 3, inspect: true, params: { pool: 4, idle_connections: 3, clients: 4 } });
  add({ label: 'idle-connections-hold-workers', target: 'cherrypy', settings: { thread_pool: 8, ...held }, load: closed(6), mix: work('io_ms=10'), idle_connections: 6, inspect: true, params: { pool: 8, idle_connections: 6, clients: 6 } });
  // ---- the application answers 5xx itself (a share of /work raises), relayed by nginx or Apache, or direct: 1%-20%.
  add({ label: 'backend-returned-5xx', target: 'bundled', settings: { thread_pool: 8, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 10 }, load: closed(4), mix: work('io_ms=5&fail=0.2'), params: { fail_share: 0.2, clients: 4, proxy: 'nginx' } });
  add({ label: 'backend-returned-5xx', target: 'bundled', settings: { thread_pool: 10, ...bq }, proxy: { kind: 'apache', apache_style: 'proxypass', read_timeout_s: 10 }, load: closed(8), mix: work('io_ms=20&fail=0.05'), params: { fail_share: 0.05, clients: 8, proxy: 'apache' } });
  add({ label: 'backend-returned-5xx', target: 'bundled', settings: { thread_pool: 10, ...bq }, load: open(100), mix: work('io_ms=10&fail=0.01'), params: { fail_share: 0.01, rate_rps: 100 } });
  add({ label: 'backend-returned-5xx', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 10 }, load: closed(4), mix: work('io_ms=10&fail=0.1'), params: { fail_share: 0.1, clients: 4, proxy: 'nginx' } });
  add({ label: 'backend-returned-5xx', target: 'cherrypy', settings: { thread_pool: 10, ...bq }, load: closed(4), mix: work('io_ms=10&fail=0.2'), params: { fail_share: 0.2, clients: 4 } });
  // ---- the proxy's own worker limit below the clients, the backend's pool larger and idle.
  add({ label: 'proxy-worker-limit', target: 'bundled', settings: { thread_pool: 16, ...bq }, proxy: { kind: 'apache', apache_style: 'proxypass', apache_threads_per_child: 2, apache_server_limit: 2, read_timeout_s: 10 }, load: closed(16), mix: work('io_ms=20'), params: { proxy_limit: 4, pool: 16, clients: 16, proxy: 'apache' } });
  add({ label: 'proxy-worker-limit', target: 'bundled', settings: { thread_pool: 32, ...bq }, proxy: { kind: 'apache', apache_threads_per_child: 4, apache_server_limit: 2, read_timeout_s: 10 }, load: closed(24), mix: work('io_ms=50'), params: { proxy_limit: 8, pool: 32, clients: 24, proxy: 'apache' } });
  add({ label: 'proxy-worker-limit', target: 'bundled', settings: { thread_pool: 16, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 10, nginx_worker_connections: 9 }, load: closed(16), mix: work('io_ms=20'), params: { proxy_limit: 4, pool: 16, clients: 16, proxy: 'nginx' } });
  add({ label: 'proxy-worker-limit', target: 'bundled', settings: { thread_pool: 16, ...bq }, proxy: { kind: 'nginx', read_timeout_s: 10, nginx_worker_connections: 17 }, load: closed(32), mix: work('io_ms=10'), params: { proxy_limit: 8, pool: 16, clients: 32, proxy: 'nginx' } });
  add({ label: 'proxy-worker-limit', target: 'cherrypy', settings: { thread_pool: 16, ...bq }, proxy: { kind: 'apache', apache_style: 'proxypass', apache_threads_per_child: 2, apache_server_limit: 2, read_timeout_s: 10 }, load: closed(12), mix: work('io_ms=20'), params: { proxy_limit: 4, pool: 16, clients: 12, proxy: 'apache' } });
  // ---- two faults at once, as an operator meets them: a pool too small that also leaks (fds, memory,
  // threads), a slow dependency beside a cache that never evicts, GIL-bound handlers that also
  // keep memory. Each fault at a strength its own cases above show; which one is "first" is
  // only the id's order.
  const two = (x: Omit<CorpusCase, 'id' | 'label' | 'second_label' | 'inspect'>, first: string, second: string) => add({
    id: `${first}.and.${second}-${c.filter((y) => y.label === first && y.second_label === second).length + 1}`, label: first, second_label: second, inspect: true, ...x,
  });
  const mixOf = (a: string, wa: number, b: string, wb: number) => [{ path: a, weight: wa }, { path: b, weight: wb }];
  two({ target: 'bundled', settings: { thread_pool: 4, ...bq }, load: closed(16), mix: mixOf('/work?io_ms=50', 3, '/leak/fd', 1), params: { pool: 4, handler_ms: 50, clients: 16, fd_share: 0.25 } }, 'pool-too-small', 'fd-leak');
  two({ target: 'bundled', settings: { thread_pool: 8, ...bq }, load: closed(24), mix: mixOf('/work?io_ms=100', 4, '/leak/fd', 1), params: { pool: 8, handler_ms: 100, clients: 24, fd_share: 0.2 } }, 'pool-too-small', 'fd-leak');
  two({ target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(16), mix: mixOf('/work?io_ms=50', 3, '/leak/memory?kb=256', 1), params: { pool: 4, handler_ms: 50, clients: 16, kb_per_request: 256 } }, 'pool-too-small', 'per-request-cache');
  two({ target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(16), mix: mixOf('/work?io_ms=50', 4, '/leak/thread', 1), params: { pool: 4, handler_ms: 50, clients: 16, thread_share: 0.2 } }, 'pool-too-small', 'thread-leak');
  two({ target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(16), mix: mixOf('/upstream?port={peer}', 3, '/leak/memory?kb=256', 1), peer_ms: 300, params: { pool: 8, peer_ms: 300, clients: 16, kb_per_request: 256 } }, 'slow-downstream-peer', 'per-request-cache');
  two({ target: 'cherrypy', settings: { thread_pool: 4, ...bq }, load: closed(8), mix: mixOf('/upstream?port={peer}', 3, '/leak/memory?kb=512', 1), peer_ms: 500, params: { pool: 4, peer_ms: 500, clients: 8, kb_per_request: 512 } }, 'slow-downstream-peer', 'per-request-cache');
  two({ target: 'cherrypy', settings: { thread_pool: 8, ...bq }, load: closed(16), mix: mixOf('/work?cpu_ms=20', 3, '/leak/memory?kb=256', 1), params: { pool: 8, cpu_ms: 20, clients: 16, kb_per_request: 256 } }, 'cpu-bound-under-gil', 'per-request-cache');
  two({ target: 'bundled', settings: { thread_pool: 32, ...bq }, load: closed(12), mix: mixOf('/work?io_ms=300', 3, '/leak/fd', 1), params: { pool: 32, handler_ms: 300, clients: 12, fd_share: 0.25 } }, 'blocking-io-in-handlers', 'fd-leak');
  return c;
}

/** The file a case's entries are stored in: its label's, or two-faults.json. */
export function corpusFile(k: Pick<CorpusCase, 'label' | 'second_label'>): string {
  return k.second_label ? 'two-faults' : k.label;
}

/** Keeps what the diagnosis reads; drops texts and per-thread detail that only make the fixture big. */
export function compactFindings(f: Findings): Findings {
  const out: Findings = { ...f };
  delete out.events;
  delete out.threads_by_activity;
  if (out.drift) {
    out.drift = Object.fromEntries(Object.entries(out.drift).map(([k, d]) => {
      const { reason: _r, method: _m, ...rest } = d!;
      return [k, rest];
    }));
  }
  return JSON.parse(JSON.stringify(out, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(5)) : v))) as Findings;
}

/**
 * The load the case measured over its pool (mean busy workers, plus the requests that waited for
 * one, over the pool size), beside the one it was designed for: on a shared machine a run designed
 * at 0.5 can measure 0.9, or queue requests behind a pool that other work starved of CPU. A
 * standing queue (its median above zero) is load beyond the pool's capacity, so it counts.
 */
export function measuredUtilisation(f: Findings): number | undefined {
  if (f.saturation && f.saturation.samples > 0) return (f.saturation.busy_mean + f.saturation.queue_p50) / f.saturation.workers;
  const w = f.worker_threads;
  if (w && w.total > 0) return (w.total - w.idle) / w.total;
  const pool = f.settings?.thread_pool;
  if (pool && f.throughput_rps && f.service_time_ms) return (f.throughput_rps * f.service_time_ms) / 1000 / pool;
  return undefined;
}

function withUtilisation(params: CorpusCase['params'], f: Findings): CorpusCase['params'] {
  const u = measuredUtilisation(f);
  return u === undefined ? params : { ...params, measured_utilisation: Number(u.toFixed(3)) };
}

export async function runCase(k: CorpusCase): Promise<CorpusEntry[]> {
  const peer = k.peer_ms !== undefined ? await startSlowPeer(k.peer_ms) : undefined;
  let idle: { close(): void } | undefined;
  try {
    const mix = k.mix.map((m) => ({ ...m, path: String(m.path).replace('{peer}', String(peer?.port ?? 0)) }));
    const scenario = parseScenario({
      name: k.id,
      target: k.target === 'cherrypy' ? { kind: 'command', command: CHERRYPY_COMMAND, ready_path: '/healthz', cwd: ROOT } : { kind: 'bundled' },
      settings: k.settings,
      load: { warmup_s: WARMUP_S, duration_s: DURATION_S, ...k.load },
      mix,
      ...(k.slow_clients ? { slow_clients: k.slow_clients } : {}),
      ...(k.proxy ? { proxy: k.proxy } : {}),
    }, k.id);
    let inspection: Promise<Findings | undefined> | undefined;
    let target: { pid: number; url: string } | undefined;
    const { record } = await executeRun({
      scenario,
      // The record is handed over once the target is up: its pid and URL.
      progress: {
        update: (rec) => {
          target ??= { pid: rec.target.pid, url: rec.target.url };
          if (k.idle_connections && !idle) idle = holdConnections(Number(new URL(target.url).port), k.idle_connections, IDLE_HOLD_MAX_MS);
        },
      },
      // Probe samples carry the time: the inspection starts INSPECT_AT_S into the measurement.
      onSample: (s) => {
        if (!k.inspect || inspection || !target || s.t_s < WARMUP_S + INSPECT_AT_S) return;
        const stats = !k.inspect_stats ? undefined : k.target === 'bundled' ? `${target.url}/_cpdiag/stats` : `${target.url}/cpstats/data`;
        inspection = inspectProcess({ pid: target.pid, durationS: INSPECT_S, intervalMs: 125, statsUrl: stats })
          .then((r) => r.findings, () => undefined);
      },
    });
    const runFindings = findingsFromRun(record);
    // How much of the machine other processes held while the case ran (execute-run measures the
    // split over its phase): stored beside the parameters, so starved cases are told apart.
    const split = runFindings.machine_cpu;
    const params = split ? { ...k.params, machine_other_share: Number(split.other_share.toFixed(2)) } : k.params;
    const second = k.second_label ? { second_label: k.second_label } : {};
    const allConnected = runFindings.connections !== undefined && runFindings.connections.established >= runFindings.connections.requested;
    const runLabel = (allConnected ? k.run_label_if_all_connected : undefined) ?? k.run_label ?? k.label;
    const out: CorpusEntry[] = [{ id: `${k.id}/run`, label: runLabel, ...second, source: 'run', target: k.target, params: withUtilisation(params, runFindings), findings: compactFindings(runFindings) }];
    const inspected = await inspection;
    if (inspected) out.push({ id: `${k.id}/inspect`, label: k.label, ...second, source: 'inspect', target: k.target, params: withUtilisation(params, inspected), findings: compactFindings(inspected) });
    return out;
  } finally {
    idle?.close();
    await peer?.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const known = new Set(['--only', '--out']);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: node dist/bench/diagnosis-corpus.js [--only LABEL|CASE-ID] [--out DIR]\n  every case runs ~5 s, one at a time; --only replaces that label\'s (or that case\'s) entries in its file\n');
    return;
  }
  const unknown = args.filter((a, i) => a.startsWith('-') && !known.has(a) && !known.has(args[i - 1] ?? ''));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(', ')} (see --help)`);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  // A new generation goes to a directory of its own (docs/diagnosis.md, Calibration): name it.
  if (!args.includes('--out')) {
    process.stderr.write('--out DIR is required: a generation of its own, e.g. test/fixtures/diagnosis-corpus/g4 (or --only LABEL --out an existing one)\n');
    process.exit(2);
  }
  const outDir = args[args.indexOf('--out') + 1];
  mkdirSync(outDir, { recursive: true });
  const cases = corpusCases().filter((k) => !only || corpusFile(k) === only || k.id === only);
  const started = Date.now();
  const byLabel = new Map<string, CorpusEntry[]>();
  for (const k of cases) {
    const t0 = Date.now();
    let entries: CorpusEntry[] = [];
    try {
      entries = await runCase(k);
    } catch (e) {
      process.stderr.write(`${k.id}: failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.stderr.write(`${k.id}: ${entries.map((e) => e.source).join('+') || 'nothing'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const list = byLabel.get(corpusFile(k)) ?? [];
    list.push(...entries);
    byLabel.set(corpusFile(k), list);
  }
  for (const [label, entries] of byLabel) {
    const file = join(outDir, `${label}.json`);
    // --only replaces this label's cases in its file and keeps the others.
    const kept = only && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CorpusEntry[]).filter((e) => !entries.some((n) => n.id === e.id)) : [];
    const all = [...kept, ...entries].sort((a, b) => (a.id < b.id ? -1 : 1));
    writeFileSync(file, `[\n${all.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`);
  }
  const seconds = (Date.now() - started) / 1000;
  const total = [...byLabel.values()].reduce((a, l) => a + l.length, 0);
  if (!only) writeFileSync(join(outDir, 'meta.json'), `${JSON.stringify({ generated_at: new Date().toISOString(), cases: cases.length, entries: total, seconds: Math.round(seconds) }, null, 2)}\n`);
  process.stderr.write(`${cases.length} cases, ${total} entries in ${seconds.toFixed(0)} s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(() => process.exit(0), (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(70);
  });
}
