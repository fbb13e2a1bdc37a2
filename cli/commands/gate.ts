import type { Command } from 'commander';
import { runAction, reportError } from '../../src/cli/run-action.js';
import { withInterrupt } from '../../src/cli/interrupt.js';
import { addReportOptions, addRunOptions, applyRunFlags } from '../../src/cli/scenario-flags.js';
import { parseChoice, parseInteger, parseNumber } from '../../src/cli/options.js';
import { ProgressLine, formatEta } from '../../src/cli/progress.js';
import { err, out, printWarning } from '../../src/cli/output.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { createReportDir } from '../../src/run/record-writer.js';
import { captureEnvironment } from '../../src/environment.js';
import { CPDIAG_VERSION } from '../../src/version.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { defaultGateScenario } from '../../src/gate/default-scenario.js';
import { planGate } from '../../src/gate/plan-gate.js';
import { runGate, type ExecuteScenario, type GateProgress } from '../../src/gate/run-gate.js';
import { checkFingerprint, readBaselineFile } from '../../src/gate/baseline-file.js';
import { compareEnvironments, describeIssue } from '../../src/gate/environment-compat.js';
import { fingerprintScenario, workloadOf } from '../../src/gate/fingerprint.js';
import { writeGateOutputs } from '../../src/gate/write-gate-outputs.js';
import { renderGateText } from '../../src/report/gate-text.js';
import { formatMs, formatPercent, formatRate } from '../../src/format.js';

export const executeGateRun: ExecuteScenario = (scenario, signal) => executeRun({ scenario, reportsRoot: null, signal, diagnose: false });

/** One line per run on stderr; `showSides` false for a baseline, whose runs are all one side. */
export function progressPrinter(showSides = true): { onProgress: (e: GateProgress) => void; done: () => void } {
  const line = new ProgressLine();
  const who = (side: string) => (showSides ? `${side} ` : '');
  return {
    onProgress: (e) => {
      if (e.kind === 'run_start') {
        line.update(`[${e.position}/${e.total}] ${who(e.side)}${e.warmup ? 'warm-up run' : `run ${e.index}`}…`);
        return;
      }
      line.done();
      const v = e.sample.values;
      const errors = v.error_rate !== undefined ? `${formatPercent(v.error_rate)} errors` : 'no result';
      // One permanent line per run: CI logs show progress without control characters.
      process.stderr.write(
        err.dim(`[${e.position}/${e.total}] ${who(e.sample.side)}${e.sample.warmup ? 'warm-up (not compared)' : `run ${e.sample.index}`}: p50 ${formatMs(v.p50)}  p99 ${formatMs(v.p99)}  ${formatRate(v.throughput)} req/s  ${errors}${e.sample.target_died ? '  TARGET EXITED' : ''}  (eta ${formatEta(e.etaS)})\n`),
      );
    },
    done: () => line.done(),
  };
}

export function registerGate(program: Command): void {
  const cmd = program
    .command('gate')
    .argument('[scenario]', 'a scenario file (YAML); without one, the default gate workload (scenarios/gate-default.yaml)')
    .description('CI performance regression gate: run the old (A) and new (B) build alternately, compare the distributions, fail only on a significant change beyond the budget')
    .option('--a <command>', "A, the old build: a command template, e.g. 'python3 old/app.py --port {port}' (default: the scenario's target, the bundled server)")
    .option('--b <command>', "B, the new build: a command template (default: the scenario's target)")
    .option('--baseline <file>', 'compare B against a recorded baseline (cpdiag baseline) instead of running A')
    .option('--runs <n>', 'runs per side (default: the scenario\'s gate.runs, else 6)', parseInteger(2, 100))
    .option('--metric <spec>', "a budget, repeatable: 'p95 +10%', 'throughput -5%', 'error_rate +0.5pp', 'p99 +5ms', 'fd_slope 0' (replaces the scenario's)", (v: string, prev: string[] = []) => [...prev, v])
    .option('--alpha <a>', 'significance level of each comparison (default 0.01)', parseNumber(0.0001, 0.4999))
    .option('--warmup-runs <n>', 'unmeasured runs per side before the measured ones (cold caches, JIT; default 1)', parseInteger(0, 10))
    .option('--order <order>', 'run order: abba (drift-cancelling blocks, default) or abab', parseChoice(['abba', 'abab'] as const))
    .option('--fail-on-inconclusive', 'exit 3 when a budget can be neither confirmed nor ruled out')
    .option('--strict-env', 'refuse a baseline recorded on another CPU model, core count or cpdiag major version (default: warn)')
    .option('--junit <file>', 'write a JUnit XML report, one test case per budget')
    .option('--json', 'print the gate document (JSON, schema cpdiag.gate/1) on stdout instead of the table');
  addReportOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag gate                                                   A/A smoke check on the bundled server
  cpdiag gate scenarios/gate-default.yaml --a 'python3 old/app.py --port {port}' --b 'python3 new/app.py --port {port}'
  cpdiag gate scenarios/gate-default.yaml --baseline baseline.json --b 'python3 app.py --port {port}'
  cpdiag gate --metric 'p95 +10%' --metric 'throughput -5%' --runs 8 --junit gate.xml

Outputs: the table here (or --json), reports/<UTC time>-<scenario>-gate/{gate.json,summary.md},
--junit FILE, and the Markdown summary appended to $GITHUB_STEP_SUMMARY when that is set.
Exit codes: 0 pass, 1 regression, 2 usage or input error (bad flags, bad or incompatible baseline),
3 inconclusive (only with --fail-on-inconclusive), 4 a target failed to start, 130 interrupted.`,
  );
  cmd.action(
    runAction(async (file: string | undefined, opts: Record<string, unknown>) => {
      const base = file ? loadScenarioFile(file) : defaultGateScenario();
      const scenario = applyRunFlags(base, opts, base.name ?? 'gate-default');
      const plan = planGate(scenario, {
        a: opts.a as string | undefined,
        b: opts.b as string | undefined,
        baseline: opts.baseline as string | undefined,
        runs: opts.runs as number | undefined,
        metric: opts.metric as string[] | undefined,
        alpha: opts.alpha as number | undefined,
        order: opts.order as 'abba' | 'abab' | undefined,
        warmupRuns: opts.warmupRuns as number | undefined,
      });
      const environment = captureEnvironment();
      const warnings: string[] = [];
      let a: Parameters<typeof runGate>[0]['a'];
      if (opts.baseline !== undefined) {
        const path = opts.baseline as string;
        const baseline = readBaselineFile(path);
        checkFingerprint(baseline, fingerprintScenario(plan.b.scenario), workloadOf(plan.b.scenario), path);
        const issues = compareEnvironments(baseline.environment, baseline.cpdiag_version, environment, CPDIAG_VERSION);
        if (issues.length > 0) {
          const text = `baseline ${path} was recorded elsewhere: ${issues.map(describeIssue).join('; ')}`;
          if (opts.strictEnv) throw new CpdiagError(text, EXIT.USAGE, 're-record the baseline on this machine, or run A/B in one job with --a/--b');
          warnings.push(`${text}; its numbers may not be comparable (--strict-env refuses)`);
        }
        a = {
          description: { label: 'A', description: baseline.target, baseline_file: path },
          samples: baseline.runs.map((s) => ({ ...s, side: 'A' as const })),
        };
      } else {
        a = plan.a!;
      }
      for (const w of warnings) printWarning(w);
      const progress = progressPrinter();
      const doc = await withInterrupt((signal) =>
        runGate({
          a,
          b: plan.b,
          runsPerSide: plan.runsPerSide,
          order: plan.order,
          warmupRuns: plan.warmupRuns,
          specs: plan.specs,
          alpha: plan.alpha,
          failOnInconclusive: Boolean(opts.failOnInconclusive),
          environment,
          cpdiagVersion: CPDIAG_VERSION,
          warnings,
          execute: executeGateRun,
          signal,
          onProgress: progress.onProgress,
        }),
      ).finally(() => progress.done());

      if (opts.json) process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
      else process.stdout.write(renderGateText(doc, out) + '\n');
      try {
        const reportDir = opts.report === false ? undefined : createReportDir(opts.reportsDir as string, `${doc.scenario}-gate`);
        const written = writeGateOutputs(doc, {
          reportDir,
          junitFile: opts.junit as string | undefined,
          stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined,
        });
        if (written.length) process.stderr.write(err.dim(`written: ${written.join(', ')}\n`));
      } catch (e) {
        // The verdict stands; a failed write must still fail the job.
        const code = reportError(e);
        return doc.exit_code !== EXIT.OK ? doc.exit_code : code;
      }
      return doc.exit_code;
    }),
  );
}
