// The gate's proof experiment: does it cry wolf, and does it catch a real slowdown?
//   time    one gate with the default settings (6 runs per side of 5 s): must finish in < 3 min
//   aa      A/A: the same bundled server on both sides; a failing gate is a false alarm
//   slow20  B = the bundled server with a 20% slower handler (CPDIAG_WORK_SCALE=1.2): must fail
//   slow10  B with a 10% slower handler (CPDIAG_WORK_SCALE=1.1): the power at half the change
//   aacpu, slow20cpu   (every 4th round) the same with 1 ms of CPU in the handler, which makes
//           runs on a busy machine much noisier: how the gate fares when the workload is not ideal
// The three series are interleaved (aa, slow20, slow10, aa, ...) so that the machine's load at
// any moment weighs on all three alike, and a run stopped early still has counts for each.
// Each gate is the real CLI in a child process, as CI would run it.
//
//   node dist/bench/gate-proof.js [--gates 20] [--runs 6] [--duration 2s] [--warmup 0.5s]
//         [--only time,aa,slow20,slow10,aacpu,slow20cpu] [--out /tmp/gate-proof.jsonl]
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVE_ENTRY_PATH } from '../src/target/kinds/bundled.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const NODE = process.execPath;

interface Args {
  gates: number;
  runs: number;
  duration: string;
  warmup: string;
  only: string[];
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { gates: 20, runs: 6, duration: '2s', warmup: '0.5s', only: ['time', 'aa', 'slow20', 'slow10', 'aacpu', 'slow20cpu'], out: '/tmp/gate-proof.jsonl' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--gates': args.gates = Number(v); i++; break;
      case '--runs': args.runs = Number(v); i++; break;
      case '--duration': args.duration = v; i++; break;
      case '--warmup': args.warmup = v; i++; break;
      case '--only': args.only = v.split(','); i++; break;
      case '--out': args.out = v; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

/** B as a user's command: the bundled server through its lean entry, as side A starts it. */
function serveCommand(scale: number): string {
  return `env CPDIAG_WORK_SCALE=${scale} ${NODE} ${SERVE_ENTRY_PATH} --socket-port {port} --thread-pool {thread_pool}`;
}

interface GateRun {
  experiment: string;
  index: number;
  exit_code: number | null;
  outcome: string;
  regressions: string[];
  inconclusive: string[];
  p50_ratio: number | null;
  /** Per-run p50 (ms) and throughput of each side, for the noise seen. */
  p50: { a: number[]; b: number[] } | null;
  throughput: { a: number[]; b: number[] } | null;
  seconds: number;
  started_at: string;
}

function runGate(experiment: string, index: number, extra: string[]): Promise<GateRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  return new Promise((resolve) => {
    const child = spawn(NODE, [CLI, 'gate', '--json', '--no-report', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let outcome = 'error';
      let regressions: string[] = [];
      let inconclusive: string[] = [];
      let p50Ratio: number | null = null;
      let p50: GateRun['p50'] = null;
      let throughput: GateRun['throughput'] = null;
      try {
        const doc = JSON.parse(stdout) as { outcome: string; metrics: { label: string; verdict: string; metric: string; ratio: number | null; a_values: number[]; b_values: number[] }[] };
        outcome = doc.outcome;
        regressions = doc.metrics.filter((m) => m.verdict === 'regression').map((m) => m.label);
        inconclusive = doc.metrics.filter((m) => m.verdict === 'inconclusive').map((m) => m.label);
        const m50 = doc.metrics.find((m) => m.metric === 'p50');
        const mtp = doc.metrics.find((m) => m.metric === 'throughput');
        p50Ratio = m50?.ratio ?? null;
        const round = (xs: number[]) => xs.map((x) => Number(x.toFixed(2)));
        if (m50) p50 = { a: round(m50.a_values), b: round(m50.b_values) };
        if (mtp) throughput = { a: round(mtp.a_values), b: round(mtp.b_values) };
      } catch {
        process.stderr.write(`  gate ${experiment} #${index}: no JSON (exit ${code}): ${stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}\n`);
      }
      resolve({ experiment, index, exit_code: code, outcome, regressions, inconclusive, p50_ratio: p50Ratio, p50, throughput, seconds, started_at: startedAt });
    });
  });
}

function summarize(results: GateRun[]): string {
  const rows: string[] = [];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  rows.push(line(['experiment', 'gates', 'failed (exit 1)', 'passed (exit 0)', 'other exit', 'median time', 'median p50 ratio']));
  rows.push(line(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const exp of ['time', 'aa', 'slow20', 'slow10', 'aacpu', 'slow20cpu']) {
    const rs = results.filter((r) => r.experiment === exp);
    if (rs.length === 0) continue;
    const failed = rs.filter((r) => r.exit_code === 1).length;
    const passed = rs.filter((r) => r.exit_code === 0).length;
    const times = rs.map((r) => r.seconds).sort((a, b) => a - b);
    const ratios = rs.map((r) => r.p50_ratio).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const med = (xs: number[]) => (xs.length ? xs[Math.floor((xs.length - 1) / 2)] : NaN);
    rows.push(line([exp, String(rs.length), String(failed), String(passed), String(rs.length - failed - passed), `${med(times).toFixed(0)} s`, ratios.length ? med(ratios).toFixed(3) : '–']));
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  writeFileSync(args.out, '');
  const proof = ['--runs', String(args.runs), '--duration', args.duration, '--warmup', args.warmup];
  const results: GateRun[] = [];
  const record = (r: GateRun) => {
    results.push(r);
    appendFileSync(args.out, JSON.stringify(r) + '\n');
    process.stdout.write(`${r.started_at} ${r.experiment} #${r.index}: exit ${r.exit_code} ${r.outcome}${r.regressions.length ? ` [${r.regressions.join(', ')}]` : ''} p50 ratio ${r.p50_ratio?.toFixed(3) ?? '–'} (${r.seconds.toFixed(0)} s)\n`);
  };
  process.stdout.write(`gate proof: ${args.gates} gates per series, proof config ${proof.join(' ')}; cli ${CLI}\n`);
  if (args.only.includes('time')) {
    // Default settings: the shipped default workload, runs and durations, against a 20% slower B.
    record(await runGate('time', 1, ['--b', serveCommand(1.2)]));
  }
  for (let i = 1; i <= args.gates; i++) {
    if (args.only.includes('aa')) record(await runGate('aa', i, proof));
    if (args.only.includes('slow20')) record(await runGate('slow20', i, [...proof, '--b', serveCommand(1.2)]));
    if (args.only.includes('slow10')) record(await runGate('slow10', i, [...proof, '--b', serveCommand(1.1)]));
    if (i % 4 === 1) {
      // The default workload plus 1 ms of CPU per request. (A different workload, so its own
      // fingerprint; the A side is the bundled server either way.)
      const cpu = [...proof, '--path', '/work?io_ms=150&cpu_ms=1'];
      if (args.only.includes('aacpu')) record(await runGate('aacpu', Math.ceil(i / 4), cpu));
      if (args.only.includes('slow20cpu')) record(await runGate('slow20cpu', Math.ceil(i / 4), [...cpu, '--b', serveCommand(1.2)]));
    }
  }
  process.stdout.write(`\n${summarize(results)}\n`);
}

await main();
