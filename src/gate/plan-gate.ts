// From validated flags to what the gate will run: the two sides' scenarios, the budgets, the run
// count and α. Everything here refuses bad input with exit 2 before a single process starts.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { describeTarget as describeTargetSpec } from '../target/target-kinds.js';
import type { SideDescription } from './gate-document.js';
import { DEFAULT_GATE_RUNS, DEFAULT_WARMUP_RUNS } from './default-scenario.js';
import { resolveMetricSpecs, type MetricSpec } from './metric-spec.js';
import type { RunOrder } from './schedule.js';
import { DEFAULT_ALPHA } from './statistics.js';

export interface GateFlags {
  a?: string;
  b?: string;
  baseline?: string;
  runs?: number;
  metric?: string[];
  alpha?: number;
  order?: RunOrder;
  warmupRuns?: number;
  /** --stats-url for the --a / --b command targets (a path on each target, or a loopback URL). */
  statsUrl?: string;
  /** --config: the CherryPy config file {config} in --a / --b is written from. */
  configFile?: string;
}

export interface GatePlan {
  a: { scenario: Scenario; description: SideDescription } | undefined;
  b: { scenario: Scenario; description: SideDescription };
  runsPerSide: number;
  specs: MetricSpec[];
  alpha: number;
  order: RunOrder;
  warmupRuns: number;
}

export const MAX_GATE_RUNS = 100;

export function describeTarget(scenario: Scenario): string {
  return describeTargetSpec(scenario.target);
}

/** The scenario with its target replaced by a command template (--a / --b). */
export function withCommandTarget(base: Scenario, command: string, flag: string, extra: { statsUrl?: string; configFile?: string } = {}): Scenario {
  if (command.trim() === '') throw new CpdiagError(`${flag} is empty: give the command that starts that build's server`, EXIT.USAGE, `e.g. ${flag} 'python3 app.py --port {port}'`);
  const t = base.target;
  const inherited = t.kind === 'command' ? { ready_path: t.ready_path, ready_timeout_s: t.ready_timeout_s, cwd: t.cwd, stats_url: t.stats_url, config_file: t.config_file } : {};
  // Both builds' stats page and config file: the same path on each side's own server.
  const given = { ...(extra.statsUrl !== undefined ? { stats_url: extra.statsUrl } : {}), ...(extra.configFile !== undefined ? { config_file: extra.configFile } : {}) };
  return parseScenario({ ...structuredClone(base), target: { kind: 'command', command, ...inherited, ...given } }, base.name ?? 'scenario');
}

function side(label: 'A' | 'B', scenario: Scenario): { scenario: Scenario; description: SideDescription } {
  const description: SideDescription = { label, description: describeTarget(scenario) };
  if (scenario.target.kind === 'command') description.command = scenario.target.command;
  return { scenario, description };
}

export function planGate(scenario: Scenario, flags: GateFlags): GatePlan {
  if (flags.baseline !== undefined && flags.a !== undefined) {
    throw new CpdiagError('--a and --baseline both say what A is: give one', EXIT.USAGE, 'A/B in one job: --a OLD --b NEW; against a recorded baseline: --baseline FILE [--b NEW]');
  }
  const runsPerSide = flags.runs ?? scenario.gate?.runs ?? DEFAULT_GATE_RUNS;
  if (!Number.isInteger(runsPerSide) || runsPerSide < 2 || runsPerSide > MAX_GATE_RUNS) {
    throw new CpdiagError(`--runs must be 2 to ${MAX_GATE_RUNS}, got ${runsPerSide}`, EXIT.USAGE);
  }
  const alpha = flags.alpha ?? scenario.gate?.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 0.5)) throw new CpdiagError(`--alpha must be between 0 and 0.5, got ${alpha}`, EXIT.USAGE);
  const specs = resolveMetricSpecs(flags.metric, scenario.gate?.metrics);
  const extra = { statsUrl: flags.statsUrl, configFile: flags.configFile };
  const bScenario = flags.b !== undefined ? withCommandTarget(scenario, flags.b, '--b', extra) : scenario;
  const aScenario = flags.baseline !== undefined ? undefined : flags.a !== undefined ? withCommandTarget(scenario, flags.a, '--a', extra) : scenario;
  return {
    a: aScenario ? side('A', aScenario) : undefined,
    b: side('B', bScenario),
    runsPerSide,
    specs,
    alpha,
    order: flags.order ?? scenario.gate?.order ?? 'abba',
    warmupRuns: flags.warmupRuns ?? scenario.gate?.warmup_runs ?? DEFAULT_WARMUP_RUNS,
  };
}

export interface BaselineFlags {
  runs?: number;
  warmupRuns?: number;
}

/** What `cpdiag baseline` records: the flags, else the scenario's gate section, else the defaults. */
export function planBaseline(scenario: Scenario, flags: BaselineFlags): { scenario: Scenario; target: string; runs: number; warmupRuns: number } {
  return {
    scenario,
    target: describeTarget(scenario),
    runs: flags.runs ?? scenario.gate?.runs ?? DEFAULT_GATE_RUNS,
    warmupRuns: flags.warmupRuns ?? scenario.gate?.warmup_runs ?? DEFAULT_WARMUP_RUNS,
  };
}
