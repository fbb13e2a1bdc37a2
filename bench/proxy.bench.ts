// npm run bench:proxy — what a proxy in front costs: the bundled server direct, through nginx and
// through Apache (RewriteRule [P], the setup of "CherryPy behind Apache with mod_rewrite"), on a
// trivial handler (/work?io_ms=0) and a realistic one (/work?io_ms=20). The three fronts are
// measured in short alternating rounds within one run (direct, nginx, Apache, then the next round
// in rotated order) so that the shared machine's drift falls on all of them alike. Per front: p50
// and p99 added over direct (Hodges–Lehmann shift over the rounds, 90% interval), capacity ratio,
// and the proxy's CPU per request (its whole process group, from /proc). Closed loop through
// cpdiag's own load runner (µs latencies). BENCH_ROUNDS, BENCH_ROUND_S, BENCH_CONNECTIONS override.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startBundledServer } from '../src/target/kinds/bundled.js';
import { startNginxProxy, findNginx } from '../src/proxy/nginx.js';
import { startApacheProxy, findApache } from '../src/proxy/apache.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { planFromScenario } from '../src/run/plan-from-scenario.js';
import { runLoad } from '../src/load/run-load.js';
import { hodgesLehmann } from '../src/gate/statistics.js';
import { formatMs, formatNumber, formatRate } from '../src/format.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const THREAD_POOL = 10;
/** Linux's USER_HZ: /proc/PID/stat times are in these ticks. */
const CLK_TCK = 100;
const HANDLERS = ['/work?io_ms=0', '/work?io_ms=20'];

interface Front { name: string; url: string; pgid?: number }
interface Sample { rps: number; p50Ms: number; p99Ms: number; errors: number; cpuS?: number; requests: number }

/** CPU seconds of every process in a process group (the proxy's master and workers). */
function groupCpuS(pgid: number): number {
  let ticks = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the comm: state(0) ppid(1) pgrp(2) ... utime(11) stime(12).
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / CLK_TCK;
}

async function measure(front: Front, path: string): Promise<Sample> {
  const scenario = parseScenario({ name: 'bench-proxy', load: { mode: 'closed', connections: CONNECTIONS, duration_s: ROUND_S, warmup_s: 0.3 }, mix: [{ path }] }, 'bench');
  const cpu0 = front.pgid !== undefined ? groupCpuS(front.pgid) : undefined;
  const r = await runLoad(planFromScenario(scenario, front.url));
  const cpuS = front.pgid !== undefined && cpu0 !== undefined ? groupCpuS(front.pgid) - cpu0 : undefined;
  return { rps: r.throughput_rps, p50Ms: r.latency_ms.p50, p99Ms: r.latency_ms.p99, errors: r.errors.total, cpuS, requests: r.requests };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main(): Promise<void> {
  const server = await startBundledServer({ thread_pool: THREAD_POOL }, { readyTimeoutMs: 60_000 });
  const stops: (() => Promise<void>)[] = [() => server.stop(2_000)];
  try {
    const fronts: Front[] = [{ name: 'direct', url: server.url }];
    if (findNginx()) {
      const n = await startNginxProxy({ upstreamUrl: server.url, keepalive: true });
      stops.unshift(() => n.stop());
      fronts.push({ name: 'nginx', url: n.url, pgid: n.pid });
    } else console.log('# nginx not installed: no nginx column');
    if (findApache()) {
      const a = await startApacheProxy({ upstreamUrl: server.url, style: 'rewrite', keepalive: true });
      stops.unshift(() => a.stop());
      fronts.push({ name: `Apache ${a.version} [P]`, url: a.url, pgid: a.pid });
    } else console.log('# apache2 not installed: no Apache column');

    console.log(`bench:proxy — ${ROUNDS} rounds × ${ROUND_S} s per front and handler, ${CONNECTIONS} connections, thread_pool ${THREAD_POOL}; load average ${loadavg().map((l) => formatNumber(l)).join(' ')}`);
    const header = ['handler', 'front', 'req/s (median)', 'p50', 'p99', 'p50 added (90% CI)', 'p99 added (90% CI)', 'capacity vs direct', 'proxy CPU/request', 'errors'];
    const rows: string[][] = [];
    for (const path of HANDLERS) {
      const samples = new Map<string, Sample[]>(fronts.map((f) => [f.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order each round: no front always runs first (or right after another).
        const order = fronts.map((_, i) => fronts[(i + round) % fronts.length]);
        for (const front of order) samples.get(front.name)!.push(await measure(front, path));
      }
      const direct = samples.get('direct')!;
      for (const front of fronts) {
        const s = samples.get(front.name)!;
        const rps = median(s.map((x) => x.rps));
        const row = [path, front.name, formatRate(rps), formatMs(median(s.map((x) => x.p50Ms))), formatMs(median(s.map((x) => x.p99Ms)))];
        if (front.name === 'direct') {
          row.push('–', '–', '1', '–');
        } else {
          const d50 = hodgesLehmann(direct.map((x) => x.p50Ms), s.map((x) => x.p50Ms), 0.9);
          const d99 = hodgesLehmann(direct.map((x) => x.p99Ms), s.map((x) => x.p99Ms), 0.9);
          const cpuPerReqMs = (s.reduce((a, x) => a + (x.cpuS ?? 0), 0) * 1000) / s.reduce((a, x) => a + x.requests, 0);
          row.push(
            `${formatMs(d50.estimate)} (${formatMs(d50.ci_low)} … ${formatMs(d50.ci_high)})`,
            `${formatMs(d99.estimate)} (${formatMs(d99.ci_low)} … ${formatMs(d99.ci_high)})`,
            formatNumber(rps / median(direct.map((x) => x.rps))),
            formatMs(cpuPerReqMs),
          );
        }
        row.push(String(s.reduce((a, x) => a + x.errors, 0)));
        rows.push(row);
      }
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    console.log(`load average at the end ${loadavg().map((l) => formatNumber(l)).join(' ')} (shared machine: rounds are short; rerun for a steadier table)`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
