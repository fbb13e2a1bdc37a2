// Everything the gate decides before its first run: the plan from the flags, and side A — either
// run here, or read from a baseline file that must have been recorded for the same workload
// (refused otherwise, exit 2) and preferably on the same kind of machine (warned, or refused with
// --strict-env). The command then only runs it.
import type { Scenario } from '../scenario/schema.js';
import { captureEnvironment, type Environment } from '../environment.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { CPDIAG_VERSION } from '../version.js';
import { checkFingerprint, readBaselineFile } from './baseline-file.js';
import { compareEnvironments, describeIssue } from './environment-compat.js';
import { fingerprintScenario, workloadOf } from './fingerprint.js';
import { planGate, type GateFlags, type GatePlan } from './plan-gate.js';
import type { GateOptions, RunLoopOptions } from './run-gate.js';

export interface PrepareGateFlags extends GateFlags {
  /** Refuse a baseline from another machine instead of warning. */
  strictEnv?: boolean;
  failOnInconclusive?: boolean;
}

/** The gate's options but how to run a scenario, the signal and the progress callback. */
export type PreparedGate = Omit<GateOptions, keyof RunLoopOptions>;

/** `environment` is this machine's unless given (tests). */
export function prepareGate(scenario: Scenario, flags: PrepareGateFlags, machine?: Environment): PreparedGate {
  const plan = planGate(scenario, flags);
  const environment = machine ?? captureEnvironment();
  const warnings: string[] = [];
  const a = flags.baseline !== undefined ? sideFromBaseline(flags.baseline, plan, environment, Boolean(flags.strictEnv), warnings) : plan.a!;
  return {
    a,
    b: plan.b,
    runsPerSide: plan.runsPerSide,
    order: plan.order,
    warmupRuns: plan.warmupRuns,
    specs: plan.specs,
    alpha: plan.alpha,
    failOnInconclusive: Boolean(flags.failOnInconclusive),
    environment,
    cpdiagVersion: CPDIAG_VERSION,
    warnings,
  };
}

/** Side A from a baseline file: its recorded runs, once the file is known to fit this workload. */
function sideFromBaseline(path: string, plan: GatePlan, environment: Environment, strictEnv: boolean, warnings: string[]): GateOptions['a'] {
  const baseline = readBaselineFile(path);
  checkFingerprint(baseline, fingerprintScenario(plan.b.scenario), workloadOf(plan.b.scenario), path);
  const issues = compareEnvironments(baseline.environment, baseline.cpdiag_version, environment, CPDIAG_VERSION);
  if (issues.length > 0) {
    const text = `baseline ${path} was recorded elsewhere: ${issues.map(describeIssue).join('; ')}`;
    if (strictEnv) throw new CpdiagError(text, EXIT.USAGE, 're-record the baseline on this machine, or run A/B in one job with --a/--b');
    warnings.push(`${text}; its numbers may not be comparable (--strict-env refuses)`);
  }
  return {
    description: { label: 'A', description: baseline.target, baseline_file: path },
    samples: baseline.runs.map((s) => ({ ...s, side: 'A' as const })),
  };
}
