// The supervised spawn path: a child, what it spawns (even a descendant that left its group with
// setsid) and its temporary directories go when cpdiag stops them, when cpdiag exits, and when
// cpdiag is SIGKILLed (the watchdog).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isRunning } from '../../src/target/process-table.js';
import { spawnSupervised } from '../../src/target/spawn-supervised.js';

const SPAWN_SUPERVISED = new URL('../../src/target/spawn-supervised.js', import.meta.url).href;
const CHILD_REGISTRY = new URL('../../src/target/child-registry.js', import.meta.url).href;

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids of the children of pid (from /proc/PID/task/PID/children). */
async function childrenOf(pid: number): Promise<number[]> {
  const { readFileSync } = await import('node:fs');
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test('stop() ends the child, its group, and a descendant that left the group holding our pipes; it does not wait for the pipes', async () => {
  // sh prints the pid of a helper that called setsid and kept sh's stdout and stderr.
  const s = spawnSupervised('/bin/sh', ['-c', 'setsid sleep 300 & echo $!; exec sleep 300']);
  let out = '';
  s.child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 10_000;
  while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const helper = Number(out.trim());
  assert.ok(helper > 0 && isRunning(helper), `helper ${helper} running`);
  const t0 = Date.now();
  await s.stop(1000);
  assert.ok(Date.now() - t0 < 5000, `stop() took ${Date.now() - t0} ms`);
  assert.deepEqual(await waitGone([s.pid!, helper], 3000), [], 'child and escaped helper gone');
  assert.ok(s.child.stdout!.destroyed && s.child.stderr!.destroyed, 'no longer reading its pipes');
});

test('SIGKILL of the parent: the watchdog stops its children (and an escaped descendant) and removes its temp dirs', async () => {
  // A stand-in for cpdiag: starts a supervised child with an escaping helper, registers a
  // directory, reports the pids, and waits to be killed.
  const script = `
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { spawnSupervised } = await import(${JSON.stringify(SPAWN_SUPERVISED)});
const { registerTempDir } = await import(${JSON.stringify(CHILD_REGISTRY)});
const dir = mkdtempSync(join(tmpdir(), 'cpdiag-wd-test-'));
registerTempDir(dir);
const s = spawnSupervised('/bin/sh', ['-c', 'setsid sleep 300 & echo $!; exec sleep 300']);
s.child.stdout.once('data', (d) => console.log(JSON.stringify({ child: s.pid, helper: Number(String(d).trim()), dir })));
setInterval(() => {}, 1000);
`;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ child: number; helper: number; dir: string }>((resolve, reject) => {
    let buf = '';
    parent.stdout!.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]) as { child: number; helper: number; dir: string });
    });
    parent.once('exit', (code) => reject(new Error(`stand-in exited early (${code})`)));
  });
  // The watchdog is the parent's other child.
  const watchdogs = (await childrenOf(parent.pid!)).filter((p) => p !== info.child);
  assert.equal(watchdogs.length, 1, `one watchdog beside the child: ${watchdogs}`);
  assert.ok(isRunning(info.child) && isRunning(info.helper) && existsSync(info.dir));
  parent.kill('SIGKILL');
  assert.deepEqual(await waitGone([info.child, info.helper, watchdogs[0]], 8000), [], 'child, escaped helper and the watchdog itself are gone');
  assert.equal(existsSync(info.dir), false, 'temp dir removed');
});
