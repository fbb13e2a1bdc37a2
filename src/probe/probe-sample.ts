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
  requests: number;
  errors: number;
  /**
   * Seconds each worker has spent on requests since the server started (cumulative), in the
   * server's worker order: the bundled server's workers[].work_time_s, cheroot's
   * "Worker Threads" → "Work Time". Absent when the stats page does not give it.
   */
  worker_work_time_s?: number[];
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
}
