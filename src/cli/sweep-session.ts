// A sweep as a command runs it (`cpdiag sweep`, and `cpdiag run FILE` for a scenario with a sweep
// section): a progress line, the executor, the output stage, the report on stdout, the exit code.
import { EXIT } from '../exit-codes.js';
import { executeSweep } from '../sweep/execute-sweep.js';
import { SWEEP_SCHEMA } from '../sweep/sweep-document.js';
import type { SweepSpec } from '../sweep/sweep-spec.js';
import { openOutput, renderTerminal } from '../report/output-stage.js';
import { withInterrupt } from './interrupt.js';
import { out, err } from './output.js';
import { ProgressLine, formatEta } from './progress.js';
import { reportFolder } from './report-target.js';

export interface SessionOptions {
  /** Print the document (JSON) instead of the report. */
  json: boolean;
  /** --reports-dir, or null for --no-report. */
  reportsRoot: string | null;
}

export async function runSweepSession(spec: SweepSpec, o: SessionOptions): Promise<number> {
  const progress = new ProgressLine();
  const output = openOutput(SWEEP_SCHEMA, { folder: reportFolder(o.reportsRoot, spec.name) });
  const { outcome, files } = await withInterrupt(async (signal) => {
    const outcome = await executeSweep({
      spec,
      progress: output.progress,
      signal,
      onProgress: (p) =>
        progress.update(
          `step ${p.stepIndex + 1}/${p.stepCount}  ${spec.setting}=${p.value}${p.value2 !== undefined ? ` ${spec.setting2}=${p.value2}` : ''}  ${p.load ?? 'starting the target'}  elapsed ${formatEta(p.elapsedS)}  ETA ${formatEta(p.etaS)}`,
        ),
    });
    // Written even when interrupted: the finished steps stand.
    return { outcome, files: output.finish(outcome.doc) };
  }).finally(() => progress.done());
  process.stdout.write(renderTerminal(outcome.doc, { json: o.json, chalk: out }));
  if (files.dir) process.stderr.write(err.dim(`report: ${files.dir}/ (sweep.json, report.md, report.html)\n`));
  if (outcome.interrupted) return EXIT.INTERRUPTED;
  if (outcome.allFailed) return EXIT.TARGET_FAILED;
  return EXIT.OK;
}
