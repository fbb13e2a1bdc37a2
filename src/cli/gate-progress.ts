// The gate's and the baseline's progress on stderr: a live line while a run goes on (on a TTY,
// its ETA counting down every second), then one permanent line per finished run, which is all a
// CI log gets (plain text, no control characters); nothing with -q.
import type { GateProgress } from '../gate/run-gate.js';
import { formatMs, formatPercent, formatRate } from '../format.js';
import { err } from './output.js';
import { ProgressLine, formatEta, type ProgressMode } from './progress.js';

/** `showSides` false for a baseline, whose runs are all one side. */
export function gateProgressPrinter(showSides: boolean, mode: ProgressMode): { onProgress: (e: GateProgress) => void; done: () => void } {
  const line = new ProgressLine(mode);
  const who = (side: string) => (showSides ? `${side} ` : '');
  const started = performance.now();
  let runS: number | undefined;
  let current: { label: string; total: number; position: number; startMs: number } | undefined;
  // Time to go: the rest of this run (a run takes about the mean so far) and the runs after it.
  const remainingS = () => {
    if (!current || runS === undefined) return NaN;
    const inRunS = (performance.now() - current.startMs) / 1000;
    return Math.max(0, runS - inRunS) + runS * (current.total - current.position);
  };
  const live = () => current && `${current.label}…  ETA ${formatEta(remainingS())}`;
  line.tick(live);
  return {
    onProgress: (e) => {
      if (e.kind === 'run_start') {
        current = { label: `[${e.position}/${e.total}] ${who(e.side)}${e.warmup ? 'warm-up run' : `run ${e.index}`}`, total: e.total, position: e.position, startMs: performance.now() };
        line.update(live() ?? '');
        return;
      }
      runS = (performance.now() - started) / 1000 / e.position;
      const v = e.sample.values;
      const errors = v.error_rate !== undefined ? `${formatPercent(v.error_rate)} errors` : 'no result';
      line.log(
        err.dim(`[${e.position}/${e.total}] ${who(e.sample.side)}${e.sample.warmup ? 'warm-up (not compared)' : `run ${e.sample.index}`}: p50 ${formatMs(v.p50)}  p99 ${formatMs(v.p99)}  ${formatRate(v.throughput)} req/s  ${errors}${e.sample.target_died ? '  TARGET EXITED' : ''}  (ETA ${formatEta(e.etaS)})`),
      );
      current = undefined;
    },
    done: () => line.done(),
  };
}
