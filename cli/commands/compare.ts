import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { addOutputOptions, addTargetOptions, applyRunFlags } from '../../src/cli/scenario-flags.js';
import { parseDurationMs, parseDurationSeconds, parseInteger } from '../../src/cli/options.js';
import { reportsRootOf } from '../../src/cli/report-target.js';
import { runCompareSession } from '../../src/cli/compare-session.js';
import { COMPARE_MODEL_NAMES, resolveCompareSpec } from '../../src/compare/compare-spec.js';

export function registerCompare(program: Command): void {
  const compare = program
    .command('compare')
    .description('measure alternatives side by side at the same workloads');
  const cmd = compare
    .command('models')
    .description("every deployment model (single, fork per request, thread per request, process pool, thread pool, and the same processes on their own ports behind nginx and HAProxy) at the same workloads — I/O-bound, CPU-bound under the GIL, a mix — over one concurrency ladder: capacity at the SLO, p99, behaviour past capacity, memory, threads, processes, CPU per request, and the model to run")
    .option('--models <list>', `models to measure, comma-separated (default all: ${COMPARE_MODEL_NAMES.join(', ')})`)
    .option('--workloads <list>', 'workloads: io (/work?io_ms=20), cpu (/work?cpu_ms=5), mix (/work?io_ms=20&cpu_ms=2); default all')
    .option('--path <path>', "your own workload's request path (added as workload 'custom'; alone unless --workloads names others)")
    .option('--levels <list>', 'the concurrency ladder: connection counts (default 1,4,16,64,256)')
    .option('--level-duration <duration>', 'measured time per level (default 1s)', parseDurationSeconds)
    .option('--budget <duration>', 'about how long the whole comparison may take: levels are shortened (not below 0.5s) to fit', parseDurationSeconds)
    .option('--thread-pool <n>', 'threads of the thread pool (the process pool shares them out over its processes; default 16)', parseInteger(1, 1024))
    .option('--processes <n>', 'processes of the process pool and behind each balancer (default: the cores)', parseInteger(1, 256))
    .option('--slo-p99 <duration>', 'SLO: p99 latency, e.g. 250ms (a bare number is milliseconds)', parseDurationMs(0.001))
    .option('--probe-interval <duration>', 'process sampling interval (default 100ms)', (t: string) => Math.round(parseDurationMs(50, 10000)(t)));
  addTargetOptions(cmd);
  addOutputOptions(cmd, { json: 'print the comparison document (JSON) on stdout instead of the table', report: true });
  cmd.addHelpText(
    'after',
    `
Examples:
  cpdiag compare models                              the bundled server, every model, io/cpu/mix (about 3–4 minutes)
  cpdiag compare models --workloads cpu --models thread-pool,process-pool
  cpdiag compare models --budget 60s --levels 1,8,64
  cpdiag compare models --cmd 'python3 examples/deployment/app.py --model {model} --processes {processes} --threads {thread_pool} --port {port}'

Each model × workload: a fresh target with that model, a closed-loop ladder of connections, stopped
by the sweep's ramp rules once well past the knee. reports/<UTC time>-compare-models/ holds
compare.json, report.md and report.html (capacity by model, p99 and throughput by concurrency).
Exit codes: 0 ok, 2 bad flags, 4 every step failed, 130 interrupted (partial report written).`,
  );
  cmd.action(
    runAction(async (opts: Record<string, unknown>) => {
      // Sizes go through the spec (each model's own settings), not the base settings.
      const { threadPool, processes, sloP99, ...rest } = opts;
      const scenario = applyRunFlags(undefined, rest, 'compare-models', { requestFlags: false });
      const spec = resolveCompareSpec({
        scenario,
        flags: {
          models: opts.models as string | undefined,
          workloads: opts.workloads as string | undefined,
          path: opts.path as string | undefined,
          levels: opts.levels as string | undefined,
          levelS: opts.levelDuration as number | undefined,
          budgetS: opts.budget as number | undefined,
          sloP99Ms: sloP99 as number | undefined,
          threadPool: threadPool as number | undefined,
          processes: processes as number | undefined,
          probeIntervalMs: opts.probeInterval as number | undefined,
        },
      });
      return runCompareSession(spec, { json: Boolean(opts.json), quiet: Boolean(opts.quiet), reportsRoot: reportsRootOf(opts) });
    }),
  );
}
