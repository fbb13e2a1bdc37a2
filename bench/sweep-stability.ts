// Is the default sweep's answer stable? `cpdiag sweep thread-pool` (the real CLI, in a child
// process, as a user runs it) back to back on the bundled server, N times on the machine as it is
// ("quiet") and N times with one core kept busy by a CPU spinner this bench starts itself (a plain
// `node -e 'for(;;){}'`, killed after each run and on any exit). The two conditions alternate, so
// that whatever else the machine does weighs on both alike. For each run: the recommendation, its
// range, the capacity per value; then the checks the issue sets:
//   same   within each condition, one recommended value in at least 4 of 5 runs (⌈0.8·N⌉ of N)
//   range  every run's range contains every other run's value, across both conditions — printed
//          twice: literally (the issue's wording, which sets the exit code), and reading a range
//          open above ("16 or more") as the lower bound it is (range-agreement.ts)
//
//   npm run bench:sweep-stability [-- --runs 5] [--conditions quiet,busy] [--out /tmp/sweep-stability.jsonl]
//   (or CPDIAG_STABILITY_RUNS=2 npm run bench:sweep-stability)
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SweepDocument } from '../src/sweep/sweep-document.js';
import { groupByValue } from '../src/sweep/analyze-sweep.js';
import { formatRate, formatSeconds } from '../src/format.js';
import { disagreements, rangeAgreesWith, rangeContainsValue } from './range-agreement.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const NODE = process.execPath;
/** One sweep may not take longer than this (its budget is 120 s; a loaded machine adds to it). */
const RUN_TIMEOUT_S = 400;
/** The issue's bar: the same value in 4 of 5 runs. */
const SAME_SHARE = 0.8;

type Condition = 'quiet' | 'busy';

interface Args {
  runs: number;
  conditions: Condition[];
  out: string;
}

function parseArgs(argv: string[]): Args {
  const fromEnv = Number(process.env.CPDIAG_STABILITY_RUNS);
  const args: Args = { runs: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 5, conditions: ['quiet', 'busy'], out: '/tmp/sweep-stability.jsonl' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--runs': args.runs = Number(v); i++; break;
      case '--conditions': args.conditions = v.split(',') as Condition[]; i++; break;
      case '--out': args.out = v; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!(Number.isInteger(args.runs) && args.runs > 0)) throw new Error('--runs: a positive whole number');
  if (!args.conditions.every((c) => c === 'quiet' || c === 'busy')) throw new Error('--conditions: quiet and/or busy');
  return args;
}

interface RunRecord {
  condition: Condition;
  index: number;
  wall_s: number;
  load_average_before: number;
  exit_code: number | null;
  value: number | null;
  range: { low: number; high: number | null; text: string } | null;
  reason: string;
  capacities: { value: number; runs_rps: number[] }[];
  /** Repeats of the capacity search that ran (the budget may skip some): the noise estimate's runs. */
  repeats: number;
  machine_limit: string | null;
  error?: string;
}

// Every child this bench starts, so that an exit for any reason stops them.
const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killAll(); process.exit(130); });

function startSpinner(): ChildProcess {
  const spinner = spawn(NODE, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  children.add(spinner);
  spinner.on('exit', () => children.delete(spinner));
  return spinner;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

function runSweep(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [CLI, 'sweep', 'thread-pool', '--json', '--no-report'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_S * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function oneRun(condition: Condition, index: number): Promise<RunRecord> {
  const spinner = condition === 'busy' ? startSpinner() : undefined;
  const load = loadavg()[0];
  const t0 = performance.now();
  try {
    const r = await runSweep();
    const wall = (performance.now() - t0) / 1000;
    const base = { condition, index, wall_s: Math.round(wall), load_average_before: load, exit_code: r.code };
    let doc: SweepDocument;
    try {
      doc = JSON.parse(r.stdout) as SweepDocument;
    } catch {
      return { ...base, value: null, range: null, reason: '', capacities: [], repeats: 0, machine_limit: null, error: `no sweep document (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
    }
    const rec = doc.recommendation;
    const capacities = groupByValue(doc.steps.filter((s) => s.status === 'ok')).map((g) => ({ value: g.step.value, runs_rps: g.runs }));
    const repeats = doc.steps.filter((s) => s.origin === 'repeat' && s.status === 'ok').length;
    return { ...base, value: rec?.value ?? null, range: rec?.range ?? null, reason: rec?.reason ?? '', capacities, repeats, machine_limit: rec?.machine_limit?.text ?? null };
  } finally {
    if (spinner) await stopChild(spinner);
  }
}

function rangeText(r: RunRecord): string {
  if (!r.range) return '–';
  return r.range.high === null ? `${r.range.low} or more` : r.range.high === r.range.low ? `${r.range.low}` : `${r.range.low}–${r.range.high}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  writeFileSync(args.out, '');
  console.log(`sweep stability: ${args.runs} run(s) per condition (${args.conditions.join(', ')}), default \`cpdiag sweep thread-pool\`; records in ${args.out}`);
  const records: RunRecord[] = [];
  for (let i = 0; i < args.runs; i++) {
    for (const condition of args.conditions) {
      const r = await oneRun(condition, i + 1);
      records.push(r);
      appendFileSync(args.out, JSON.stringify(r) + '\n');
      const caps = r.capacities.map((c) => `${c.value}:${c.runs_rps.map((x) => formatRate(x)).join('/')}`).join(' ');
      console.log(`${condition.padEnd(5)} #${r.index}  ${formatSeconds(r.wall_s).padStart(7)}  load ${r.load_average_before.toFixed(1).padStart(4)}  recommended ${String(r.value ?? '–').padStart(3)}  range ${rangeText(r).padEnd(10)}  repeats ${r.repeats}  capacity ${caps}${r.error ? `  ERROR ${r.error}` : ''}`);
      if (r.range?.text) console.log(`          ${r.range.text}`);
    }
  }

  let pass = true;
  console.log('');
  for (const condition of args.conditions) {
    const runs = records.filter((r) => r.condition === condition);
    const counts = new Map<string, number>();
    for (const r of runs) counts.set(String(r.value), (counts.get(String(r.value)) ?? 0) + 1);
    const [mode, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['–', 0];
    const need = Math.ceil(SAME_SHARE * runs.length);
    const ok = mode !== 'null' && n >= need;
    pass &&= ok;
    console.log(`same   ${condition}: ${mode} in ${n} of ${runs.length} (need ${need}) ${ok ? 'PASS' : 'FAIL'}  [${runs.map((r) => r.value ?? '–').join(', ')}]`);
  }
  const pairs = records.length * (records.length - 1);
  const literal = disagreements(records, rangeContainsValue);
  console.log(`range  every run's range contains every other run's value (literal): ${literal.length === 0 ? 'PASS' : `FAIL (${literal.length} of ${pairs} pairs)`}`);
  for (const [a, b] of literal.slice(0, 12)) console.log(`         ${a.condition}#${a.index} (${rangeText(a)}) does not contain ${b.condition}#${b.index}'s ${b.value ?? '–'}`);
  const bounded = disagreements(records, rangeAgreesWith);
  console.log(`range  the same, an open range read as a lower bound (bound-aware): ${bounded.length === 0 ? 'PASS' : `FAIL (${bounded.length} of ${pairs} pairs)`}`);
  for (const [a, b] of bounded.slice(0, 12)) console.log(`         ${a.condition}#${a.index} (${rangeText(a)}) ${b.range?.high === null ? `does not reach ${b.condition}#${b.index}'s lower bound ${b.range.low}` : `does not contain ${b.condition}#${b.index}'s ${b.value ?? '–'}`}`);
  const same = pass;
  console.log(`stable (literal, the issue's check): ${same && literal.length === 0 ? 'PASS' : 'FAIL'}`);
  console.log(`stable (bound-aware): ${same && bounded.length === 0 ? 'PASS' : 'FAIL'}`);
  process.exitCode = same && literal.length === 0 ? 0 : 1;
}

main().catch((e) => {
  killAll();
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 70;
});
