// What the load engine is asked to do: the plan of one load phase, its request mix and slow clients.

/** How a slow client behaves: for socket_timeout experiments. */
export interface SlowClientSpec {
  /** Send the request body at this many bytes per second (slow upload). */
  upload_bytes_per_s?: number;
  /** Read the response at this many bytes per second (slow reader). */
  read_bytes_per_s?: number;
  /** Open a keep-alive connection, send one request, then hold it idle this long. */
  idle_hold_s?: number;
}

/** One entry of a weighted request mix. */
export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Request body, sent as is. */
  body?: string;
  /** Alternatively a synthetic body of this many bytes (for uploads). */
  body_bytes?: number;
  /** Relative weight; the mix is normalised. Default 1. */
  weight?: number;
  /** Label used in reports, default METHOD path. */
  name?: string;
}

export type LoadMode = 'closed' | 'open';

export type ArrivalProcess = 'constant' | 'poisson';

/** One load phase: what the load engine is asked to do. */
export interface LoadPlan {
  mode: LoadMode;
  /** Base URL of the target, e.g. http://127.0.0.1:8080 (loopback only). */
  url: string;
  /** Closed loop: concurrent connections, each with one request outstanding. */
  connections?: number;
  /**
   * Closed loop: open the connections this many ms apart (0 or unset: all at once). The warm-up
   * should cover the ramp (connectRampS).
   */
  connect_spacing_ms?: number;
  /** Open loop: offered arrival rate. */
  rate_rps?: number;
  arrival?: ArrivalProcess;
  /** Open loop: upper bound of the connection pool. */
  max_connections?: number;
  duration_s: number;
  /** Warm-up before recording starts (not in the histograms). */
  warmup_s: number;
  mix: RequestSpec[];
  /** Slow clients that run beside the main load. */
  slow_clients?: { count: number; spec: SlowClientSpec; request: RequestSpec }[];
  /** A request that takes longer than this counts as a client timeout error. */
  timeout_ms: number;
  /** Width of one time-series window. */
  window_ms: number;
  seed: number;
}

/**
 * How far apart a load ladder's closed-loop levels (sweep steps, compare models) open their
 * connections. All at once — what autocannon and wrk do, and what `cpdiag run` keeps, since a
 * burst of arrivals is a real load and what listen-backlog-too-small is about — overflows a listen
 * backlog of 5 (CherryPy's default) before the acceptor runs: Linux drops the SYNs it has no room
 * for (or answers with a syncookie and then drops the ACK), and those clients wait out a 1 s
 * retransmit, then exponential back-off. A ladder starts every level with new connections, so
 * every level would start with that burst, which the steady state it measures does not have: a
 * `cpdiag compare models` level of 64 connections on a thread pool of 16 counted 289 listen
 * overflows and 23–32 client timeouts in its 1 s window, failed its SLO, and whichever model the
 * burst hit ranked low by chance. At one connection every 2 ms (500 arrivals a second) the
 * bundled server's and cheroot's acceptors keep the queue short (0 overflows in the same level);
 * a server that does not accept while it serves (the single model) still overflows, and that is
 * its behaviour.
 */
export const LADDER_CONNECT_SPACING_MS = 2;

/** Seconds a closed loop takes to open its connections `connect_spacing_ms` apart (0 when unspaced). */
export function connectRampS(plan: Pick<LoadPlan, 'mode' | 'connections' | 'connect_spacing_ms'>): number {
  const n = plan.connections ?? 0;
  return plan.mode === 'closed' && n > 1 && plan.connect_spacing_ms ? ((n - 1) * plan.connect_spacing_ms) / 1000 : 0;
}
