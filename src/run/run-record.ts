// The run record: the document one measured run produces (`cpdiag.run/1`), owned by run/.
// Field names that end up in JSON use snake_case (the documented JSON interface); units are in the names.

import type { ProxyCost } from '../analysis/proxy-cost.js';
import type { Slo } from '../analysis/slo.js';
import type { StaticOffload } from '../analysis/static-offload.js';
import type { ServerSettings } from '../config/settings.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Environment } from '../environment.js';
import type { RunEvent } from '../events.js';
import type { LoadPlan } from '../load/load-plan.js';
import type { ErrorCounts, LatencySummaryMs, LoadResult, OverloadAccounting, SeriesWindow } from '../load/load-result.js';
import type { MachineCpuSplit } from '../probe/machine-cpu.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import type { TargetInfo } from '../target/target-info.js';

export const RUN_SCHEMA = 'cpdiag.run/1';

export interface RunSummary {
  duration_s: number;
  requests: number;
  throughput_rps: number;
  goodput_rps: number;
  offered_rps?: number;
  latency_ms: LatencySummaryMs;
  service_latency_ms?: LatencySummaryMs;
  errors: ErrorCounts;
  /** Open loop: offered load against what was completed inside the window (src/load/load-result.ts). */
  overload?: OverloadAccounting;
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
  /**
   * Which of `settings` are facts about the target: given by the user (flags, scenario, config
   * file, a {placeholder} the command uses), read from its stats endpoint, or inferred from its
   * process; the others are cpdiag's defaults and unknown for this target. Absent (older records,
   * the bundled server): all are known.
   */
  settings_known?: (keyof ServerSettings)[];
  /** Where each known setting came from, when not simply given. */
  settings_source?: Partial<Record<keyof ServerSettings, 'given' | 'stats' | 'inferred'>>;
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
  /** Closed loop: connections asked for, and how many got at least one response. */
  connections?: LoadResult['connections'];
  /** The kernel's listen-queue overflows and drops during the measured phase (namespace-wide). */
  listen_overflows?: { overflows: number; drops: number };
  /**
   * The machine's CPU over the measured phase (warm-up included), split into the target, cpdiag
   * and everything else: whether the target had the machine to itself (probe/machine-cpu.ts).
   */
  machine_cpu?: MachineCpuSplit;
  diagnosis?: Diagnosis;
  slo?: Slo;
  /** --compare-direct: what the proxy costs, from alternating direct and proxied rounds before the run. */
  proxy_cost?: ProxyCost;
  /** proxy.static_prefix: what the proxy's static location moved off the backend (with vs without it, alternating rounds). */
  static_offload?: StaticOffload;
}
