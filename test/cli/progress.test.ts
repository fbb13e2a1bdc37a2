// Progress on stderr: the sweep's ETA counts down within a step and counts refinement before it
// is planned; the progress line draws in place on a TTY, plain lines in a log, nothing with -q.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { SweepEta } from '../../src/cli/sweep-eta.js';
import { ProgressLine, progressMode } from '../../src/cli/progress.js';

function progress(stepIndex: number, stepCount: number, etaS = 7 * (stepCount - stepIndex)) {
  return { stepIndex, stepCount, value: stepIndex + 1, etaS, elapsedS: 0 };
}

test('sweep ETA: counts down within a step, and refinement is counted before it is planned', () => {
  let nowMs = 0;
  const eta = new SweepEta({ plannedSteps: 3, refineSteps: 2, now: () => nowMs });
  eta.onProgress(progress(0, 3));
  // The executor's first guess (7 s a step) for 3 planned + up to 2 refinement steps.
  assert.equal(eta.remainingS(), 35);
  assert.equal(eta.stepLabel(), '1/3 +≤2');
  nowMs = 4000;
  assert.equal(eta.remainingS(), 31, 'counts down while the step runs');
  nowMs = 10_000;
  eta.onStepDone(10);
  assert.equal(eta.remainingS(), 40, 'a finished step sets the pace: 4 more steps of 10 s');
  eta.onProgress(progress(1, 3));
  nowMs = 15_000;
  assert.equal(eta.remainingS(), 35);
  nowMs = 30_000;
  assert.equal(eta.remainingS(), 30, 'a step running over its estimate adds nothing more');
  eta.onStepDone(20);
  eta.onProgress(progress(2, 3));
  eta.onStepDone(15);
  assert.equal(eta.remainingS(), 30, 'two refinement steps of 15 s still expected');
  // Refinement planned one value: the real count replaces the estimate, and the ETA goes down.
  nowMs = 45_000;
  eta.onProgress(progress(3, 4));
  assert.equal(eta.stepLabel(), '4/4');
  assert.equal(eta.remainingS(), 15);
  const none = new SweepEta({ plannedSteps: 2, refineSteps: 0, now: () => 0 });
  none.onProgress(progress(0, 2));
  assert.equal(none.stepLabel(), '1/2');
  assert.equal(none.remainingS(), 14);
});

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(stream, { isTTY, columns: 40 });
  return { stream, text: () => text };
}

test('progress line: in place on a TTY (cut to its width), plain lines in a log, nothing when quiet', async () => {
  assert.equal(progressMode(false, { isTTY: true }), 'tty');
  assert.equal(progressMode(false, { isTTY: false }), 'plain');
  assert.equal(progressMode(true, { isTTY: true }), 'off');

  const tty = capture(true);
  const live = new ProgressLine('tty', tty.stream);
  live.update(`step 1/3  ${'x'.repeat(80)}`);
  live.log('[1/3] done');
  live.done();
  await new Promise((r) => setImmediate(r));
  assert.match(tty.text(), /^\rstep 1\/3 {2}x+…\x1b\[K\r\x1b\[K\[1\/3\] done\n\rstep 1\/3/);
  assert.ok(tty.text().split('\r').every((part) => part.replace(/\x1b\[K|\n.*/g, '').length <= 39), 'never wider than the terminal');

  const log = capture(false);
  const plain = new ProgressLine('plain', log.stream);
  plain.update('step 1/3 live');
  plain.log('[1/3] done');
  plain.log('[2/3] done');
  plain.done();
  await new Promise((r) => setImmediate(r));
  assert.equal(log.text(), '[1/3] done\n[2/3] done\n', 'no carriage returns or escapes in a log');

  const quiet = capture(false);
  const off = new ProgressLine('off', quiet.stream);
  off.update('x');
  off.log('y');
  off.done();
  await new Promise((r) => setImmediate(r));
  assert.equal(quiet.text(), '');
});
