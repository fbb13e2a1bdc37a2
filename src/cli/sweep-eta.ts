// The sweep's time to go, as the progress line shows it: it counts down while a step runs (the
// time the step has taken so far comes off its expected length), and it counts the refinement
// steps before they are planned (up to MAX_REFINE_VALUES around the knee), so that it does not
// jump up when refinement adds them; once the planned steps are done the real count replaces
// the estimate. A step's expected length is the mean of the finished ones (the executor's first
// guess before any has).
import type { SweepProgress } from '../sweep/execute-sweep.js';

export interface SweepEtaOptions {
  /** Steps planned before refinement (values × values2). */
  plannedSteps: number;
  /** Refinement steps that may follow the planned ones (0 when refinement is off). */
  refineSteps: number;
  now?: () => number;
}

export class SweepEta {
  private readonly now: () => number;
  private readonly durationsS: number[] = [];
  private guessS: number | undefined;
  private index = -1;
  private count: number;
  private stepStartMs = 0;
  private currentDone = false;

  constructor(private readonly o: SweepEtaOptions) {
    this.now = o.now ?? (() => performance.now());
    this.count = o.plannedSteps;
  }

  onProgress(p: SweepProgress): void {
    if (p.stepIndex !== this.index) {
      this.index = p.stepIndex;
      this.stepStartMs = this.now();
      this.currentDone = false;
    }
    this.count = p.stepCount;
    // The executor's first guess of a step's length, before any step has finished.
    if (this.guessS === undefined && p.stepCount > p.stepIndex && Number.isFinite(p.etaS)) this.guessS = p.etaS / (p.stepCount - p.stepIndex);
  }

  /** A step finished (or failed) after `durationS`; interrupted steps say nothing of the pace. */
  onStepDone(durationS: number | undefined): void {
    this.currentDone = true;
    if (durationS !== undefined && Number.isFinite(durationS) && durationS > 0) this.durationsS.push(durationS);
  }

  /** Refinement steps still expected but not yet in the count. */
  pendingRefineSteps(): number {
    return this.count <= this.o.plannedSteps ? this.o.refineSteps : 0;
  }

  /** Seconds a step is expected to take. */
  stepS(): number {
    if (this.durationsS.length > 0) return this.durationsS.reduce((a, b) => a + b, 0) / this.durationsS.length;
    return this.guessS ?? 0;
  }

  /** Seconds to go: the rest of the current step, the steps after it, and the refinement to come. */
  remainingS(): number {
    if (this.index < 0) return (this.count + this.pendingRefineSteps()) * this.stepS();
    const per = this.stepS();
    const inStepS = (this.now() - this.stepStartMs) / 1000;
    const current = this.currentDone ? 0 : Math.max(0, per - inStepS);
    const after = Math.max(0, this.count - this.index - 1) + this.pendingRefineSteps();
    return current + after * per;
  }

  /** "3/9", or "3/9 +≤2" while refinement may still add steps. */
  stepLabel(): string {
    const pending = this.pendingRefineSteps();
    return `${this.index + 1}/${this.count}${pending > 0 ? ` +≤${pending}` : ''}`;
  }
}
