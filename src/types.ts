// Shared records. Everything that crosses a module boundary is typed here, so that the
// load engine, the probes, the analysis, the diagnosis and the reporters agree on one shape.
// Field names that end up in JSON documents use snake_case (the documented JSON interface,
// see README "JSON interface"); in-memory-only helpers use camelCase. Units are in the names.

import type { ServerSettings } from './config/settings.js';

export const RUN_SCHEMA = 'cpdiag.run/1';
export const SWEEP_SCHEMA = 'cpdiag.sweep/1';
export const INSPECT_SCHEMA = 'cpdiag.inspect/1';
export const GATE_SCHEMA = 'cpdiag.gate/1';
export const BASELINE_SCHEMA = 'cpdiag.baseline/1';
export const DIAGNOSIS_SCHEMA = 'cpdiag.diagnosis/1';

/** Machine facts recorded with every document, so that numbers are read in their context. */
export interface Environment {
  hostname: string;
  platform: string;
  kernel: string;
  cpu_model: string;
  cores: number;
  memory_bytes: number;
  node_version: string;
  load_average: [number, number, number];
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

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

/** Error kinds. Non-2xx responses are counted as `http_<status>`. */
export type ErrorKind =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'closed'
  | 'other'
  | `http_${number}`;

export interface LatencySummaryMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One time window of a load phase. */
export interface SeriesWindow {
  /** Seconds since the start of recording (window start). */
  t_s: number;
  duration_s: number;
  requests: number;
  throughput_rps: number;
  /** Open loop: the offered rate in this window. */
  offered_rps?: number;
  latency_ms: LatencySummaryMs;
  errors: Partial<Record<ErrorKind, number>>;
  /** Requests the open-loop generator had to delay because no connection was free. */
  delayed_sends?: number;
}

/** What a finished (or interrupted) load phase produced. */
export interface LoadResult {
  plan: LoadPlan;
  started_at: string;
  duration_s: number;
  requests: number;
  /** Completed responses (any status) per second over the recording. */
  throughput_rps: number;
  /** Successful (2xx/3xx) responses per second. */
  goodput_rps: number;
  /** Open loop: from the intended send time. Closed loop: from the actual send. */
  latency_ms: LatencySummaryMs;
  /** Open loop only: from the actual send time (service time as the client sees it). */
  service_latency_ms?: LatencySummaryMs;
  /** Compressed base64 HDR histograms in microseconds. */
  histograms: { latency_us: string; service_us?: string };
  errors: { total: number; rate: number; by_kind: Partial<Record<ErrorKind, number>> };
  series: SeriesWindow[];
  /** Open loop: sends delayed because the pool was exhausted, and the send lag p99. */
  generator?: { delayed_sends: number; send_lag_p99_ms: number; achieved_rate_rps: number };
  /** Per mix entry. */
  by_request?: Record<string, { requests: number; latency_ms: LatencySummaryMs; errors: number }>;
  /** Slow-client outcomes (timeout sweep). */
  slow_clients?: { attempted: number; completed: number; failed: number; by_kind: Partial<Record<ErrorKind, number>> };
  interrupted: boolean;
}

// ---------------------------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Run record: the unit every higher feature is built from
// ---------------------------------------------------------------------------------------------

export type TargetKind = 'bundled' | 'command' | 'attached';

export interface TargetInfo {
  kind: TargetKind;
  url: string;
  pid: number;
  command?: string[];
  proxy?: {
    kind: 'nginx'; url: string; read_timeout_s: number; error_log_excerpt?: string[]; upstream_timeouts?: number; premature_closes?: number;
    /** Upstream keepalive on (proxy_http_version 1.1, Connection ""), and reset lines in the error log. */
    keepalive?: boolean; upstream_resets?: number;
  };
}

/** Something notable that happened during a run (target exited, step failed, ...). */
export interface RunEvent {
  t_s: number;
  kind: 'target_exited' | 'target_not_ready' | 'interrupted' | 'generator_saturated' | 'note' | 'error';
  message: string;
}

export interface RunSummary {
  duration_s: number;
  requests: number;
  throughput_rps: number;
  goodput_rps: number;
  offered_rps?: number;
  latency_ms: LatencySummaryMs;
  service_latency_ms?: LatencySummaryMs;
  errors: { total: number; rate: number; by_kind: Partial<Record<ErrorKind, number>> };
}

export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  cpdiag_version: string;
  started_at: string;
  finished_at?: string;
  /** False while running, and for a run cut short (Ctrl-C, crashed target). */
  complete: boolean;
  environment: Environment;
  scenario: string;
  settings: ServerSettings;
  target: TargetInfo;
  load: LoadPlan;
  summary?: RunSummary;
  series: SeriesWindow[];
  probes: ProbeSample[];
  histograms?: LoadResult['histograms'];
  by_request?: LoadResult['by_request'];
  slow_clients?: LoadResult['slow_clients'];
  generator?: LoadResult['generator'];
  events: RunEvent[];
  diagnosis?: Diagnosis;
  slo?: Slo;
}

export interface Slo {
  p99_ms?: number;
  p95_ms?: number;
  error_rate?: number;
}

// ---------------------------------------------------------------------------------------------
// Analysis results
// ---------------------------------------------------------------------------------------------

/** A slope with its confidence interval, per second. */
export interface DriftEstimate {
  metric: 'rss_bytes' | 'fds' | 'threads';
  slope_per_s: number;
  ci_low: number;
  ci_high: number;
  /** Change over the observed window according to the slope. */
  growth: number;
  /** Growth per completed request, where requests are known. */
  per_request?: number;
  samples: number;
  /** True only when the interval excludes zero and the growth is material. */
  drifting: boolean;
  /** How the slope was estimated (e.g. 'theil-sen'). */
  method?: string;
  /** One sentence saying why it is or is not called drifting. */
  reason?: string;
}

export interface SaturationSummary {
  workers: number;
  /** Share of samples in which every worker was busy. */
  all_busy_share: number;
  busy_mean: number;
  queue_p50: number;
  queue_p99: number;
  queue_max: number;
  listen_queue_max?: number;
  samples: number;
}

// ---------------------------------------------------------------------------------------------
// Diagnosis
// ---------------------------------------------------------------------------------------------

/**
 * The measured facts a diagnosis reasons over, gathered from a run, a sweep or an inspection.
 * Every field is optional: a detector whose inputs are missing answers insufficient-data.
 */
export interface Findings {
  source: 'run' | 'sweep' | 'inspect';
  duration_s?: number;
  settings?: Partial<ServerSettings>;
  /** Load */
  offered_rps?: number;
  throughput_rps?: number;
  requests?: number;
  latency_ms?: LatencySummaryMs;
  /** Latency when the load was light (the floor), for comparing the tail under load. */
  latency_floor_ms?: number;
  errors?: { total: number; rate: number; by_kind: Partial<Record<ErrorKind, number>> };
  /** Slow clients' outcomes when the run had them. */
  slow_clients?: {
    attempted: number;
    failed: number;
    by_kind: Partial<Record<ErrorKind, number>>;
    /** Longest pause a slow client makes between bytes (or its idle hold), seconds, when known. */
    pause_s?: number;
  };
  /** Request mix facts that detectors use (e.g. body sizes against the limit). */
  max_request_body_bytes?: number;
  mean_response_bytes?: number;
  /** Process */
  cpu_percent_mean?: number;
  cores?: number;
  ctx_involuntary_per_s?: number;
  ctx_voluntary_per_s?: number;
  /** Context switches per request. */
  ctx_per_request?: number;
  saturation?: SaturationSummary;
  drift?: Partial<Record<DriftEstimate['metric'], DriftEstimate>>;
  fds?: { count: number; limit: number; close_wait: number };
  /** Threads by what they are doing (inspect), e.g. { 'blocked:recvfrom': 12, 'futex': 2 }. */
  threads_by_activity?: Record<string, number>;
  worker_threads?: { total: number; blocked_io: number; waiting_lock: number; running: number; idle: number };
  /** Sweep: how capacity reacts to the pool size. */
  pool_scaling?: { values: number[]; capacity_rps: number[]; p99_ms: number[]; ctx_per_request?: number[] };
  /** Service time of one request as measured (mean, ms) and its CPU part if known. */
  service_time_ms?: number;
  cpu_time_per_request_ms?: number;
  /** Proxy in front */
  proxy?: {
    kind: 'nginx';
    read_timeout_s: number;
    keepalive: boolean;
    upstream_timeouts: number;
    premature_closes: number;
    upstream_resets: number;
    status_502: number;
    status_504: number;
  };
  /** Request-line errors (400) the server counted, e.g. raw spaces. */
  bad_request_count?: number;
  /** Events such as target exited. */
  events?: RunEvent[];
  /** OS threads of the process now (inspect or the last probe), to compare with thread_pool. */
  threads?: number;
  /** Resident memory now (inspect or the last probe), to judge RSS growth against its level. */
  rss_bytes?: number;
  /** Logging on the request path, when known (cpdiag cannot see it from outside). */
  logging?: { synchronous: boolean; share_of_service_time?: number };
  /** Response compression, when known: gzip on and how much of the output was already compressed. */
  compression?: { gzip_on: boolean; precompressed_share?: number };
}

export type DetectorStatus = 'issue' | 'none' | 'insufficient';

/** One measured fact, as a number with its meaning. */
export interface Evidence {
  signal: string;
  value: number;
  unit: string;
  /** The sentence a person reads, with the numbers in it. */
  text: string;
}

export interface DetectorResult {
  detector: string;
  status: DetectorStatus;
  /** 0..1: how strongly the evidence shows the signal (only meaningful for 'issue'). */
  strength: number;
  evidence: Evidence[];
  /** For 'insufficient': what was missing. */
  missing?: string[];
}

export type Detector = (findings: Findings) => DetectorResult;

export interface RankedCause {
  id: string;
  symptom: string;
  title: string;
  confidence: number;
  confidence_label: 'high' | 'medium' | 'low';
  evidence: Evidence[];
  against: Evidence[];
  fix: string;
  /** Where the knowledge behind this cause comes from. */
  source?: string;
}

export interface Diagnosis {
  schema: typeof DIAGNOSIS_SCHEMA;
  causes: RankedCause[];
  /** Detectors that could not answer, and what they lacked. */
  insufficient: { detector: string; missing: string[] }[];
  detectors: DetectorResult[];
  /** Causes that could be neither shown nor ruled out: every detector they hinge on lacked data. */
  insufficient_causes?: { id: string; symptom: string; title: string; missing: string[]; would_show: string }[];
}

// ---------------------------------------------------------------------------------------------
// Sweeps (cpdiag sweep): one step per setting value, each a fresh target and a load ramp
// ---------------------------------------------------------------------------------------------

/** One load level of a ramp at one setting value (an open-loop rate or a closed-loop connection count). */
export interface SweepLevel {
  /** Open loop: the offered rate. */
  offered_rps?: number;
  /** Closed loop: the connection count. */
  connections?: number;
  /** Seconds since the step's target became ready (start of this level's recording). */
  t_s: number;
  duration_s: number;
  requests: number;
  throughput_rps: number;
  goodput_rps: number;
  latency_ms: LatencySummaryMs;
  service_latency_ms?: LatencySummaryMs;
  errors: { total: number; rate: number; by_kind: Partial<Record<ErrorKind, number>> };
  generator?: LoadResult['generator'];
  slow_clients?: LoadResult['slow_clients'];
  /** Pool state while this level ran (bundled server or a target with stats). */
  saturation?: SaturationSummary;
  cpu_percent_mean?: number;
  /** Context switches (voluntary + involuntary) of the target per completed request. */
  ctx_per_request?: number;
  /** Worker-seconds held: the integral of busy workers over the level (from stats samples). */
  worker_seconds?: number;
}

/** Why a ramp at one value looked the way it did: the latency knee and the capacity within the SLO. */
export interface SweepStepKnee {
  knee_rps: number | null;
  floor_p99_ms: number;
  capacity_at_slo_rps: number | null;
  method: string;
  reason: string;
}

export interface SweepStep {
  setting: string;
  value: number;
  /** Grid sweeps: the second setting's value. */
  setting2?: string;
  value2?: number;
  status: 'ok' | 'failed' | 'interrupted';
  /** One line when the step failed ("thread_pool=256: target exited: EMFILE"). */
  error?: string;
  /** Why the step was measured: the initial plan or the refinement around the knee. */
  origin: 'plan' | 'refine';
  started_at: string;
  duration_s: number;
  settings: ServerSettings;
  target?: TargetInfo;
  /** Highest served rate with p99 and errors within the SLO (null when no level met it). */
  capacity_rps: number | null;
  /** Highest throughput seen at any level. */
  max_throughput_rps: number;
  /** Latency at the capacity level (or the lowest level when none met the SLO). */
  latency_ms: LatencySummaryMs;
  /** Mean response time at light load, i.e. the service time. */
  service_time_ms?: number;
  knee: SweepStepKnee;
  ramp_stop_reason?: string;
  levels: SweepLevel[];
  /** Pool saturation at the capacity level. */
  saturation?: SaturationSummary;
  drift?: Partial<Record<DriftEstimate['metric'], DriftEstimate>>;
  ctx_per_request?: number;
  cpu_percent_mean?: number;
  /** Thread states seen in /proc during the step (sum of samples / samples), e.g. { S: 14.2, R: 1.1 }. */
  threads_by_state_mean?: Record<string, number>;
  /** Timeout sweeps: the trade-off at this value. */
  timeout?: {
    slow_attempted: number;
    slow_failed: number;
    slow_failure_rate: number;
    worker_seconds_held: number;
    normal_p99_ms: number;
    normal_error_rate: number;
  };
  /** Process samples (thinned), t_s relative to the step's start. */
  probes: ProbeSample[];
  events: RunEvent[];
}

export interface SweepRecommendation {
  setting: string;
  value: number | null;
  /** Grid sweeps: the second setting and its recommended value. */
  setting2?: string;
  value2?: number | null;
  /** One sentence with the numbers. */
  reason: string;
  /** Queueing-theory cross-check in one sentence. */
  theory?: string;
  /** What the measurements cannot tell. */
  cannot_tell: string[];
}

export interface SweepDocument {
  schema: typeof SWEEP_SCHEMA;
  cpdiag_version: string;
  started_at: string;
  finished_at?: string;
  complete: boolean;
  environment: Environment;
  scenario: string;
  preset?: string;
  setting: string;
  setting2?: string;
  values: number[];
  values2?: number[];
  target: { kind: TargetKind; command?: string };
  base_settings: ServerSettings;
  load: {
    ramp: 'open' | 'closed' | 'fixed';
    mix: RequestSpec[];
    level_s: number;
    warmup_s: number;
    max_levels: number;
    slow_clients?: LoadPlan['slow_clients'];
    fixed_rate_rps?: number;
  };
  slo: { p99_ms: number; error_rate: number };
  steps: SweepStep[];
  /** Where capacity stops growing across the setting. */
  knee: {
    value: number | null; still_growing: boolean; method: string; reason: string;
    /** Roofline fit min(a·N, P): the pool size where the line meets the plateau. */
    fitted_n?: number | null; per_worker_rps?: number; plateau_rps?: number | null;
    /** The model-free rule (first value after which capacity grows < 5% per doubling), for comparison. */
    gain_rule_value?: number | null;
  } | null;
  /** USL fit of capacity against the setting (thread_pool sweeps). */
  usl: (import('./analysis/usl.js').UslFit) | null;
  /** Queueing-theory cross-check numbers. */
  theory?: {
    service_time_ms: number;
    target_rps: number;
    littles_law_workers: number;
    erlang_c_pool: number | null;
  };
  recommendation: SweepRecommendation | null;
  /** The facts the diagnosis reasoned over (so that `cpdiag diagnose sweep.json` can redo it). */
  findings?: Findings;
  /** How resources scale with the setting across steps (median of each step's samples). */
  resources?: { rss_bytes_per_unit?: number; threads_per_unit?: number; fds_per_unit?: number };
  diagnosis?: Diagnosis;
  events: RunEvent[];
  budget: { planned_s?: number; wall_s: number };
}
