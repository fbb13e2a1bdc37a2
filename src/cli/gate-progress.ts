// The gate's and the baseline's progress on stderr: a line redrawn while a run goes on, then one
// permanent line per finished run (CI logs show progress without control characters).
import type { GateProgress } from '../gate/run-gate.js';
import { formatMs, formatPercent, formatRate } from '../format.js';
import { err } from './output.js';
import { ProgressLine, formatEta } from './progress.js';

/** `showSides` false for a baseline, whose runs are all one side. */
export function gateProgressPrinter(showSides = true): { onProgress: (e: GateProgress) => void; done: () => void } {
  const line = new ProgressLine();
  const who = (side: string) => (showSides ? `${side} ` : '');
  return {
    onProgress: (e) => {
      if (e.kind === 'run_start') {
        line.update(`[${e.position}/${e.total}] ${who(e.side)}${e.warmup ? 'warm-up run' : `run ${e.index}`}…`);
        return;
      }
      line.done();
      const v = e.sample.values;
      const errors = v.error_rate !== undefined ? `${formatPercent(v.error_rate)} errors` : 'no result';
      process.stderr.write(
        err.dim(`[${e.position}/${e.total}] ${who(e.sample.side)}${e.sample.warmup ? 'warm-up (not compared)' : `run ${e.sample.index}`}: p50 ${formatMs(v.p50)}  p99 ${formatMs(v.p99)}  ${formatRate(v.throughput)} req/s  ${errors}${e.sample.target_died ? '  TARGET EXITED' : ''}  (eta ${formatEta(e.etaS)})\n`),
      );
    },
    done: () => line.done(),
  };
}
