import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ProcReader } from '../../src/probe/proc-reader.js';
import { readProcessSnapshot } from '../../src/probe/process-snapshot.js';

test("context switches are summed over the process's threads, not just its main thread", async () => {
  // A worker thread sleeps 1 ms 300 times (300+ voluntary switches) while the main thread idles.
  const script = `
    const { Worker } = require('node:worker_threads');
    new Worker("const a = new Int32Array(new SharedArrayBuffer(4)); for (let i = 0; i < 300; i++) Atomics.wait(a, 0, 0, 1); require('node:worker_threads').parentPort.postMessage('done'); Atomics.wait(a, 0, 0)", { eval: true })
      .on('message', () => console.log('done'));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('done') && resolve()));
    const snap = readProcessSnapshot(new ProcReader(), child.pid!);
    const leaderOnly = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
    assert.ok(snap.status.ctxVoluntary >= 300, `summed voluntary switches ${snap.status.ctxVoluntary}`);
    assert.ok(snap.status.ctxVoluntary > leaderOnly + 250, `sum ${snap.status.ctxVoluntary} vs main thread ${leaderOnly}`);
  } finally {
    child.kill('SIGKILL');
  }
});
