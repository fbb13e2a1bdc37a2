// One chaos trial: start a cpdiag command, hit it (SIGKILL, SIGTERM, SIGHUP, or close the pipe
// it writes its stdout to) at a chosen moment, then look for anything of the run still alive.
// Used by bench/chaos.ts (many seeded trials, a table) and by the tests that pin three of them.
//
// What belongs to the run, found three independent ways so that one blind spot does not hide an
// orphan: (1) every descendant of cpdiag seen while it ran (sampled from /proc a few times a
// second, by pid and start time), with the process groups they were in; (2) a marker variable in
// cpdiag's environment, which every descendant inherits (even one that called setsid and was
// reparented between two samples); (3) a command line mentioning the trial's reports directory or
// an nginx directory seen during the run. Temporary nginx directories must be gone too.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './cli.js';

export const CHAOS_COMMANDS = ['run', 'sweep', 'gate', 'run-nginx', 'run-apache', 'run-lb-haproxy'] as const;
export type ChaosCommand = (typeof CHAOS_COMMANDS)[number];
export const CHAOS_BLOWS = ['SIGKILL', 'SIGTERM', 'SIGHUP', 'close-stdout'] as const;
export type ChaosBlow = (typeof CHAOS_BLOWS)[number];

export interface TrialOptions {
  command: ChaosCommand;
  blow: ChaosBlow;
  /**
   * Milliseconds after the start; { afterSpawnMs }: that long after cpdiag's first child (the
   * watchdog and the target) appeared; or 'measuring': once the run's document has a measured window.
   */
  at: number | { afterSpawnMs: number } | 'measuring';
  /** Replaces the command's default arguments (before --reports-dir). */
  args?: string[];
  /** How long cpdiag may take to exit after the blow (SIGKILL: at once). */
  exitTimeoutMs?: number;
  /** How long what cpdiag started may take to go after cpdiag is gone (the watchdog's grace). */
  settleMs?: number;
}

export interface Leftover {
  pid: number;
  cmdline: string;
  why: string;
}

export interface TrialResult {
  command: ChaosCommand;
  blow: ChaosBlow;
  /** When the blow was delivered, ms after the start. */
  atMs: number;
  /** cpdiag's exit: a code, a signal name, or 'hung' (did not exit in time; then SIGKILLed). */
  exit: string;
  /** Processes of the run still alive after the settle time. */
  leftovers: Leftover[];
  /** Temporary directories (nginx's) still on disk. */
  leftoverDirs: string[];
  /** Documents on disk that do not parse, or hold fewer finished steps than were seen before the blow. */
  docProblems: string[];
  /** Finished steps (run: windows; sweep: steps) seen on disk before the blow, and after. */
  stepsBefore: number;
  stepsAfter: number;
  /** Distinct processes of the run seen while it ran (a check that the tracking saw something). */
  processesSeen: number;
  reportsDir: string;
  stderrTail: string;
}

const SCAN_MS = 200;

/** Short workloads: each command finishes in seconds on a quiet machine. */
export function defaultArgs(command: ChaosCommand): string[] {
  const load = ['--path', '/work?io_ms=5', '--warmup', '0.3s'];
  switch (command) {
    case 'run':
      return ['run', '--thread-pool', '4', '-c', '4', '-d', '4s', ...load];
    case 'run-nginx':
      return ['run', '--thread-pool', '4', '-c', '4', '-d', '4s', '--proxy', 'nginx', ...load];
    case 'run-apache':
      return ['run', '--thread-pool', '4', '-c', '4', '-d', '4s', '--proxy', 'apache', ...load];
    case 'run-lb-haproxy':
      return ['run', '--thread-pool', '4', '-c', '4', '-d', '4s', '--lb', 'haproxy', '--processes', '2', ...load];
    case 'sweep':
      return ['sweep', 'thread_pool', '--values', '2,4,8', '--no-refine', '--ramp', 'closed', '--levels', '2,4', '--level-duration', '0.5s', ...load];
    case 'gate':
      return ['gate', '--runs', '2', '--warmup-runs', '0', '-d', '1s', '-c', '2', ...load];
  }
}

/** Typical wall time of each command's default workload, for picking a moment within it. */
export const EXPECTED_DURATION_MS: Record<ChaosCommand, number> = { run: 6000, 'run-nginx': 6500, 'run-apache': 6500, 'run-lb-haproxy': 6500, sweep: 12000, gate: 10000 };

interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  startTicks: string;
  state: string;
}

function readEntry(pid: number): ProcEntry | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0], ppid: Number(rest[1]), pgrp: Number(rest[2]), startTicks: rest[19] };
  } catch {
    return undefined;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function hasMarker(pid: number, marker: Buffer): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    for (let at = env.indexOf(marker); at >= 0; at = env.indexOf(marker, at + 1)) if (at === 0 || env[at - 1] === 0) return true;
  } catch {
    // not ours to read, or gone
  }
  return false;
}

function liveEntries(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const e = readEntry(Number(name));
    if (e && e.state !== 'Z' && e.state !== 'X' && e.pid !== process.pid) out.push(e);
  }
  return out;
}

/** Finished steps on disk (run.json: measured windows; sweep.json: steps measured), and documents that do not parse. */
function finishedSteps(reportsDir: string): { count: number; problems: string[] } {
  let count = 0;
  const problems: string[] = [];
  let dirs: string[] = [];
  try {
    dirs = readdirSync(reportsDir);
  } catch {
    return { count, problems };
  }
  for (const d of dirs) {
    for (const name of ['run.json', 'sweep.json', 'gate.json']) {
      const path = join(reportsDir, d, name);
      if (!existsSync(path)) continue;
      try {
        const doc = JSON.parse(readFileSync(path, 'utf8')) as { series?: unknown[]; steps?: { status: string }[] };
        if (name === 'run.json') count += doc.series?.length ?? 0;
        if (name === 'sweep.json') count += doc.steps?.filter((s) => s.status === 'ok').length ?? 0;
      } catch (e) {
        problems.push(`${d}/${name} does not parse: ${(e as Error).message}`);
      }
    }
  }
  return { count, problems };
}

export async function runChaosTrial(opts: TrialOptions): Promise<TrialResult> {
  const reportsDir = mkdtempSync(join(tmpdir(), 'cpdiag-chaos-'));
  const id = reportsDir.slice(reportsDir.lastIndexOf('-') + 1);
  const markerName = `CPDIAG_CHAOS_TRIAL_${id}`;
  const marker = Buffer.from(`${markerName}=`);
  const args = [...(opts.args ?? defaultArgs(opts.command)), '--reports-dir', reportsDir];
  const started = Date.now();
  // Detached: cpdiag leads its own group, so "its group" is not the harness's.
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', [markerName]: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.stdout!.on('data', () => undefined);
  // A destroyed pipe must not become an error in the harness.
  child.stdout!.on('error', () => undefined);
  child.stderr!.on('error', () => undefined);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exit = signal ?? String(code);
    resolve();
  }));

  const seen = new Map<string, { pid: number; cmdline: string }>();
  const groups = new Set<number>();
  const nginxDirs = new Set<string>();
  let stepsBefore = 0;
  let blown = false;
  const scan = () => {
    const entries = liveEntries();
    const children = new Map<number, ProcEntry[]>();
    for (const e of entries) {
      const list = children.get(e.ppid);
      if (list) list.push(e);
      else children.set(e.ppid, [e]);
    }
    const stack = [...(children.get(child.pid!) ?? [])];
    const root = entries.find((e) => e.pid === child.pid);
    if (root) groups.add(root.pgrp);
    while (stack.length > 0) {
      const e = stack.pop()!;
      const key = `${e.pid}:${e.startTicks}`;
      if (!seen.has(key)) {
        const cmdline = readCmdline(e.pid);
        seen.set(key, { pid: e.pid, cmdline });
        const dir = /-[pdf] (\S*cpdiag-(?:nginx|apache|haproxy)-\w+)/.exec(cmdline)?.[1];
        if (dir) nginxDirs.add(dir);
      }
      groups.add(e.pgrp);
      stack.push(...(children.get(e.pid) ?? []));
    }
    if (!blown) stepsBefore = Math.max(stepsBefore, finishedSteps(reportsDir).count);
  };
  const scanner = setInterval(scan, SCAN_MS);

  // The blow.
  if (opts.at === 'measuring') {
    const deadline = Date.now() + 60_000;
    while (exit === undefined && Date.now() < deadline && finishedSteps(reportsDir).count === 0) await new Promise((r) => setTimeout(r, 100));
  } else if (typeof opts.at === 'object') {
    const deadline = Date.now() + 60_000;
    while (exit === undefined && Date.now() < deadline && seen.size < 2) await new Promise((r) => setTimeout(r, 50));
    await Promise.race([exited, new Promise((r) => setTimeout(r, (opts.at as { afterSpawnMs: number }).afterSpawnMs))]);
  } else {
    await Promise.race([exited, new Promise((r) => setTimeout(r, opts.at as number))]);
  }
  scan();
  blown = true;
  const atMs = Date.now() - started;
  if (exit === undefined) {
    if (opts.blow === 'close-stdout') child.stdout!.destroy();
    else child.kill(opts.blow);
  }

  // cpdiag must exit (a closed stdout lets the command finish its work first).
  const exitTimeoutMs = opts.exitTimeoutMs ?? (opts.blow === 'close-stdout' ? EXPECTED_DURATION_MS[opts.command] * 4 + 20_000 : 30_000);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, exitTimeoutMs)))]);
  clearTimeout(timer);
  clearInterval(scanner);
  if (exit === undefined) {
    child.kill('SIGKILL');
    await exited;
    // (the exit handler has set it to SIGKILL meanwhile: ours, not cpdiag's)
    exit = 'hung';
  }
  child.stdout!.destroy();
  child.stderr!.destroy();

  // What cpdiag started may take the watchdog's grace period to go.
  const find = (): Leftover[] => {
    const out: Leftover[] = [];
    for (const e of liveEntries()) {
      const cmdline = readCmdline(e.pid);
      let why: string | undefined;
      if (seen.has(`${e.pid}:${e.startTicks}`)) why = 'a descendant of cpdiag';
      else if (groups.has(e.pgrp)) why = `in process group ${e.pgrp} of the run`;
      else if (hasMarker(e.pid, marker)) why = "carries the trial's environment marker";
      else if (cmdline.includes(reportsDir) || [...nginxDirs].some((d) => cmdline.includes(d))) why = "names the trial's directories";
      if (why) out.push({ pid: e.pid, cmdline, why });
    }
    return out;
  };
  const settleDeadline = Date.now() + (opts.settleMs ?? 10_000);
  let leftovers = find();
  while (leftovers.length > 0 && Date.now() < settleDeadline) {
    await new Promise((r) => setTimeout(r, 200));
    leftovers = find();
  }
  const leftoverDirs = [...nginxDirs].filter((d) => existsSync(d));

  const after = finishedSteps(reportsDir);
  const docProblems = [...after.problems];
  if (after.count < stepsBefore) docProblems.push(`${after.count} finished steps on disk, ${stepsBefore} seen before the blow`);
  return {
    command: opts.command,
    blow: opts.blow,
    atMs,
    exit,
    leftovers,
    leftoverDirs,
    docProblems,
    stepsBefore,
    stepsAfter: after.count,
    processesSeen: seen.size,
    reportsDir,
    stderrTail: stderr.trim().split('\n').slice(-5).join('\n'),
  };
}
