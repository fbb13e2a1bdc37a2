// Cost of inspecting: `npm run bench:inspect`.
//  1. One snapshot of a process with 1,000 threads and 10,000 fds (target: under 1 s).
//  2. `cpdiag inspect --watch` at 4 Hz on a process with ~50 threads and ~200 fds (target: under 2%
//     of one core), and the sampler (startSampler) at 4 Hz in-process on the same target.
//  3. What the sampling costs the target: its CPU time with and without a 4 Hz watcher.
// Targets are /usr/bin/python3 processes started here and killed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProcReader } from '../src/probe/proc-reader.js';
import { startSampler } from '../src/probe/sampler.js';
import { readInspectSample } from '../src/inspect/inspect-sample.js';
import { inspectProcess } from '../src/inspect/run-inspect.js';
import { CLOCK_TICKS_PER_S, parseProcStat } from '../src/probe/parse-stat.js';
import { spawnSupervised } from '../src/target/spawn-supervised.js';

const CPDIAG = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PYTHON = '/usr/bin/python3';

const TARGET = `
import os, resource, socket, sys, threading, time
threads, fds = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = min(hard, fds + 256) if hard != resource.RLIM_INFINITY else fds + 256
if soft < want: resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
threading.stack_size(256 * 1024)
held = [os.open('/dev/null', os.O_RDONLY) for _ in range(fds)]
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(64)
conns = [socket.create_connection(srv.getsockname()) for _ in range(8)]
accepted = [srv.accept()[0] for _ in range(8)]
ev = threading.Event()
for _ in range(threads): threading.Thread(target=ev.wait, daemon=True).start()
print('ready', len(os.listdir('/proc/self/fd')), threading.active_count(), flush=True)
sys.stdin.read()
`;

interface Target { proc: ChildProcess; pid: number; fds: number; threads: number }

async function startTarget(threads: number, fds: number): Promise<Target> {
  const { child: proc } = spawnSupervised(PYTHON, ['-c', TARGET, String(threads), String(fds)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d) => {
      buf += String(d);
      if (buf.includes('\n')) resolve(buf.trim());
    });
    proc.once('exit', (c) => reject(new Error(`target exited ${c}`)));
  });
  const [, f, t] = line.split(' ').map(Number);
  return { proc, pid: proc.pid!, fds: f, threads: t };
}

function cpuTicks(pid: number): number {
  const s = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  return s.utimeTicks + s.stimeTicks;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows: { measure: string; value: string; target: string; ok: string }[] = [];
function row(measure: string, value: string, target: string, ok: boolean | undefined) {
  rows.push({ measure, value, target, ok: ok === undefined ? '' : ok ? 'yes' : 'NO' });
}

async function benchSnapshot(): Promise<void> {
  const t = await startTarget(1000, 10000);
  try {
    const reader = new ProcReader();
    const times: number[] = [];
    let sample;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      sample = readInspectSample(reader, t.pid, 0);
      times.push(performance.now() - t0);
    }
    row(`snapshot, ${sample!.threads.length} threads / ${sample!.process.fds} fds (median of 5)`, `${median(times).toFixed(0)} ms`, '< 1000 ms', median(times) < 1000);
    const t0 = performance.now();
    await inspectProcess({ pid: t.pid, durationS: 0 });
    const one = performance.now() - t0;
    row('inspectProcess, one sample + report + diagnosis', `${one.toFixed(0)} ms`, '< 1000 ms', one < 1000);
    const t1 = performance.now();
    const cli = spawn(process.execPath, [CPDIAG, 'inspect', String(t.pid), '--duration', '0s', '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
    row('`cpdiag inspect PID --duration 0s --json` wall (incl. node start)', `${(performance.now() - t1).toFixed(0)} ms${code === 0 ? '' : ` (exit ${code})`}`, '', code === 0 ? undefined : false);
  } finally {
    t.proc.kill('SIGKILL');
  }
}

async function benchWatch(): Promise<void> {
  const t = await startTarget(48, 200);
  const WINDOW_S = 10;
  const WATCH_WINDOW_S = 20;
  try {
    row(`watch target: ${t.threads} threads, ${t.fds} fds`, '', '', undefined);
    // The target alone, for the "costs the target nothing" comparison.
    const a0 = cpuTicks(t.pid);
    await sleep(WINDOW_S * 1000);
    const targetIdle = (cpuTicks(t.pid) - a0) / CLOCK_TICKS_PER_S;

    // What any node process with a 4 Hz timer costs here, to read the watch figure against.
    const idleNode = spawn(process.execPath, ['-e', 'setInterval(() => {}, 250)'], { stdio: 'ignore' });
    await sleep(1000);
    const n0 = cpuTicks(idleNode.pid!);
    await sleep(WINDOW_S * 1000);
    const nodeIdlePct = ((cpuTicks(idleNode.pid!) - n0) / CLOCK_TICKS_PER_S / WINDOW_S) * 100;
    idleNode.kill('SIGKILL');
    row('baseline: an idle node process with a 250 ms timer', `${nodeIdlePct.toFixed(2)} %`, '', undefined);

    const watch = spawn(process.execPath, [CPDIAG, 'inspect', String(t.pid), '--watch', '--interval', '250ms'], { stdio: ['ignore', 'ignore', 'inherit'] });
    // Steady state: past node's start-up, module loading and the JIT warming up (~0.3 s of CPU
    // in the first seconds), over a window long enough for 10 ms clock ticks to resolve 0.1%.
    await sleep(4000);
    const w0 = cpuTicks(watch.pid!);
    const b0 = cpuTicks(t.pid);
    await sleep(WATCH_WINDOW_S * 1000);
    const watchCpuS = (cpuTicks(watch.pid!) - w0) / CLOCK_TICKS_PER_S;
    const targetWatched = ((cpuTicks(t.pid) - b0) / CLOCK_TICKS_PER_S) * (WINDOW_S / WATCH_WINDOW_S);
    watch.kill('SIGINT');
    await new Promise((r) => watch.once('exit', r));
    const pct = (watchCpuS / WATCH_WINDOW_S) * 100;
    row(`\`cpdiag inspect --watch\` at 4 Hz, CPU of one core (steady, ${WATCH_WINDOW_S} s)`, `${pct.toFixed(2)} %`, '< 2 %', pct < 2);
    row(`target CPU per ${WINDOW_S} s: unwatched / watched`, `${targetIdle.toFixed(2)} s / ${targetWatched.toFixed(2)} s`, 'no difference', Math.abs(targetWatched - targetIdle) <= 0.02);

    // The sampler in this process (as the load engine runs it): CPU per second at 4 Hz.
    const c0 = process.cpuUsage();
    const idleStart = performance.now();
    await sleep(3000);
    const idleCpu = process.cpuUsage(c0);
    const idleS = (idleCpu.user + idleCpu.system) / 1e6 / ((performance.now() - idleStart) / 1000);
    const sampler = startSampler({ pid: t.pid, intervalMs: 250 });
    await sleep(1000);
    const c1 = process.cpuUsage();
    const s0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const used = process.cpuUsage(c1);
    const spanS = (performance.now() - s0) / 1000;
    const samples = (await sampler.stop()).length;
    const perS = (used.user + used.system) / 1e6 / spanS - idleS;
    row(`startSampler at 4 Hz in-process (${samples} samples), CPU per second`, `${(perS * 1000).toFixed(1)} ms/s (${(perS * 100).toFixed(2)} %)`, '< 2 %', perS < 0.02);
  } finally {
    t.proc.kill('SIGKILL');
  }
}

await benchSnapshot();
await benchWatch();
const width = (k: keyof (typeof rows)[0]) => Math.max(k.length, ...rows.map((r) => r[k].length));
const cols = ['measure', 'value', 'target', 'ok'] as const;
const line = (r: Record<string, string>) => `| ${cols.map((k) => r[k].padEnd(width(k))).join(' | ')} |`;
console.log(line({ measure: 'measure', value: 'value', target: 'target', ok: 'ok' }));
console.log(`|${cols.map((k) => '-'.repeat(width(k) + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`\nmachine: ${readFileSync('/proc/loadavg', 'utf8').trim()} (loadavg), node ${process.version}`);
