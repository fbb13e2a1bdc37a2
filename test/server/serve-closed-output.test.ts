// `serve` whose stdout/stderr reader is gone (`cpdiag serve 2>&1 | head -c1`, or the orphan of a
// killed cpdiag): it must not spin on EPIPE, and SIGTERM must still drain it and end it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';
import { SERVE_ENTRY_PATH } from '../../src/target/kinds/bundled.js';

/** utime + stime of a process, in clock ticks (1/100 s). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

for (const [name, argv] of [
  ['cpdiag serve', [CLI, 'serve']],
  ['the lean entry', [SERVE_ENTRY_PATH]],
] as const) {
  test(`${name}: a reader gone from its output costs no CPU, and SIGTERM still ends it`, async () => {
    // A FIFO stands in for `| head -c1`: we read one byte, then close our end.
    const dir = mkdtempSync(join(tmpdir(), 'cpdiag-epipe-'));
    const fifo = join(dir, 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    const child = spawn(process.execPath, [...argv, '--socket-port', '0', '--thread-pool', '2'], { stdio: ['ignore', writer, writer] });
    closeSync(writer);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const one = Buffer.alloc(1);
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          if (readSync(reader, one, 0, 1, null) === 1) break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
        assert.ok(Date.now() < deadline, 'the server wrote something');
        await new Promise((r) => setTimeout(r, 50));
      }
      closeSync(reader);
      // Let the server finish starting (it logs, then prints its URL: EPIPE from here on).
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(child.exitCode, null, 'still serving');
      const t0 = cpuTicks(child.pid!);
      await new Promise((r) => setTimeout(r, 1000));
      const usedTicks = cpuTicks(child.pid!) - t0;
      assert.ok(usedTicks < 30, `${usedTicks}% of a core while idle with its reader gone`);

      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 10_000)))]);
      clearTimeout(timer);
      assert.equal(code, 0, 'SIGTERM drained and ended it');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
