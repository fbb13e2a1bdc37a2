// The sweep document (`cpdiag.sweep/1`): one step per setting value, each a fresh target and a
// load ramp. Owned by sweep/.

import type { DriftEstimate } from '../analysis/drift.js';
import type { SaturationSummary } from '../analysis/saturation.js';
import type { UslFit } from '../analysis/usl.js';
import type { UslPeak } from '../analysis/usl-peak.js';
import type { MachineCpuSplit } from '../probe/machine-cpu.js';
import type { ServerSettings } from '../config/settings.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Findings } from '../diagnose/findings.js';
import type { Environment } from '../environment.js';
import type { RunEvent } from '../events.js';
import type { LoadPlan, RequestSpec } from '../load/load-plan.js';
import type { ErrorCounts, LatencySummaryMs, LoadResult, OverloadAccounting } from '../load/load-result.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { TargetInfo, TargetKind } from '../target/target-info.js';
import type { TheoryNumbers } from './theory-check.js';

export const SWEEP_SCHEMA = 'cpdiag.sweep/1';

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
  errors: ErrorCounts;
  /**
   * Open loop: the offered load against what the server completed inside the level's window
   * (completion_ratio, backlog, late completions); a completion ratio short of 1 beyond the
   * requests in flight at the edges means the level was overloaded whatever its p99.
   */
  overload?: OverloadAccounting;
  generator?: LoadResult['generator'];
  slow_clients?: LoadResult['slow_clients'];
  /** Pool state while this level ran (bundled server or a target with stats). */
  saturation?: SaturationSummary;
  cpu_percent_mean?: number;
  /** Behind a load balancer: the balancer's own CPU per response over the level, ms (from /proc). */
  balancer_cpu_ms_per_request?: number;
  /** Context switches (voluntary + involuntary) of the target per completed request. */
  ctx_per_request?: number;
  /** Worker-seconds held: the integral of busy workers over the level (from stats samples). */
  worker_seconds?: number;
  /**
   * The whole machine's CPU while the level ran (warm-up included), from /proc/stat: shares of all
   * CPUs taken by the target's process tree, by cpdiag itself (load generator, sampler) and by
   * everything else.
   */
  machine_cpu?: MachineCpuSplit;
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
  /**
   * Why the step was measured: the initial plan, the refinement around the knee, or a repeat of the
   * capacity search at a leading candidate (a short ladder around the capacity measured before).
   */
  origin: 'plan' | 'refine' | 'repeat';
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
  /** Behind a load balancer: the balancer's own CPU per response over the level, ms (from /proc). */
  balancer_cpu_ms_per_request?: number;
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
  /**
   * The values as good as the best: `low` is the recommendation, `high` null when the range is open
   * above (capacity still growing, or this machine's CPU was the limit); `text` says it in a sentence.
   */
  range?: { low: number; high: number | null; text: string };
  /** The test behind "within noise of the best", in one sentence. */
  test?: string;
  /** Capacity per value as compared: every run's capacity and whether it is within noise of the best. */
  candidates?: { value: number; runs_rps: number[]; capacity_rps: number; within_noise: boolean }[];
  /** The best value and what it serves over the recommendation: gain and ± (shares; margin null without repeats). */
  best?: { value: number; gain: number; margin: number | null };
  /** What going up costs, per unit of the setting, from the steps' probes. */
  cost?: { rss_bytes_per_unit?: number; threads_per_unit?: number; text: string };
  /** Set when the plateau coincided with this machine's CPU running out (the range is then open above). */
  machine_limit?: { busy_share: number; target_share: number; cpdiag_share: number; other_share: number; text: string };
  /** When a good USL fit and the capacity knee disagree: what each says and why the recommendation is what it is. */
  models?: string;
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
  /** USL fit of capacity against the setting (thread_pool sweeps), with its peak when one is within the measured range. */
  usl: (UslFit & { peak?: UslPeak }) | null;
  /** Queueing-theory cross-check numbers (src/sweep/theory-check.ts). */
  theory?: TheoryNumbers;
  recommendation: SweepRecommendation | null;
  /** The facts the diagnosis reasoned over (so that `cpdiag diagnose sweep.json` can redo it). */
  findings?: Findings;
  /** How resources scale with the setting across steps (median of each step's samples). */
  resources?: { rss_bytes_per_unit?: number; threads_per_unit?: number; fds_per_unit?: number };
  diagnosis?: Diagnosis;
  events: RunEvent[];
  budget: { planned_s?: number; wall_s: number };
}
