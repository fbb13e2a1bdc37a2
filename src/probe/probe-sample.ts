// One sample of the target process tree, as the probes read it from /proc and the server's stats.

export type FdType = 'socket' | 'file' | 'pipe' | 'anon_inode' | 'other';

export type TcpState =
  | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'TIME_WAIT'
  | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'CLOSING' | 'NEW_SYN_RECV';

/** The reference server's (or cheroot's) own view of its pool. */
export interface ServerStatsSample {
  threads: number;
  busy: number;
  idle: number;
  queue: number;
  /**
   * Requests served so far; undefined when the server's counters cannot say. cheroot's own
   * "Requests" is not one: a worker adds its connection's cumulative request count after every
   * request of a kept-alive connection (1, then 1 + 2, ...), so it overcounts keep-alive traffic
   * many times over (926 "req/s" for 8 workers that could serve at most 80).
   */
  requests?: number;
  errors: number;
  /**
   * Seconds each worker has spent on requests since the server started (cumulative), in the
   * server's worker order: the bundled server's workers[].work_time_s, cheroot's
   * "Worker Threads" → "Work Time". Absent when the stats page does not give it.
   */
  worker_work_time_s?: number[];
  /**
   * Requests completed by each server process so far (cumulative), when the server runs several
   * (the bundled server's process pool: processes[].requests_completed).
   */
  requests_by_process?: number[];
  /** Malformed requests refused with 400 before the application (bundled server: bad_request_400). */
  bad_request_400?: number;
  /**
   * Requests the server itself answered 5xx (its application failed: bundled server
   * requests.errored), cumulative. Not cheroot's "Socket Errors", which are connection failures.
   */
  server_errors_5xx?: number;
  /** Connections the server has accepted (bundled server connections.accepted, cheroot "Accepts"), cumulative. */
  connections_accepted?: number;
  /** Seconds workers spent on connections, summed (cheroot's "Work Time"): its rate is the mean busy workers. */
  work_time_s?: number;
  /** The settings the server reports about itself (the bundled server's stats carry them). */
  settings?: Record<string, unknown>;
  /** Workers by state as the server reports them (the bundled server: idle, io, gil_wait, cpu, ...). */
  worker_states?: Record<string, number>;
}

/** Worker threads by what each was doing (worker-threads.ts counts them). */
export interface WorkerCounts {
  total: number;
  idle: number;
  blocked_io: number;
  waiting_lock: number;
  running: number;
  other: number;
}

/** The worker threads of one sample, by what each was doing (see worker-census.ts). */
export interface WorkerCensusSample extends WorkerCounts {
  /** The remote address most blocked workers waited on, and how many did (at least 2). */
  peer?: string;
  on_peer?: number;
  /**
   * Workers blocked reading from a client of the server (a connection accepted on its own port,
   * with no complete request yet). Absent in records written before it was measured.
   */
  on_client?: number;
}

/** One sample of the target process tree. */
export interface ProbeSample {
  /** Seconds since the run started. */
  t_s: number;
  pid: number;
  /** Percent of one core (100 = one core busy), summed over the process tree. */
  cpu_percent: number;
  rss_bytes: number;
  rss_anon_bytes?: number;
  rss_file_bytes?: number;
  /** Proportional set size summed over the tree (smaps_rollup): shared pages counted once. */
  pss_bytes?: number;
  /** Processes in the tree (the root and its descendants). */
  processes?: number;
  /**
   * New descendants seen per second since the previous scan for them (a lower bound: a child
   * that came and went between two scans is not seen).
   */
  processes_created_per_s?: number;
  threads: number;
  /** Thread counts by /proc state letter (R, S, D, Z, T, I). */
  threads_by_state: Record<string, number>;
  fds: number;
  fds_by_type: Record<FdType, number>;
  fd_limit: number;
  ctx_voluntary: number;
  ctx_involuntary: number;
  tcp_by_state: Partial<Record<TcpState, number>>;
  /** Accept-queue length of the listening socket(s), from rx_queue in /proc/net/tcp. */
  listen_queue?: number;
  server?: ServerStatsSample;
  /** The target's worker threads by state, read from /proc (runs against a command or an attached pid). */
  workers?: WorkerCensusSample;
}
