import type { Command } from 'commander';
import { runAction, reportError } from '../../src/cli/run-action.js';
import { withInterrupt } from '../../src/cli/interrupt.js';
import { addOutputOptions, addRunOptions, applyRunFlags } from '../../src/cli/scenario-flags.js';
import { parseChoice, parseInteger, parseNumber } from '../../src/cli/options.js';
import { gateProgressPrinter } from '../../src/cli/gate-progress.js';
import { reportFolder, reportsRootOf } from '../../src/cli/report-target.js';
import { err, printWarning } from '../../src/cli/output.js';
import { printDocument } from '../../src/cli/print-document.js';
import { progressMode } from '../../src/cli/progress.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { EXIT } from '../../src/exit-codes.js';
import { defaultGateScenario } from '../../src/gate/default-scenario.js';
import { executeGateRun } from '../../src/gate/execute-gate-run.js';
import { GATE_SCHEMA } from '../../src/gate/gate-document.js';
import { prepareGate } from '../../src/gate/prepare-gate.js';
import { runGate } from '../../src/gate/run-gate.js';
import { openOutput } from '../../src/report/output-stage.js';

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
    .option('--junit <file>', 'write a JUnit XML report, one test case per budget');
  addRunOptions(cmd);
  addOutputOptions(cmd, { json: 'print the gate document (JSON, schema cpdiag.gate/1) on stdout instead of the table', report: true });
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag gate                                                   A/A smoke check on the bundled server
  cpdiag gate scenarios/gate-default.yaml --a 'python3 old/app.py --port {port}' --b 'python3 new/app.py --port {port}'
  cpdiag gate scenarios/gate-default.yaml --baseline baseline.json --b 'python3 app.py --port {port}'
  cpdiag gate --metric 'p95 +10%' --metric 'throughput -5%' --runs 8 --junit gate.xml

Outputs: the verdict first, then the table, here (fitted to $COLUMNS; -q: the verdict alone; or --json),
a line per run on stderr, reports/<UTC time>-<scenario>-gate/{gate.json,summary.md,report.html},
--junit FILE, and the Markdown summary appended to $GITHUB_STEP_SUMMARY when that is set.
Exit codes: 0 pass, 1 regression, 2 usage or input error (bad flags, bad or incompatible baseline),
3 inconclusive (only with --fail-on-inconclusive), 4 a target failed to start, 130 interrupted.`,
  );
  cmd.action(
    runAction(async (file: string | undefined, opts: Record<string, unknown>) => {
      const base = file ? loadScenarioFile(file) : defaultGateScenario();
      const sideTargets = opts.a !== undefined || opts.b !== undefined;
      const scenario = applyRunFlags(base, opts, base.name ?? 'gate-default', { sideTargets });
      const gate = prepareGate(scenario, {
        a: opts.a as string | undefined,
        b: opts.b as string | undefined,
        baseline: opts.baseline as string | undefined,
        runs: opts.runs as number | undefined,
        metric: opts.metric as string[] | undefined,
        alpha: opts.alpha as number | undefined,
        order: opts.order as 'abba' | 'abab' | undefined,
        warmupRuns: opts.warmupRuns as number | undefined,
        strictEnv: Boolean(opts.strictEnv),
        failOnInconclusive: Boolean(opts.failOnInconclusive),
        statsUrl: opts.statsUrl as string | undefined,
        configFile: opts.config as string | undefined,
      });
      for (const w of gate.warnings ?? []) printWarning(w);
      const quiet = Boolean(opts.quiet);
      const progress = gateProgressPrinter(true, progressMode(quiet));
      const doc = await withInterrupt((signal) => runGate({ ...gate, execute: executeGateRun, signal, onProgress: progress.onProgress })).finally(() => progress.done());

      printDocument(doc, { json: Boolean(opts.json), quiet });
      try {
        const output = openOutput(GATE_SCHEMA, {
          folder: reportFolder(reportsRootOf(opts), `${doc.scenario}-gate`),
          paths: { junit: opts.junit as string | undefined, 'step-summary': process.env.GITHUB_STEP_SUMMARY || undefined },
        });
        const { written } = output.finish(doc);
        if (written.length && !quiet) process.stderr.write(err.dim(`written: ${written.join(', ')}\n`));
      } catch (e) {
        // The verdict stands; a failed write must still fail the job.
        const code = reportError(e);
        return doc.exit_code !== EXIT.OK ? doc.exit_code : code;
      }
      return doc.exit_code;
    }),
  );
}
