// `cpdiag run` once its flags are a scenario: one measured run (progress on stderr: a live line on
// a TTY, a plain line about every 10 s in a log; the executor, the output stage, the summary on
// stdout, the exit code) — or, for a scenario with a sweep: section, that sweep, with sweep's
// reports.
import { EXIT } from '../exit-codes.js';
import { executeRun } from '../run/execute-run.js';
import { RUN_SCHEMA } from '../run/run-record.js';
import type { Scenario } from '../scenario/schema.js';
import { sweepSpecFromScenario } from '../sweep/sweep-spec.js';
import { formatCount, formatRate, formatSeconds } from '../format.js';
import { formatLatencyMs } from '../load/censored-latency.js';
import { openOutput } from '../report/output-stage.js';
import { withInterrupt } from './interrupt.js';
import { err } from './output.js';
import { printDocument } from './print-document.js';
import { ProgressLine, progressMode } from './progress.js';
import { reportFolder } from './report-target.js';
import { runSweepSession, type SessionOptions } from './sweep-session.js';

/** Off a TTY, a progress line about this often. */
const RUN_LOG_INTERVAL_S = 10;

export async function runScenarioSession(scenario: Scenario, o: SessionOptions & { metricsFile?: string }): Promise<number> {
  // A scenario with a sweep: section is a sweep (the same executor and reports as `cpdiag sweep`).
  if (scenario.sweep) return runSweepSession(sweepSpecFromScenario(scenario), o);
  const progress = new ProgressLine(progressMode(Boolean(o.quiet)));
  const total = scenario.load.duration_s;
  let loggedAtS = 0;
  const output = openOutput(RUN_SCHEMA, { folder: reportFolder(o.reportsRoot, scenario.name ?? 'scenario'), paths: { metrics: o.metricsFile } });
  progress.log(err.dim(`run ${scenario.name ?? 'scenario'}: ${formatSeconds(total)} measured after ${formatSeconds(scenario.load.warmup_s)} of warm-up`));
  const { outcome, files } = await withInterrupt(async (signal) => {
    const outcome = await executeRun({
      scenario,
      progress: output.progress,
      signal,
      onWindow: (w, rec) => {
        const errors = rec.series.reduce((a, s) => a + Object.values(s.errors).reduce((x: number, y) => x + (y ?? 0), 0), 0);
        const atS = w.t_s + w.duration_s;
        const text = `${formatSeconds(Math.round(atS))} of ${formatSeconds(total)}  ${formatRate(w.throughput_rps)} req/s  p99 ${formatLatencyMs(w.latency_ms, 'p99')}  errors ${formatCount(errors)}`;
        progress.update(text);
        // In a log, a line about every RUN_LOG_INTERVAL_S: CI shows the run is alive and how it goes.
        if (progress.mode === 'plain' && atS - loggedAtS >= RUN_LOG_INTERVAL_S - 0.5) {
          loggedAtS = atS;
          progress.log(err.dim(`run ${scenario.name ?? 'scenario'}: ${text}`));
        }
      },
    });
    return { outcome, files: output.finish(outcome.record) };
  }).finally(() => progress.done());
  printDocument(outcome.record, o);
  if (files.dir && !o.quiet) process.stderr.write(err.dim(`report: ${files.dir}/\n`));
  if (outcome.targetDied) return EXIT.TARGET_FAILED;
  if (!outcome.record.complete) return EXIT.INTERRUPTED;
  return EXIT.OK;
}
