// npm run bench:server — how faithfully and how fast the reference server behaves, beside a
// real CherryPy 18 (when /usr/bin/python3 has it) and a bare node:http server. Prints a table.
// Closed-loop load with autocannon, 2N connections for a pool of N, as DESIGN.md's CherryPy rows.
// autocannon runs in this process and competes for the same 2 cores: rows near the CPU limit
// measure the machine as much as the server. BENCH_DURATION_S sets the seconds per row.
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../src/config/settings.js';
import { startBundledServer } from '../src/target/kinds/bundled.js';
import { spawnTarget } from '../src/target/spawn-target.js';
import type { RunningTarget } from '../src/target/target.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);
const WARMUP_S = 1;
const SYSTEM_PYTHON = '/usr/bin/python3';

interface Row {
  case: string;
  server: string;
  pool: number;
  connections: number;
  rps: number;
  ideal?: number;
  p50Ms?: number;
  p99Ms?: number;
  errors: number;
  /** 1-minute load average when the row finished: this machine is shared. */
  load?: number;
}

async function load(url: string, connections: number, durationS: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  if (WARMUP_S > 0) await autocannon({ url, connections, duration: WARMUP_S });
  const r = await autocannon({ url, connections, duration: durationS });
  const errors = r.errors + r.timeouts + r.non2xx;
  return { rps: r.requests.total / durationS, p50: r.latency.p50, p99: r.latency.p99, errors };
}

// Every server of the bench runs as cpdiag runs a target: supervised, in its own process group.
async function withBundled<T>(settings: Record<string, unknown>, fn: (s: RunningTarget) => Promise<T>): Promise<T> {
  const server = await startBundledServer(settings, { readyTimeoutMs: 60_000 });
  try {
    return await fn(server);
  } finally {
    await server.stop(2_000);
  }
}

/** A comparison server that prints its URL on stdout when ready. */
async function startChild(cmd: string, args: string[]): Promise<{ child: RunningTarget; url: string }> {
  const child = await spawnTarget({
    kind: 'command',
    argv: [cmd, ...args],
    settings: resolveSettings({}),
    readiness: { kind: 'stdout-url' },
    readyTimeoutMs: 20_000,
    onStderr: (line) => process.stderr.write(`${line}\n`),
  });
  return { child, url: child.url };
}

function stopChild(child: RunningTarget): Promise<void> {
  return child.stop();
}

const CHERRYPY_APP = `
import sys, time, cherrypy
class App:
    @cherrypy.expose
    def work(self, io_ms='0', cpu_ms='0'):
        ms = float(io_ms)
        if ms: time.sleep(ms / 1000)
        cpu = float(cpu_ms)
        if cpu:
            end = time.thread_time() + cpu / 1000
            while time.thread_time() < end: pass
        return 'ok\\n'
port, pool = int(sys.argv[1]), int(sys.argv[2])
cherrypy.config.update({'server.socket_host': '127.0.0.1', 'server.socket_port': port, 'server.thread_pool': pool,
  'log.screen': False, 'engine.autoreload.on': False, 'checker.on': False})
cherrypy.engine.signals.subscribe()
cherrypy.tree.mount(App(), '/')
cherrypy.engine.start()
print('http://127.0.0.1:%d' % port, flush=True)
cherrypy.engine.block()
`;

const BARE_NODE = `
const http = require('node:http');
const body = Buffer.from('ok\\n');
const s = http.createServer((req, res) => { res.writeHead(200, {'Content-Type': 'text/plain', 'Content-Length': body.length}); res.end(body); });
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));
`;

function hasCherryPy(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import cherrypy'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const say = (row: Row) => {
    row.load = loadavg()[0];
    rows.push(row);
    process.stderr.write(`${row.case} ${row.server} pool=${row.pool} c=${row.connections}: ${row.rps.toFixed(0)} rps\n`);
  };
  const POOLS = [1, 4, 16, 64];

  // Fidelity: io_ms=20, capacity N / 20 ms.
  for (const n of POOLS) {
    await withBundled({ thread_pool: n }, async (s) => {
      const r = await load(`${s.url}/work?io_ms=20`, 2 * n, DURATION_S);
      say({ case: 'io_ms=20', server: 'cpdiag', pool: n, connections: 2 * n, rps: r.rps, ideal: n / 0.02, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
    });
  }
  const cherry = hasCherryPy();
  let appFile = '';
  if (cherry) {
    appFile = join(mkdtempSync(join(tmpdir(), 'cpdiag-bench-')), 'app.py');
    writeFileSync(appFile, CHERRYPY_APP);
    let port = 18500;
    for (const n of POOLS) {
      const { child, url } = await startChild(SYSTEM_PYTHON, [appFile, String(port++), String(n)]);
      try {
        const r = await load(`${url}/work?io_ms=20`, 2 * n, DURATION_S);
        say({ case: 'io_ms=20', server: 'cherrypy', pool: n, connections: 2 * n, rps: r.rps, ideal: n / 0.02, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
      } finally {
        await stopChild(child);
      }
    }
  }

  // Throughput: trivial requests, pool 16.
  await withBundled({ thread_pool: 16 }, async (s) => {
    const r = await load(`${s.url}/work?io_ms=0`, 32, DURATION_S);
    say({ case: 'io_ms=0', server: 'cpdiag', pool: 16, connections: 32, rps: r.rps, ideal: 5000, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
  });
  {
    const { child, url } = await startChild(process.execPath, ['-e', BARE_NODE]);
    try {
      const r = await load(`${url}/`, 32, DURATION_S);
      say({ case: 'io_ms=0', server: 'bare node:http', pool: 0, connections: 32, rps: r.rps, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
    } finally {
      await stopChild(child);
    }
  }
  if (cherry) {
    const { child, url } = await startChild(SYSTEM_PYTHON, [appFile, '18600', '16']);
    try {
      const r = await load(`${url}/work?io_ms=0`, 32, DURATION_S);
      say({ case: 'io_ms=0', server: 'cherrypy', pool: 16, connections: 32, rps: r.rps, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
    } finally {
      await stopChild(child);
    }
  }

  // GIL: cpu_ms=5 is capped at 200 rps whatever the pool.
  for (const n of [1, 4, 16]) {
    await withBundled({ thread_pool: n, gil: true }, async (s) => {
      const r = await load(`${s.url}/work?cpu_ms=5`, 2 * n, DURATION_S);
      say({ case: 'cpu_ms=5 gil', server: 'cpdiag', pool: n, connections: 2 * n, rps: r.rps, ideal: 200, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
    });
  }
  if (cherry) {
    let port = 18700;
    for (const n of [1, 4, 16]) {
      const { child, url } = await startChild(SYSTEM_PYTHON, [appFile, String(port++), String(n)]);
      try {
        const r = await load(`${url}/work?cpu_ms=5`, 2 * n, DURATION_S);
        say({ case: 'cpu_ms=5 gil', server: 'cherrypy', pool: n, connections: 2 * n, rps: r.rps, ideal: 200, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
      } finally {
        await stopChild(child);
      }
    }
  }
  await withBundled({ thread_pool: 4, gil: false }, async (s) => {
    const r = await load(`${s.url}/work?cpu_ms=5`, 8, DURATION_S);
    say({ case: 'cpu_ms=5 no gil', server: 'cpdiag', pool: 4, connections: 8, rps: r.rps, p50Ms: r.p50, p99Ms: r.p99, errors: r.errors });
  });

  // Start time of a large pool.
  const startRows: string[] = [];
  for (const n of [64, 256]) {
    const t0 = performance.now();
    const s = await startBundledServer({ thread_pool: n }, { readyTimeoutMs: 120_000 });
    const ms = performance.now() - t0;
    const status = await import('node:fs').then((fs) => fs.readFileSync(`/proc/${s.pid}/status`, 'utf8'));
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    startRows.push(`| ${n} | ${ms.toFixed(0)} | ${rssMb.toFixed(0)} | ${threads} |`);
    await s.stop(2_000);
  }

  const bare = rows.find((r) => r.server === 'bare node:http')?.rps;
  const ours = rows.find((r) => r.case === 'io_ms=0' && r.server === 'cpdiag')?.rps;
  const lines = [
    `Reference server bench (${DURATION_S} s per row after ${WARMUP_S} s warm-up, autocannon closed loop, ${new Date().toISOString()})`,
    '',
    '| case | server | pool | conns | rps | ideal | ratio | p50 ms | p99 ms | errors | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.case} | ${r.server} | ${r.pool || '-'} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.ideal ?? '-'} | ${r.ideal ? (r.rps / r.ideal).toFixed(3) : '-'} | ${r.p50Ms ?? '-'} | ${r.p99Ms ?? '-'} | ${r.errors} | ${r.load?.toFixed(1) ?? '-'} |`),
    '',
    `Overhead: cpdiag io_ms=0 / bare node:http = ${ours && bare ? (ours / bare).toFixed(3) : 'n/a'}`,
    '',
    '| pool | start ms (spawn to URL line) | RSS MB | threads |',
    '|---|---|---|---|',
    ...startRows,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
