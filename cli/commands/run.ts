import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { withInterrupt } from '../../src/cli/interrupt.js';
import { addReportOptions, addRunOptions, applyRunFlags } from '../../src/cli/scenario-flags.js';
import { ProgressLine } from '../../src/cli/progress.js';
import { out, err } from '../../src/cli/output.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { renderRunText } from '../../src/report/run-text.js';
import { EXIT } from '../../src/exit-codes.js';
import { fmtMs, fmtRate } from '../../src/report/format.js';
import { sweepSpecFromScenario } from '../../src/sweep/sweep-spec.js';
import { runSweepCommand } from './sweep.js';
import { writeRunMetricsFile } from '../../src/cli/metrics-file.js';
import { CpdiagError } from '../../src/exit-codes.js';

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .argument('[scenario]', 'a scenario file (YAML); without one, a short default run against the bundled server')
    .description('one measured run: drive load at a target while sampling its process; report latency, errors, saturation, drift and probable causes')
    .option('--json', 'print the run document (JSON) on stdout instead of the summary')
    .option('--metrics-file <file>', "write the run's series as OpenMetrics text, a timestamp per point (names in docs/metrics.md)");
  addReportOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag run                                         default scenario on the bundled server
  cpdiag run scenarios/io-bound.yaml                 a shipped scenario
  cpdiag run --thread-pool 4 --path '/work?io_ms=50' -c 32 -d 10s
  cpdiag run --rate 300 --arrival poisson --path '/work?io_ms=20&dist=exp'
  cpdiag run --cmd '/usr/bin/python3 examples/cherrypy/app.py --port {port} --thread-pool {thread_pool}'
  cpdiag run --url http://127.0.0.1:8080 --pid 4242 -d 30s
  cpdiag run scenarios/faults/proxy-read-timeout.yaml --proxy nginx --proxy-read-timeout 1s

Output: reports/<UTC time>-<scenario>/run.json (the JSON interface), summary.md, and the summary here.
Exit codes: 0 ok, 2 bad flags or scenario, 4 target failed to start or died mid-run, 130 interrupted.`,
  );
  cmd.action(
    runAction(async (file: string | undefined, opts: Record<string, unknown>) => {
      const base = file ? loadScenarioFile(file) : undefined;
      const scenario = applyRunFlags(base, opts);
      // A scenario with a sweep: section is a sweep (cpdiag sweep's executor, same reports).
      if (scenario.sweep && opts.metricsFile !== undefined) throw new CpdiagError('--metrics-file: a sweep has no single run series; use it with a run', EXIT.USAGE);
      if (scenario.sweep) return runSweepCommand(sweepSpecFromScenario(scenario), { json: Boolean(opts.json), reportsRoot: opts.report === false ? null : (opts.reportsDir as string) });
      const progress = new ProgressLine();
      const total = scenario.load.duration_s;
      const outcome = await withInterrupt((signal) =>
        executeRun({
          scenario,
          reportsRoot: opts.report === false ? null : (opts.reportsDir as string),
          signal,
          onWindow: (w, rec) => {
            const errors = rec.series.reduce((a, s) => a + Object.values(s.errors).reduce((x: number, y) => x + (y ?? 0), 0), 0);
            progress.update(`${(w.t_s + w.duration_s).toFixed(0)}/${total} s  ${fmtRate(w.throughput_rps)} req/s  p99 ${fmtMs(w.latency_ms.p99)}  errors ${errors}`);
          },
        }),
      ).finally(() => progress.done());
      if (opts.json) process.stdout.write(JSON.stringify(outcome.record, null, 1) + '\n');
      else process.stdout.write(renderRunText(outcome.record, out) + '\n');
      if (outcome.dir) process.stderr.write(err.dim(`report: ${outcome.dir}/\n`));
      if (opts.metricsFile !== undefined) writeRunMetricsFile(opts.metricsFile as string, outcome.record);
      if (outcome.targetDied) return EXIT.TARGET_FAILED;
      if (!outcome.record.complete) return EXIT.INTERRUPTED;
      return EXIT.OK;
    }),
  );
}
