// The gate's JSON document (schema cpdiag.gate/1) and the baseline file (cpdiag.baseline/1).
// Scripts and CI read these; fields keep their meaning once published (add freely).
import type { Environment } from '../environment.js';
import type { GateMetricName, MetricDirection, ToleranceKind } from './metric-spec.js';
import type { RunSample } from './run-sample.js';
import type { RunsNeeded, Verdict } from './statistics.js';

export const GATE_SCHEMA = 'cpdiag.gate/1';

export const BASELINE_SCHEMA = 'cpdiag.baseline/1';

export type GateMode = 'ab' | 'baseline';
export type GateOutcome = 'pass' | 'regression' | 'inconclusive';

export interface SideDescription {
  label: 'A' | 'B';
  /** What ran: "bundled server", a command template, or the baseline file it came from. */
  description: string;
  command?: string;
  baseline_file?: string;
}

export interface MetricResult {
  label: string;
  metric: GateMetricName;
  spec: string;
  direction: MetricDirection;
  tolerance: number;
  tolerance_kind: ToleranceKind;
  unit: string;
  verdict: Verdict;
  reason: string;
  /** Per-run values of each side, in run order. */
  a_values: number[];
  b_values: number[];
  a_median: number | null;
  b_median: number | null;
  /**
   * Per run, in the order of a_values/b_values: true where the value is only a lower bound (a latency
   * percentile in the share of timed-out requests; shown "> value"). Absent when none is.
   */
  a_lower_bounds?: boolean[];
  b_lower_bounds?: boolean[];
  /** b/a (null for slopes, whose baseline is near zero, and when a side has no values). */
  ratio: number | null;
  ratio_ci: [number, number] | null;
  /** Hodges–Lehmann shift b − a in the metric's unit. */
  diff: number | null;
  diff_ci: [number, number] | null;
  p_value: number | null;
  /**
   * Runs per side at which, at the noise seen, the verdict rule calls a change of twice the budget a
   * regression AND an unchanged metric "no change", each at least 80% of the time (null: cannot tell).
   */
  runs_needed: number | null;
  /** What runs_needed delivers: the change it is sized for and both predicted shares (statistics.ts). */
  runs_needed_detail?: RunsNeeded | null;
  /** Slopes: how many runs of each side showed material, significant growth. */
  a_drifting?: number;
  b_drifting?: number;
}

export interface GateDocument {
  schema: typeof GATE_SCHEMA;
  cpdiag_version: string;
  started_at: string;
  finished_at: string;
  environment: Environment;
  mode: GateMode;
  scenario: string;
  fingerprint: string;
  a: SideDescription;
  b: SideDescription;
  runs_per_side: number;
  /** Unmeasured runs per side made first (listed in runs[] with warmup: true). */
  warmup_runs: number;
  /** The order runs were made in, e.g. "ABBAABBA..." (A/B mode), or "BBBBBB" against a baseline. */
  order: string;
  alpha: number;
  metrics: MetricResult[];
  outcome: GateOutcome;
  exit_code: number;
  /** One line a person reads first. */
  summary: string;
  warnings: string[];
  runs: RunSample[];
  duration_s: number;
  complete: boolean;
}

export interface BaselineDocument {
  schema: typeof BASELINE_SCHEMA;
  cpdiag_version: string;
  started_at: string;
  finished_at: string;
  environment: Environment;
  scenario: string;
  /** sha256 of the workload (settings, load, mix, slow clients, proxy): see fingerprint.ts. */
  fingerprint: string;
  /** The canonical workload the fingerprint hashes, so a mismatch can say what differs. */
  workload: Record<string, unknown>;
  /** What the baseline measured (a command template or the bundled server). */
  target: string;
  runs: RunSample[];
}
