// CPDIAG_WORK_SCALE: the bundled server's "slower build" for gate power experiments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CpdiagError } from '../../src/exit-codes.js';
import { resolveRoute } from '../../src/server/routes.js';
import { parseWorkScale } from '../../src/server/work-scale.js';
import { CLI, runCli } from '../helpers/cli.js';

test('work scale: parsed from the environment, bad values refused', () => {
  assert.equal(parseWorkScale({}), 1);
  assert.equal(parseWorkScale({ CPDIAG_WORK_SCALE: '1.2' }), 1.2);
  for (const bad of ['abc', '0', '-1', '1000', 'NaN']) {
    assert.throws(() => parseWorkScale({ CPDIAG_WORK_SCALE: bad }), (e: unknown) => e instanceof CpdiagError && e.exitCode === 2, bad);
  }
});

test('work scale: multiplies io_ms and cpu_ms of /work, nothing else', () => {
  const route = resolveRoute('/work?io_ms=20&cpu_ms=5&bytes=100', 0, 1.5);
  assert.equal(route.kind, 'job');
  if (route.kind === 'job') {
    assert.equal(route.job.ioMs, 30);
    assert.equal(route.job.cpuMs, 7.5);
    assert.equal(route.responseBytes, 100);
  }
  const plain = resolveRoute('/work?io_ms=20', 0);
  if (plain.kind === 'job') assert.equal(plain.job.ioMs, 20);
});

async function timeRequestMs(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.text();
  assert.equal(res.status, 200);
  return performance.now() - t0;
}

test('work scale: the served /work really takes longer (behaviour)', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--socket-port', '0', '--thread-pool', '2'], {
    env: { ...process.env, CPDIAG_WORK_SCALE: '3' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('server not ready in 20 s')), 20_000);
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.startsWith('http://'));
        if (line) {
          clearTimeout(timer);
          resolve(line.trim());
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    // 40 ms × 3 = 120 ms; on a loaded machine it may take longer, never shorter.
    const ms = Math.min(await timeRequestMs(`${url}/work?io_ms=40`), await timeRequestMs(`${url}/work?io_ms=40`));
    assert.ok(ms >= 118, `scaled request took ${ms.toFixed(1)} ms, expected ≥ 120`);
  } finally {
    child.kill('SIGKILL');
  }
});

test('work scale: a bad value stops the server with exit 2 and a one-line reason', async () => {
  const r = await runCli(['serve', '--socket-port', '0'], { CPDIAG_WORK_SCALE: 'fast' }, 20_000);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /CPDIAG_WORK_SCALE=fast: expected a number above 0/);
  assert.equal(r.stdout, '');
});
