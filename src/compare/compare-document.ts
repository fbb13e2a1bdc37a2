// The comparison document (`cpdiag.compare/1`) of `cpdiag compare models`: every deployment model
// ("Deploying CherryPy: deployment models": single, forking, threading, process pool, thread pool)
// measured at the same workloads over the same concurrency ladder, one sweep step each, with the
// per-model summary the table prints and the recommendation per workload. Owned by compare/.
import type { ServerSettings } from '../config/settings.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Findings } from '../diagnose/findings.js';
import type { Environment } from '../environment.js';
import type { RunEvent } from '../events.js';
import type { SweepStep } from '../sweep/sweep-document.js';
import type { TargetKind } from '../target/target-info.js';
import type { BalancerKind } from '../proxy/balancer.js';

export const COMPARE_SCHEMA = 'cpdiag.compare/1';

/** A workload of the comparison: what the handler does (I/O-bound, CPU-bound under the GIL, a mix). */
export interface CompareWorkload {
  name: string;
  /** The request every level sends. */
  path: string;
  /** What the handler spends its time on, for the recommendation's wording. */
  kind: 'io' | 'cpu' | 'mix' | 'custom';
}

/**
 * A row's model: a server.model, or N processes on their own ports behind a real load balancer
 * ("Load balancing CherryPy", the generic method), beside the process pool's one shared socket.
 */
export type CompareModelName = ServerSettings['model'] | 'lb-nginx' | 'lb-haproxy';
export const BALANCED_MODELS = { 'lb-nginx': 'nginx', 'lb-haproxy': 'haproxy' } as const satisfies Record<string, BalancerKind>;

/** A model as measured: its name and the settings that size it. */
export interface CompareModel {
  /** server.model, or a balanced row (lb-nginx, lb-haproxy: server.processes thread pools behind it). */
  model: CompareModelName;
  /** A balanced row's balancer. */
  balancer?: BalancerKind;
  /** How the table names it ("thread pool of 16", "process pool of 2 × 8 threads"). */
  label: string;
  settings: Partial<ServerSettings>;
}

/**
 * What a model did once the load passed its capacity: the queue grew and latency with it
 * (`queueing`), connections were refused or reset (`refused`), threads or processes grew without
 * bound (`unbounded-threads`, `unbounded-processes`), throughput fell (`collapse`); `not-reached`
 * when the ladder ended within the SLO.
 */
export type PastCapacityBehaviour = 'queueing' | 'refused' | 'unbounded-threads' | 'unbounded-processes' | 'collapse' | 'not-reached' | 'no-capacity';

/** One model at one workload: the headline numbers of its step. */
export interface ModelSummary {
  model: CompareModel['model'];
  label: string;
  workload: string;
  status: SweepStep['status'];
  error?: string;
  /** Goodput at the highest concurrency within the SLO, before the first level that failed it. */
  capacity_rps: number | null;
  /** The concurrency (connections) of that level. */
  capacity_connections: number | null;
  max_throughput_rps: number;
  /** p99 interpolated at 50% and 90% of the capacity (by throughput, between measured levels). */
  p99_at_50_ms: number | null;
  p99_at_90_ms: number | null;
  past_capacity: PastCapacityBehaviour;
  /** One sentence: what the first level past capacity showed. */
  past_capacity_text: string;
  /** Highest RSS and PSS of the process tree over the step (PSS counts shared pages once). */
  rss_max_bytes: number | null;
  pss_max_bytes: number | null;
  threads_max: number | null;
  processes_max: number | null;
  /** Highest rate of new processes (fork-per-request) seen. */
  processes_created_per_s_max: number | null;
  /** CPU time of the process tree per request at the capacity level, ms (a balanced row: backends and balancer). */
  cpu_ms_per_request: number | null;
  /**
   * Several processes (a process pool, a balanced row): the busiest one's requests over the mean
   * over the step, from each process's own count (1 is an even spread); null with one process.
   */
  process_skew?: number | null;
  /** A balanced row: the balancer's own CPU per request at the capacity level, ms. */
  balancer_cpu_ms_per_request?: number | null;
}

export interface CompareRecommendation {
  workload: string;
  /** The model recommended, or null when none held the SLO. */
  model: CompareModel['model'] | null;
  label: string | null;
  /** One sentence in the deployment guide's terms, with the numbers. */
  reason: string;
  /** The capacity of the best model over the recommended one's (1 when it is the best). */
  best_over_recommended?: number;
}

export interface CompareDocument {
  schema: typeof COMPARE_SCHEMA;
  cpdiag_version: string;
  started_at: string;
  finished_at?: string;
  complete: boolean;
  environment: Environment;
  target: { kind: TargetKind; command?: string };
  models: CompareModel[];
  workloads: CompareWorkload[];
  /** The concurrency ladder (closed-loop connections) every model climbs. */
  levels: number[];
  level_s: number;
  slo: { p99_ms: number; error_rate: number };
  /** One step per workload × model, in the order measured. */
  steps: (SweepStep & { workload: string; model_label: string })[];
  summaries: ModelSummary[];
  recommendations: CompareRecommendation[];
  /** What limits the comparison's worth, in a sentence each (a busy machine). */
  caveats: string[];
  /** The facts the diagnosis reasoned over (findings-from-compare.ts), and the diagnosis. */
  findings?: Findings;
  diagnosis?: Diagnosis;
  events: RunEvent[];
  budget: { planned_s?: number; wall_s: number };
}
