// A child process the probe tests control through stdin: "fds N" opens N descriptors, "threads N"
// starts N worker threads (each parked forever), "alloc MB" allocates and touches MB of memory,
// "spin MS" burns MS of CPU time (however long that takes on a loaded machine), "child" starts a grandchild `sleep 30`. It answers "ok <what>" per command.
// Kept inline (node -e) so that the test runner does not mistake it for a test file.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnSupervised } from '../../src/target/spawn-supervised.js';
import { once } from 'node:events';

const SCRIPT = `
const fs = require('node:fs');
const { Worker } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const held = [];
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\\s+/);
  const n = Number(arg);
  if (cmd === 'fds') { for (let i = 0; i < n; i++) held.push(fs.openSync('/dev/null', 'r')); }
  else if (cmd === 'threads') { for (let i = 0; i < n; i++) held.push(new Worker('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)', { eval: true })); }
  else if (cmd === 'alloc') { held.push(Buffer.alloc(n * 1024 * 1024).fill(7)); }
  else if (cmd === 'spin') { const c0 = process.cpuUsage(); const used = () => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; }; while (used() < n) {} }
  else if (cmd === 'child') { const c = spawn('sleep', ['30'], { stdio: 'ignore' }); held.push(c); process.stdout.write('ok child ' + c.pid + '\\n'); return; }
  else if (cmd === 'exit') { process.exit(0); }
  process.stdout.write('ok ' + cmd + '\\n');
});
process.stdout.write('ready\\n');
`;

export interface ControlledChild {
  proc: ChildProcessWithoutNullStreams;
  pid: number;
  /** Sends a command and waits for its "ok" line; returns the rest of that line. */
  send(command: string): Promise<string>;
  kill(): void;
}

export async function startControlledChild(): Promise<ControlledChild> {
  // Supervised (own group, watchdog): it and its grandchild die with the test process, however that ends.
  const proc = spawnSupervised(process.execPath, ['-e', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] }).child as ChildProcessWithoutNullStreams;
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve, reject) => {
    waiters.push(resolve);
    proc.once('exit', () => reject(new Error('child exited')));
  });
  const ready = nextLine();
  const line = await Promise.race([ready, once(proc, 'error').then(([e]) => { throw e; })]);
  if (line !== 'ready') throw new Error(`child said ${line}`);
  return {
    proc,
    pid: proc.pid!,
    async send(command: string) {
      const answer = nextLine();
      proc.stdin.write(`${command}\n`);
      return answer;
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}
