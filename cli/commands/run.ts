import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { addOutputOptions, addRunOptions, applyRunFlags } from '../../src/cli/scenario-flags.js';
import { reportsRootOf } from '../../src/cli/report-target.js';
import { runScenarioSession } from '../../src/cli/run-session.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .argument('[scenario]', 'a scenario file (YAML); without one, a short default run against the bundled server')
    .description('one measured run: drive load at a target while sampling its process; report latency, errors, saturation, drift and probable causes')
    .option('--metrics-file <file>', "write the run's series as OpenMetrics text, a timestamp per point (names in docs/metrics.md)");
  addRunOptions(cmd);
  addOutputOptions(cmd, { json: 'print the run document (JSON) on stdout instead of the summary', report: true });
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag run                                         default scenario on the bundled server
  cpdiag run scenarios/io-bound.yaml                 a shipped scenario
  cpdiag run --thread-pool 4 --path '/work?io_ms=50' -c 32 -d 10s
  cpdiag run --rate 300 --arrival poisson --path '/work?io_ms=20&dist=exp'
  cpdiag run --path /upload -m POST -H 'Content-Type: text/plain' -b 'hello' -c 8 -d 1m30s
  cpdiag run --cmd '/usr/bin/python3 examples/cherrypy/app.py --port {port} --thread-pool {thread_pool}'
  cpdiag run --cmd '/usr/bin/python3 examples/cherrypy/app.py -c {config}' --config examples/cherrypy/app.conf --stats-url /cpstats/data
  cpdiag run --url http://127.0.0.1:8080 --pid 4242 -d 30s
  cpdiag run scenarios/faults/proxy-read-timeout.yaml --proxy nginx --proxy-read-timeout 1s

Output: reports/<UTC time>-<scenario>/run.json (the JSON interface), summary.md, report.html, and the summary here,
fitted to $COLUMNS (or the terminal), the answer first. Progress goes to stderr (a line every 10 s
off a terminal; none with -q). Durations: 500ms, 10s, 1m30s, 2h (a bare number is seconds).
Exit codes: 0 ok, 2 bad flags or scenario, 4 target failed to start or died mid-run, 130 interrupted.`,
  );
  cmd.action(
    runAction(async (file: string | undefined, opts: Record<string, unknown>) => {
      const base = file ? loadScenarioFile(file) : undefined;
      const scenario = applyRunFlags(base, opts);
      if (scenario.sweep && opts.metricsFile !== undefined) throw new CpdiagError('--metrics-file: a sweep has no single run series; use it with a run', EXIT.USAGE);
      return runScenarioSession(scenario, { json: Boolean(opts.json), quiet: Boolean(opts.quiet), reportsRoot: reportsRootOf(opts), metricsFile: opts.metricsFile as string | undefined });
    }),
  );
}
