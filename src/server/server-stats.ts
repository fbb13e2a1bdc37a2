// The stats document served at /_cpdiag/stats (schema cpdiag.server-stats/1). Other modules
// parse it: keys listed in docs/server.md keep their meaning; new keys may be added.
import type { ServerSettings } from '../config/settings.js';
import type { WorkerSnapshot } from './worker-pool.js';

export const SERVER_STATS_SCHEMA = 'cpdiag.server-stats/1';

/** Everything the acceptor counts. Mutable on purpose: it is bumped on the hot path. */
export class ServerCounters {
  /** Connections accepted (cheroot's "Accepts"). */
  connections = 0;
  /** Request heads that reached the application (not the out-of-band endpoints). */
  accepted = 0;
  /** Application responses fully written. */
  completed = 0;
  /** Handler failures (5xx from a worker). */
  errored = 0;
  rejected503 = 0;
  badRequest400 = 0;
  timeout408 = 0;
  tooLarge413 = 0;
  /** Request heads over max_request_header_size (answered 413, as cheroot does). */
  headerTooLarge = 0;
  clientDisconnects = 0;
  /** Connections closed by socket_timeout without a response (idle keep-alive, slow reader). */
  timeoutCloses = 0;
  /** Query parameters refused with 400 by the application (not protocol errors). */
  badParams = 0;
  /** Requests answered by the acceptor itself: stats, healthz, readyz. */
  outOfBand = 0;
  bytesReadClosed = 0;
  bytesWrittenClosed = 0;
  leakMemoryBytes = 0;
  leakFds = 0;
  leakThreads = 0;
}

export interface StatsInput {
  counters: ServerCounters;
  settings: ServerSettings;
  uptimeS: number;
  pid: number;
  workers: WorkerSnapshot[];
  queueDepth: number;
  queueMax: number;
  waitingToEnter: number;
  bytesRead: number;
  bytesWritten: number;
  draining: boolean;
  openConnections: number;
  gilSwitches: number;
  cpuConcurrencyMax: number;
  /** CPDIAG_WORK_SCALE in effect (1 = unchanged). */
  workScale: number;
  /** The per-request models only: whether the native addon runs them (false: the Node fallback). */
  native?: boolean;
}

export interface ServerStatsDocument {
  schema: typeof SERVER_STATS_SCHEMA;
  uptime_s: number;
  pid: number;
  draining: boolean;
  /** CPDIAG_WORK_SCALE: the factor /work's io_ms and cpu_ms are multiplied by (1 = unchanged). */
  work_scale: number;
  /** thread-per-request and fork-per-request: real pthreads / fork() (true) or the Node fallback (false). */
  native?: boolean;
  settings: ServerSettings;
  threads: { total: number; busy: number; idle: number; by_state: Record<string, number> };
  queue: { depth: number; max: number; waiting_to_enter: number };
  connections: { open: number; accepted: number };
  requests: {
    accepted: number; completed: number; errored: number; rejected_503: number; bad_request_400: number;
    timeout_408: number; too_large_413: number; header_too_large_431: number; client_disconnects: number;
    timeout_closes: number; bad_params: number; out_of_band: number; in_flight: number;
  };
  bytes: { read: number; written: number };
  workers: WorkerSnapshot[];
  leaks: { memory_bytes: number; fds: number; threads: number };
  gil: { enabled: boolean; switches: number; max_concurrent_cpu: number };
  cheroot: {
    Threads: number; 'Threads Idle': number; Queue: number; Requests: number; 'Work Time': number;
    'Bytes Read': number; 'Bytes Written': number; Accepts: number;
  };
}

export function buildStatsDocument(input: StatsInput): ServerStatsDocument {
  const c = input.counters;
  const busy = input.workers.filter((w) => w.busy).length;
  const byState: Record<string, number> = {};
  for (const w of input.workers) byState[w.state] = (byState[w.state] ?? 0) + 1;
  const workTimeS = input.workers.reduce((sum, w) => sum + w.work_time_s, 0);
  const jobs = input.workers.reduce((sum, w) => sum + w.requests, 0);
  const total = input.workers.length;
  return {
    schema: SERVER_STATS_SCHEMA,
    uptime_s: round3(input.uptimeS),
    pid: input.pid,
    draining: input.draining,
    work_scale: input.workScale,
    ...(input.native === undefined ? {} : { native: input.native }),
    settings: input.settings,
    threads: { total, busy, idle: total - busy, by_state: byState },
    queue: { depth: input.queueDepth, max: input.queueMax, waiting_to_enter: input.waitingToEnter },
    connections: { open: input.openConnections, accepted: c.connections },
    requests: {
      accepted: c.accepted,
      completed: c.completed,
      errored: c.errored,
      rejected_503: c.rejected503,
      bad_request_400: c.badRequest400,
      timeout_408: c.timeout408,
      too_large_413: c.tooLarge413,
      header_too_large_431: c.headerTooLarge,
      client_disconnects: c.clientDisconnects,
      timeout_closes: c.timeoutCloses,
      bad_params: c.badParams,
      out_of_band: c.outOfBand,
      in_flight: busy + input.queueDepth + input.waitingToEnter,
    },
    bytes: { read: input.bytesRead, written: input.bytesWritten },
    workers: input.workers.map((w) => ({ ...w, work_time_s: round3(w.work_time_s) })),
    leaks: { memory_bytes: c.leakMemoryBytes, fds: c.leakFds, threads: c.leakThreads },
    gil: { enabled: input.settings.gil, switches: input.gilSwitches, max_concurrent_cpu: input.cpuConcurrencyMax },
    cheroot: {
      Threads: total,
      'Threads Idle': total - busy,
      Queue: input.queueDepth,
      Requests: jobs,
      'Work Time': round3(workTimeS),
      'Bytes Read': input.bytesRead,
      'Bytes Written': input.bytesWritten,
      Accepts: c.connections,
    },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
