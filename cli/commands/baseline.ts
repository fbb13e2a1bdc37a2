import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { withInterrupt } from '../../src/cli/interrupt.js';
import { addOutputOptions, addRunOptions, applyRunFlags } from '../../src/cli/scenario-flags.js';
import { parseInteger } from '../../src/cli/options.js';
import { gateProgressPrinter } from '../../src/cli/gate-progress.js';
import { err } from '../../src/cli/output.js';
import { printDocument } from '../../src/cli/print-document.js';
import { progressMode } from '../../src/cli/progress.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { captureEnvironment } from '../../src/environment.js';
import { CPDIAG_VERSION } from '../../src/version.js';
import { EXIT } from '../../src/exit-codes.js';
import { defaultGateScenario } from '../../src/gate/default-scenario.js';
import { executeGateRun } from '../../src/gate/execute-gate-run.js';
import { BASELINE_SCHEMA } from '../../src/gate/gate-document.js';
import { planBaseline } from '../../src/gate/plan-gate.js';
import { recordBaseline } from '../../src/gate/run-gate.js';
import { openOutput } from '../../src/report/output-stage.js';

export function registerBaseline(program: Command): void {
  const cmd = program
    .command('baseline')
    .argument('[scenario]', 'a scenario file (YAML); without one, the default gate workload')
    .description('record a gate baseline: N runs of the scenario (their distributions, the machine, a fingerprint of the workload) for `cpdiag gate --baseline`')
    .requiredOption('-o, --output <file>', 'where to write the baseline (JSON)')
    .option('--runs <n>', "runs to record (default: the scenario's gate.runs, else 6)", parseInteger(2, 100))
    .option('--warmup-runs <n>', 'unmeasured runs before the measured ones (cold caches, JIT; default 1)', parseInteger(0, 10));
  addRunOptions(cmd);
  addOutputOptions(cmd, { json: 'print the baseline document on stdout instead of the table', report: false });
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag baseline scenarios/gate-default.yaml -o baseline.json
  cpdiag baseline scenarios/gate-default.yaml --cmd 'python3 app.py --port {port}' -o baseline.json
  cpdiag gate scenarios/gate-default.yaml --baseline baseline.json --b 'python3 app.py --port {port}'

A gate refuses a baseline recorded for another workload (settings, load, mix: exit 2) and warns
when it comes from another CPU model, core count or cpdiag major version (--strict-env refuses).
Prefer A/B in one job (cpdiag gate --a OLD --b NEW) where you can: same machine, same moment.
Exit codes: 0 written, 2 bad flags or scenario, 4 the target failed or exited, 130 interrupted.`,
  );
  cmd.action(
    runAction(async (file: string | undefined, opts: Record<string, unknown>) => {
      const base = file ? loadScenarioFile(file) : defaultGateScenario();
      const scenario = applyRunFlags(base, opts, base.name ?? 'gate-default');
      const plan = planBaseline(scenario, { runs: opts.runs as number | undefined, warmupRuns: opts.warmupRuns as number | undefined });
      const quiet = Boolean(opts.quiet);
      const progress = gateProgressPrinter(false, progressMode(quiet));
      const doc = await withInterrupt((signal) =>
        recordBaseline({
          ...plan,
          environment: captureEnvironment(),
          cpdiagVersion: CPDIAG_VERSION,
          execute: executeGateRun,
          signal,
          onProgress: progress.onProgress,
        }),
      ).finally(() => progress.done());
      const path = opts.output as string;
      openOutput(BASELINE_SCHEMA, { paths: { output: path } }).finish(doc);
      printDocument(doc, { json: Boolean(opts.json), quiet });
      if (!quiet) process.stderr.write(err.dim(`baseline: ${path}\n`));
      return EXIT.OK;
    }),
  );
}
