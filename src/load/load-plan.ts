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
