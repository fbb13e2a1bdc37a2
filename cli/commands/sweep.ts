import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { addOutputOptions, addRunOptions, applyRequestFlags, applyRunFlags, hasRequestFlags } from '../../src/cli/scenario-flags.js';
import { parseChoice, parseDurationSeconds, parseInteger, parseNumber } from '../../src/cli/options.js';
import { reportsRootOf } from '../../src/cli/report-target.js';
import { runSweepSession } from '../../src/cli/sweep-session.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { presetNames, resolveSweepSpec, type SweepFlags } from '../../src/sweep/sweep-spec.js';
import { findSweepPreset } from '../../src/sweep/presets/index.js';

export function registerSweep(program: Command): void {
  const cmd = program
    .command('sweep')
    .argument('[setting]', `a preset (${presetNames()}), or any numeric server setting (thread_pool, socket_timeout, socket_queue_size, accepted_queue_size)`)
    .description('find the best value of a server setting by measurement: a fresh target per value, a load ramp to the knee, capacity, USL fit, saturation, drift, and a recommendation')
    .option('--values <list>', 'values to measure, e.g. 1,2,4,8 (or a range, see --range)')
    .option('--range <from:to:step>', 'values as a range: 1:64:x2 (geometric) or 10:100:+10 (arithmetic)')
    .option('--setting2 <name>', 'a second setting for a grid sweep (shown as a heatmap)')
    .option('--values2 <list>', 'values of the second setting (list or range)')
    .option('--no-refine', 'do not add values around the knee after the planned ones')
    .option('--repeats <n>', 'repeats of the capacity search at the leading candidates, for the noise estimate behind the recommended range (default 2; 0: none)', parseInteger(0, 5))
    .option('--ramp <mode>', 'open (rate ladder, default) or closed (connection levels)', parseChoice(['open', 'closed'] as const))
    .option('--levels <list>', 'explicit ramp levels: rates (open) or connection counts (closed)')
    .option('--max-levels <n>', 'most levels per value', parseInteger(1, 40))
    .option('--level-duration <duration>', 'measured time per ramp level (default 1s; 5s for timeout)', parseDurationSeconds)
    .option('--max-rate <rps>', 'highest rate the ladder may offer', parseNumber(1, 200000))
    .option('--budget <duration>', 'soft time budget: refinement is skipped when it would not fit', parseDurationSeconds)
    .option('--slow-clients <n>', 'timeout sweep: slow uploaders beside the normal clients (default 8)', parseInteger(0, 1000))
    .option('-f, --scenario <file>', 'a scenario file with a sweep: section (flags override it)');
  addRunOptions(cmd);
  addOutputOptions(cmd, { json: 'print the sweep document (JSON) on stdout instead of the report', report: true });
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag sweep thread-pool                       bundled server, /work?io_ms=20&cpu_ms=1, pools 2..64 (about 2 minutes)
  cpdiag sweep thread-pool --path '/work?cpu_ms=5'          a CPU-bound handler (the GIL)
  cpdiag sweep thread-pool --cmd '/usr/bin/python3 examples/cherrypy/app.py --port {port} --thread-pool {thread_pool}'
  cpdiag sweep thread_pool --values 2,4,8 --cmd '/usr/bin/python3 examples/cherrypy/app.py -c {config}' \\
      --config examples/cherrypy/app.conf --stats-url /cpstats/data
  cpdiag sweep thread-pool --path /upload -m POST --body-file payload.json -H 'Content-Type: application/json'
  cpdiag sweep timeout                           socket_timeout against slow uploaders
  cpdiag sweep socket_queue_size --values 1,5,64,1024
  cpdiag sweep thread_pool --range 2:32:x2 --setting2 accepted_queue_size --values2 -1,10
  cpdiag sweep thread-pool --ramp closed         closed-loop connection levels instead of a rate ladder

Each value: a fresh target with that setting, a short warm-up, a load ladder planned from the
service time (rates as fractions of the predicted capacity N/S), stopped once past the knee (p99 > 10x
its floor, errors > 1%, or the rate not held). The rate ladder is open loop: latency counts from the
intended send time.

Output: the recommendation and the top cause first, then the table and the detail, fitted to
$COLUMNS (or the terminal); -q prints only the answer. Progress on stderr: a live line with an ETA
on a terminal, a line per step in a log. reports/<UTC time>-sweep-<setting>/ holds sweep.json (the
JSON interface: setting, steps[].value, steps[].capacity_rps, steps[].latency_ms.p99, knee, usl,
recommendation, diagnosis), report.md and a self-contained report.html with charts.
Exit codes: 0 ok, 2 bad flags or scenario, 4 every step failed, 130 interrupted (partial report written).`,
  );
  cmd.action(
    runAction(async (setting: string | undefined, opts: Record<string, unknown>) => {
      const base = opts.scenario ? loadScenarioFile(opts.scenario as string) : undefined;
      // The request flags go on after the preset has put in its workload (below).
      const scenario = applyRunFlags(base, opts, 'sweep', { requestFlags: false });
      const preset = setting ? findSweepPreset(setting)?.name : undefined;
      const flags: SweepFlags = {
        values: opts.values as string | undefined,
        range: opts.range as string | undefined,
        setting2: opts.setting2 as string | undefined,
        values2: opts.values2 as string | undefined,
        refine: opts.refine === false ? false : undefined,
        repeats: opts.repeats as number | undefined,
        rampMode: (opts.ramp as 'open' | 'closed' | undefined) ?? (opts.mode as 'open' | 'closed' | undefined),
        levels: opts.levels as string | undefined,
        maxLevels: opts.maxLevels as number | undefined,
        levelS: (opts.levelDuration as number | undefined) ?? (opts.duration as number | undefined),
        maxRps: opts.maxRate as number | undefined,
        budgetS: opts.budget as number | undefined,
        sloP99Ms: opts.sloP99 as number | undefined,
        probeIntervalMs: opts.probeInterval as number | undefined,
        rateRps: opts.rate as number | undefined,
        slowClients: opts.slowClients as number | undefined,
        warmupS: opts.warmup as number | undefined,
      };
      if (opts.path !== undefined) scenario.mix = applyRequestFlags(scenario.mix, { path: opts.path });
      const spec = resolveSweepSpec({ preset, setting: preset ? undefined : setting, scenario, flags, mixGiven: opts.path !== undefined || base !== undefined });
      if (hasRequestFlags(opts)) spec.scenario.mix = applyRequestFlags(spec.scenario.mix, { ...opts, path: undefined });
      return runSweepSession(spec, { json: Boolean(opts.json), quiet: Boolean(opts.quiet), reportsRoot: reportsRootOf(opts) });
    }),
  );
}
