import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startTarget } from '../../src/target/start-target.js';
import { resolveSettings } from '../../src/config/settings.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';

const settings = resolveSettings({ thread_pool: 3 });
const node = process.execPath;

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie is dead for our purposes.
  return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

test('a command target gets its port and settings, answers, and is stopped with its children', async () => {
  // The server prints its settings from the environment and spawns a grandchild that would outlive a naive kill.
  const script = `
    const http = require('node:http');
    const { spawn } = require('node:child_process');
    const g = spawn('sleep', ['60'], { stdio: 'ignore' });
    http.createServer((q, s) => s.end(JSON.stringify({ argv: process.argv.slice(1), pool: process.env.CPDIAG_THREAD_POOL, grandchild: g.pid }))).listen(Number(process.argv[1]), '127.0.0.1');`;
  const target = await startTarget({ kind: 'command', command: `${node} -e "${script.replace(/"/g, '\\"')}" {port} {thread_pool}` }, settings);
  let grandchild = 0;
  try {
    const body = (await (await fetch(target.url)).json()) as { argv: string[]; pool: string; grandchild: number };
    grandchild = body.grandchild;
    assert.equal(body.argv[0], String(new URL(target.url).port));
    assert.equal(body.argv[1], '3');
    assert.equal(body.pool, '3');
    assert.ok(alive(grandchild));
  } finally {
    await target.stop();
  }
  assert.equal(alive(target.pid), false, 'target stopped');
  for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(grandchild), false, 'grandchild stopped with its group');
});

test('a target that exits before it is ready: an error with its stderr tail', async () => {
  await assert.rejects(
    startTarget({ kind: 'command', command: `${node} -e "console.error('boom: cannot bind'); process.exit(3)"` }, settings),
    (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.TARGET_FAILED && /exit code 3/.test(e.message) && /boom: cannot bind/.test(e.message),
  );
});

test('a target that never gets ready times out and is killed', async () => {
  const started = Date.now();
  await assert.rejects(
    startTarget({ kind: 'command', command: `${node} -e "console.error('warming up forever'); setInterval(() => {}, 1000)"`, ready_timeout_s: 1 }, settings),
    (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.TARGET_FAILED && /not ready after 1 s/.test(e.message) && /warming up forever/.test(e.message),
  );
  assert.ok(Date.now() - started < 6000);
});

test('attaching to a dead pid is refused with NO_PROCESS', async () => {
  await assert.rejects(startTarget({ kind: 'attached', url: 'http://127.0.0.1:1', pid: 999999 }, settings), (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.NO_PROCESS);
});
