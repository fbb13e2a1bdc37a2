// `cpdiag run` once its flags are a scenario: one measured run (a progress line, the executor,
// the output stage, the summary on stdout, the exit code) — or, for a scenario with a sweep:
// section, that sweep, with sweep's reports.
import { EXIT } from '../exit-codes.js';
import { executeRun } from '../run/execute-run.js';
import { RUN_SCHEMA } from '../run/run-record.js';
import type { Scenario } from '../scenario/schema.js';
import { sweepSpecFromScenario } from '../sweep/sweep-spec.js';
import { formatCount, formatRate } from '../format.js';
import { formatLatencyMs } from '../load/censored-latency.js';
import { openOutput, renderTerminal } from '../report/output-stage.js';
import { withInterrupt } from './interrupt.js';
import { out, err } from './output.js';
import { ProgressLine } from './progress.js';
import { reportFolder } from './report-target.js';
import { runSweepSession, type SessionOptions } from './sweep-session.js';

export async function runScenarioSession(scenario: Scenario, o: SessionOptions & { metricsFile?: string }): Promise<number> {
  // A scenario with a sweep: section is a sweep (the same executor and reports as `cpdiag sweep`).
  if (scenario.sweep) return runSweepSession(sweepSpecFromScenario(scenario), o);
  const progress = new ProgressLine();
  const total = scenario.load.duration_s;
  const output = openOutput(RUN_SCHEMA, { folder: reportFolder(o.reportsRoot, scenario.name ?? 'scenario'), paths: { metrics: o.metricsFile } });
  const { outcome, files } = await withInterrupt(async (signal) => {
    const outcome = await executeRun({
      scenario,
      progress: output.progress,
      signal,
      onWindow: (w, rec) => {
        const errors = rec.series.reduce((a, s) => a + Object.values(s.errors).reduce((x: number, y) => x + (y ?? 0), 0), 0);
        progress.update(`${(w.t_s + w.duration_s).toFixed(0)}/${total} s  ${formatRate(w.throughput_rps)} req/s  p99 ${formatLatencyMs(w.latency_ms, 'p99')}  errors ${formatCount(errors)}`);
      },
    });
    return { outcome, files: output.finish(outcome.record) };
  }).finally(() => progress.done());
  process.stdout.write(renderTerminal(outcome.record, { json: o.json, chalk: out }));
  if (files.dir) process.stderr.write(err.dim(`report: ${files.dir}/\n`));
  if (outcome.targetDied) return EXIT.TARGET_FAILED;
  if (!outcome.record.complete) return EXIT.INTERRUPTED;
  return EXIT.OK;
}
