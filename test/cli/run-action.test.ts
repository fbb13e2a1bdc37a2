// How an action's failure reaches the user: a CpdiagError is the user's problem (its own exit
// code, one line); anything else is cpdiag's bug (exit 70, one line, a request to report it, the
// stack only with CPDIAG_DEBUG=1). Each case runs in a real node process, because the exit code
// and what lands on stderr are the behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EXIT } from '../../src/exit-codes.js';

const RUN_ACTION = new URL('../../src/cli/run-action.js', import.meta.url).href;
const QUEUEING = new URL('../../src/analysis/queueing.js', import.meta.url).href;
const EXIT_CODES = new URL('../../src/exit-codes.js', import.meta.url).href;

function runAction(body: string, env: NodeJS.ProcessEnv = {}): { code: number | null; stderr: string } {
  const script = [
    `import { runAction } from ${JSON.stringify(RUN_ACTION)};`,
    `import { erlangCPoolSize } from ${JSON.stringify(QUEUEING)};`,
    `import { CpdiagError, EXIT } from ${JSON.stringify(EXIT_CODES)};`,
    `await runAction(async () => { ${body} })();`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NO_COLOR: '1', CPDIAG_DEBUG: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr };
}

test('an unexpected exception is a bug: exit 70, one line, "please report", no stack trace', () => {
  const r = runAction(`const settings = undefined; return settings.thread_pool;`);
  assert.equal(r.code, EXIT.SOFTWARE);
  assert.equal(EXIT.SOFTWARE, 70);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0], /^error: internal error: TypeError: Cannot read properties of undefined/);
  assert.match(lines[1], /this is a bug in cpdiag, please report it with the command you ran/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace without CPDIAG_DEBUG');
});

test('pure code refusing its arguments is a programming error (70), not a usage error (2)', () => {
  const r = runAction(`return erlangCPoolSize(-1, 0.05);`);
  assert.equal(r.code, EXIT.SOFTWARE);
  assert.match(r.stderr, /^error: internal error: RangeError: arrival rate must be a finite number ≥ 0, got -1$/m);
});

test('CPDIAG_DEBUG=1 adds the stack trace', () => {
  const r = runAction(`throw new Error('boom');`, { CPDIAG_DEBUG: '1' });
  assert.equal(r.code, EXIT.SOFTWARE);
  assert.match(r.stderr, /^error: internal error: boom$/m);
  assert.match(r.stderr, /^\s+at /m);
});

test('a CpdiagError keeps its own exit code and one line, without the bug report request', () => {
  const r = runAction(`throw new CpdiagError('no such file: x.yaml', EXIT.USAGE, 'check the path');`);
  assert.equal(r.code, EXIT.USAGE);
  assert.equal(r.stderr, 'error: no such file: x.yaml\nhint: check the path\n');
});
