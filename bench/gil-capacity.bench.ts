// npm run bench:gil-capacity — the issue's capacity proof, with what limits it measured beside it:
// a CPU-bound handler under the GIL (BENCH_PATH, default /work?cpu_ms=5) at 16 connections against
// a thread pool of 16 and a process pool of 2 × 8, and for each, from /proc: the CPU the server's
// processes got (cores, and ms per request), the load generator's own (this process), and the whole
// machine's split (the server, cpdiag, everything else). The bound a process pool can reach on the
// cores is printed with it: cores ÷ (server + generator CPU per request), against the GIL's 1 ÷ cpu_ms.
import { availableParallelism, loadavg } from 'node:os';
import { startBundledServer } from '../src/target/kinds/bundled.js';
import { runLoad } from '../src/load/run-load.js';
import { measureCpuSplitDuring } from '../src/probe/cpu-split-during.js';
import type { ServerSettings } from '../src/config/settings.js';

const PATH = process.env.BENCH_PATH ?? '/work?cpu_ms=5';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3);
const CONNECTIONS = 16;
const f = (x: number, d = 2) => x.toFixed(d);

async function measure(label: string, settings: Partial<ServerSettings>) {
  const server = await startBundledServer(settings, { readyTimeoutMs: 60_000 });
  try {
    const plan = { mode: 'closed' as const, url: server.url, connections: CONNECTIONS, mix: [{ method: 'GET', path: PATH }], timeout_ms: 10_000, window_ms: 1000, seed: 1 };
    await runLoad({ ...plan, duration_s: 1, warmup_s: 0 });
    const { result: r, targetCores: serverCores, cpdiagCores: generatorCores, split } = await measureCpuSplitDuring(server.pid, () => runLoad({ ...plan, duration_s: DURATION_S, warmup_s: 0 }));
    const perRequest = (cores: number) => (cores * 1000) / r.throughput_rps;
    console.log(`${label.padEnd(18)} ${f(r.throughput_rps, 1).padStart(6)} req/s   server ${f(serverCores)} cores (${f(perRequest(serverCores))} ms/req)   load generator ${f(generatorCores)} cores (${f(perRequest(generatorCores))} ms/req)` +
      (split ? `   machine busy ${f(split.busy_share * 100, 0)}%: server ${f(split.target_share * 100, 0)}%, cpdiag ${f(split.cpdiag_share * 100, 0)}%, others ${f(split.other_share * 100, 0)}%` : ''));
    return { rps: r.throughput_rps, msPerRequest: perRequest(serverCores) + perRequest(generatorCores) };
  } finally {
    await server.stop();
  }
}

const cores = availableParallelism();
console.log(`${PATH}, ${CONNECTIONS} connections, ${DURATION_S} s each; ${cores} cores, load average ${loadavg().map((x) => f(x)).join(' ')}`);
const threads = await measure('thread pool 16', { model: 'thread-pool', thread_pool: 16 });
const processes = await measure('process pool 2 × 8', { model: 'process-pool', processes: 2, thread_pool: 8 });
const cpuMs = Number(new URLSearchParams(PATH.split('?')[1] ?? '').get('cpu_ms') ?? 0);
const bound = Math.min(2, cores) * 1000 / processes.msPerRequest;
console.log(`ratio ${f(processes.rps / threads.rps)}; on ${Math.min(2, cores)} idle cores a process pool of 2 reaches at most ${f(bound, 0)} req/s ` +
  `(${f(processes.msPerRequest)} ms of server + generator CPU per request)${cpuMs > 0 ? `, the GIL lets a thread pool reach ${f(1000 / cpuMs, 0)}: at most ${f(bound / (1000 / cpuMs))}×` : ''}`);
