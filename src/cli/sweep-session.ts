// A sweep as a command runs it (`cpdiag sweep`, and `cpdiag run FILE` for a scenario with a sweep
// section): progress on stderr (a live line with a counting-down ETA on a TTY, a line per step in
// a log), the executor, the output stage, the report on stdout, the exit code.
import { EXIT } from '../exit-codes.js';
import { formatMs, formatRate } from '../format.js';
import { executeSweep, type SweepProgress } from '../sweep/execute-sweep.js';
import { MAX_REFINE_VALUES } from '../sweep/plan-values.js';
import { SWEEP_SCHEMA, type SweepStep } from '../sweep/sweep-document.js';
import type { SweepSpec } from '../sweep/sweep-spec.js';
import { openOutput } from '../report/output-stage.js';
import { withInterrupt } from './interrupt.js';
import { err } from './output.js';
import { printDocument } from './print-document.js';
import { ProgressLine, formatEta, progressMode } from './progress.js';
import { reportFolder } from './report-target.js';
import { SweepEta } from './sweep-eta.js';

export interface SessionOptions {
  /** Print the document (JSON) instead of the report. */
  json: boolean;
  /** --reports-dir, or null for --no-report. */
  reportsRoot: string | null;
  /** -q: no progress, no file list, only the answer on stdout. */
  quiet?: boolean;
}

export async function runSweepSession(spec: SweepSpec, o: SessionOptions): Promise<number> {
  const line = new ProgressLine(progressMode(Boolean(o.quiet)));
  const planned = spec.values.length * (spec.values2?.length ?? 1);
  const eta = new SweepEta({ plannedSteps: planned, refineSteps: spec.refine && !spec.setting2 ? MAX_REFINE_VALUES : 0 });
  const started = performance.now();
  const elapsed = () => formatEta((performance.now() - started) / 1000);
  const pair = (value: number, value2?: number) => `${spec.setting}=${value}${value2 !== undefined ? ` ${spec.setting2}=${value2}` : ''}`;
  let last: SweepProgress | undefined;
  const live = () => last && `step ${eta.stepLabel()}  ${pair(last.value, last.value2)}  ${last.load ?? 'starting the target'}  elapsed ${elapsed()}  ETA ${formatEta(eta.remainingS())}`;
  const stepLine = (step: SweepStep) => {
    const what = step.status === 'failed'
      ? `FAILED: ${(step.error ?? 'unknown error').split('\n')[0]}`
      : step.timeout
        ? `normal p99 ${formatMs(step.timeout.normal_p99_ms)}, ${step.timeout.slow_failed}/${step.timeout.slow_attempted} slow clients failed`
        : `capacity ${step.capacity_rps === null ? '–' : `${formatRate(step.capacity_rps)} req/s`}, p99 ${formatMs(step.latency_ms.p99)}, ${step.levels.length} levels`;
    return `[${eta.stepLabel()}] ${pair(step.value, step.value2)}: ${what}${step.status === 'interrupted' ? ' (interrupted)' : ''}  (elapsed ${elapsed()}, ETA ${formatEta(eta.remainingS())})`;
  };
  line.log(err.dim(`sweep ${spec.setting}${spec.setting2 ? ` × ${spec.setting2}` : ''}: ${planned} step${planned === 1 ? '' : 's'}${eta.pendingRefineSteps() ? `, then up to ${eta.pendingRefineSteps()} around the knee` : ''}`));
  line.tick(live);
  const output = openOutput(SWEEP_SCHEMA, { folder: reportFolder(o.reportsRoot, spec.name) });
  const { outcome, files } = await withInterrupt(async (signal) => {
    const outcome = await executeSweep({
      spec,
      progress: output.progress,
      signal,
      onProgress: (p) => {
        last = p;
        eta.onProgress(p);
        line.update(live() ?? '');
      },
      onStep: (step) => {
        eta.onStepDone(step.status === 'interrupted' ? undefined : step.duration_s);
        line.log(err.dim(stepLine(step)));
      },
    });
    // Written even when interrupted: the finished steps stand.
    return { outcome, files: output.finish(outcome.doc) };
  }).finally(() => line.done());
  printDocument(outcome.doc, o);
  if (files.dir && !o.quiet) process.stderr.write(err.dim(`report: ${files.dir}/ (sweep.json, report.md, report.html)\n`));
  if (outcome.interrupted) return EXIT.INTERRUPTED;
  if (outcome.allFailed) return EXIT.TARGET_FAILED;
  return EXIT.OK;
}
