// Whose CPU was it? With other processes holding the machine, a run and an inspection each measure
// the machine's CPU split over their window and the diagnosis says so as a caveat beside the causes
// (the labelled corpus's misses were all such cases). The spinners are this test's own processes,
// bounded in time, and killed whatever happens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { runCli } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';
import type { InspectDocument } from '../../src/inspect/inspect-document.js';

/** One more spinner than cores: other processes hold the machine whatever the target does. */
function startSpinners(): ChildProcess[] {
  return Array.from({ length: availableParallelism() + 1 }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end) {}'], { stdio: 'ignore' }));
}

async function withSpinners<T>(body: (spinners: ChildProcess[]) => Promise<T>): Promise<T> {
  const spinners = startSpinners();
  try {
    return await body(spinners);
  } finally {
    for (const s of spinners) s.kill('SIGKILL');
  }
}

test('a run on a machine other processes hold: the machine CPU split is recorded and the diagnosis carries the caveat', async () => {
  const rec = await withSpinners(async () => {
    const r = await runCli(['run', '--path', '/work?io_ms=5', '-c', '8', '-d', '2s', '--warmup', '0.5s', '--json', '--no-report']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as RunRecord;
  });
  const m = rec.machine_cpu;
  assert.ok(m, 'machine_cpu recorded');
  assert.ok(m.busy_share >= 0.85 && m.other_share >= 0.25, JSON.stringify(m));
  assert.ok(Math.abs(m.target_share + m.cpdiag_share + m.other_share - m.busy_share) < 0.01, JSON.stringify(m));
  assert.match(rec.diagnosis!.caveats?.[0]?.text ?? '', /other processes held \d+(\.\d+)?% of this machine's CPU during the measurement/);
});

test('an inspection of one process among spinners: the machine CPU split over the window and the caveat', async () => {
  const doc = await withSpinners(async (spinners) => {
    const r = await runCli(['inspect', String(spinners[0].pid), '--duration', '1s', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as InspectDocument;
  });
  const m = doc.machine_cpu;
  assert.ok(m, 'machine_cpu recorded');
  assert.ok(m.busy_share >= 0.85 && m.other_share >= 0.25, JSON.stringify(m));
  assert.match(doc.diagnosis?.caveats?.[0]?.text ?? '', /during the inspection/);
});
