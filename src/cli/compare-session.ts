// `cpdiag compare models` as the command runs it: progress on stderr (a live line on a TTY, a line
// per step in a log), the executor, the output stage, the table on stdout, the exit code.
import { EXIT } from '../exit-codes.js';
import { formatMs, formatRate } from '../format.js';
import { executeCompare, type CompareProgress } from '../compare/execute-compare.js';
import { COMPARE_SCHEMA } from '../compare/compare-document.js';
import type { CompareSpec } from '../compare/compare-spec.js';
import { openOutput } from '../report/output-stage.js';
import { withInterrupt } from './interrupt.js';
import { err } from './output.js';
import { printDocument } from './print-document.js';
import { ProgressLine, formatEta, progressMode } from './progress.js';
import { reportFolder } from './report-target.js';
import type { SessionOptions } from './sweep-session.js';

export async function runCompareSession(spec: CompareSpec, o: SessionOptions): Promise<number> {
  const line = new ProgressLine(progressMode(Boolean(o.quiet)));
  const started = performance.now();
  const elapsedS = () => (performance.now() - started) / 1000;
  const count = spec.models.length * spec.workloads.length;
  let last: CompareProgress | undefined;
  const live = () => last && `step ${last.stepIndex + 1}/${last.stepCount}  ${last.workload}: ${last.model}  ${last.load ?? 'starting the target'}  elapsed ${formatEta(elapsedS())}  ETA ${formatEta(Math.max(0, spec.plannedS - elapsedS()))}`;
  line.log(err.dim(`compare models: ${spec.models.length} models × ${spec.workloads.length} workloads, ${count} steps, about ${formatEta(spec.plannedS)}`));
  line.tick(live);
  const output = openOutput(COMPARE_SCHEMA, { folder: reportFolder(o.reportsRoot, spec.name) });
  let done = 0;
  const { outcome, files } = await withInterrupt(async (signal) => {
    const outcome = await executeCompare({
      spec,
      progress: output.progress,
      signal,
      onProgress: (p) => {
        last = p;
        line.update(live() ?? '');
      },
      onStep: (step, summary, model, workload) => {
        done++;
        const what = step.status === 'failed'
          ? `FAILED: ${(step.error ?? 'unknown error').split('\n')[0]}`
          : `capacity ${summary.capacity_rps === null ? '–' : `${formatRate(summary.capacity_rps)} req/s at ${summary.capacity_connections} connections`}, p99 @90% ${formatMs(summary.p99_at_90_ms)}, past capacity: ${summary.past_capacity}, ${step.levels.length} levels`;
        line.log(err.dim(`[${done}/${count}] ${workload.name}: ${model.label}: ${what}  (elapsed ${formatEta(elapsedS())})`));
      },
    });
    return { outcome, files: output.finish(outcome.doc) };
  }).finally(() => line.done());
  printDocument(outcome.doc, o);
  if (files.dir && !o.quiet) process.stderr.write(err.dim(`report: ${files.dir}/ (compare.json, report.md, report.html)\n`));
  if (outcome.interrupted) return EXIT.INTERRUPTED;
  if (outcome.allFailed) return EXIT.TARGET_FAILED;
  return EXIT.OK;
}
