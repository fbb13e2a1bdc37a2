// npm run bench:proxy — what a proxy in front costs: the bundled server direct, through nginx and
// through Apache (RewriteRule [P], the setup of "CherryPy behind Apache with mod_rewrite"), on a
// trivial handler (/work?io_ms=0) and a realistic one (/work?io_ms=20). The three fronts are
// measured in short alternating rounds within one run (direct, nginx, Apache, then the next round
// in rotated order) so that the shared machine's drift falls on all of them alike. Per front: p50
// and p99 added over direct (Hodges–Lehmann shift over the rounds, 90% interval), capacity ratio,
// and the proxy's CPU per request (its whole process group, from /proc). Closed loop through
// cpdiag's own load runner (µs latencies), measured by src/run/measure-proxy-cost.ts: the code
// path of `cpdiag run --compare-direct`. BENCH_ROUNDS, BENCH_ROUND_S, BENCH_CONNECTIONS override.
import { loadavg } from 'node:os';
import { startBundledServer } from '../src/target/kinds/bundled.js';
import { startNginxProxy, findNginx } from '../src/proxy/nginx.js';
import { startApacheProxy, findApache } from '../src/proxy/apache.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { measureProxyCosts, type ProxyFront } from '../src/run/measure-proxy-cost.js';
import { formatMs, formatNumber, formatRate } from '../src/format.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const THREAD_POOL = 10;
const HANDLERS = ['/work?io_ms=0', '/work?io_ms=20'];

async function main(): Promise<void> {
  const server = await startBundledServer({ thread_pool: THREAD_POOL }, { readyTimeoutMs: 60_000 });
  const stops: (() => Promise<void>)[] = [() => server.stop(2_000)];
  try {
    const proxies: ProxyFront[] = [];
    if (findNginx()) {
      const n = await startNginxProxy({ upstreamUrl: server.url, keepalive: true });
      stops.unshift(() => n.stop());
      proxies.push({ kind: 'nginx', label: 'nginx', url: n.url, pid: n.pid });
    } else console.log('# nginx not installed: no nginx rows');
    if (findApache()) {
      const a = await startApacheProxy({ upstreamUrl: server.url, style: 'rewrite', keepalive: true });
      stops.unshift(() => a.stop());
      proxies.push({ kind: 'apache', label: `Apache ${a.version} [P]`, url: a.url, pid: a.pid });
    } else console.log('# apache2 not installed: no Apache rows');

    console.log(`bench:proxy — ${ROUNDS} rounds × ${ROUND_S} s per front and handler, ${CONNECTIONS} connections, thread_pool ${THREAD_POOL}; load average ${loadavg().map((l) => formatNumber(l)).join(' ')}`);
    const header = ['handler', 'front', 'req/s (median)', 'p50', 'p99', 'p50 added (interval)', 'p99 added (interval)', 'capacity vs direct (interval)', 'proxy CPU/request', 'errors'];
    const rows: string[][] = [];
    const sentences: string[] = [];
    const ci = (s: { estimate: number; ci_low: number; ci_high: number }, f: (x: number) => string) => `${f(s.estimate)} (${f(s.ci_low)} … ${f(s.ci_high)})`;
    for (const path of HANDLERS) {
      // The same code path as `cpdiag run --compare-direct`, with every proxy in the rotation.
      const scenario = parseScenario({ name: 'bench-proxy', load: { mode: 'closed', connections: CONNECTIONS, duration_s: ROUND_S }, mix: [{ path }] }, 'bench');
      const costs = await measureProxyCosts({ scenario, directUrl: server.url, proxies, rounds: ROUNDS, roundS: ROUND_S });
      if (costs.length === 0) continue;
      const d = costs[0].direct;
      rows.push([path, 'direct', formatRate(d.throughput_rps), formatMs(d.p50_ms), formatMs(d.p99_ms), '–', '–', '1', '–', String(d.errors)]);
      for (const c of costs) {
        const p = c.proxied;
        rows.push([path, c.proxy_label, formatRate(p.throughput_rps), formatMs(p.p50_ms), formatMs(p.p99_ms), ci(c.p50_added_ms, formatMs), ci(c.p99_added_ms, formatMs), ci(c.capacity_ratio, (x) => formatNumber(x)), formatMs(c.proxy_cpu_ms_per_request), String(p.errors)]);
        sentences.push(`${path}: ${c.sentence}`);
      }
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    for (const t of sentences) console.log(`- ${t}`);
    console.log(`load average at the end ${loadavg().map((l) => formatNumber(l)).join(' ')} (shared machine: rounds are short; rerun for a steadier table)`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
