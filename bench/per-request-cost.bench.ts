// npm run bench:per-request — what one request costs the per-request models when nothing else
// runs: one connection, one request at a time (`/work?io_ms=0`, 3 s after a 0.5 s warm-up), the
// bundled server with the native addon (a pthread / a fork() per request), the bundled server's
// Node fallback (CPDIAG_NATIVE=0: a worker_thread / a new node process per request), and the real
// Python servers (examples/deployment/app.py: socketserver's ThreadingMixIn and ForkingMixIn).
// Server CPU per request is the server process's user + system time, its reaped children's
// included (/proc/PID/stat utime, stime, cutime, cstime), over the requests served.
// Every one of these servers closes the connection after its response; the client reconnects, as
// the load generator does. BENCH_S (3) overrides the duration.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = `${ROOT}examples/deployment/app.py`;
const CLI = `${ROOT}dist/cli/main.js`;
const MEASURE_S = Number(process.env.BENCH_S ?? 3);
const WARMUP_S = 0.5;
const PATH = '/work?io_ms=0';
const TICKS_PER_S = 100;

function cpuTicks(pid: number): number {
  // Fields after the command's closing parenthesis: state is field 3; utime..cstime are 14..17.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitReady(url: string): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await get(`${url}/`, agent)) > 0) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

async function start(side: 'native' | 'fallback' | 'python', model: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = side === 'python'
    ? spawn('/usr/bin/python3', [APP, '--model', model, '--port', String(port), '--listen', '5'], { stdio: 'ignore' })
    : spawn(process.execPath, [CLI, 'serve', '--model', model, '--socket-port', String(port)], { stdio: 'ignore', env: { ...process.env, CPDIAG_NATIVE: side === 'native' ? '1' : '0' } });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { child, url };
}

async function measure(side: 'native' | 'fallback' | 'python', model: string) {
  const { child, url } = await start(side, model);
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const loop = async (seconds: number) => {
      let n = 0;
      let errors = 0;
      const until = performance.now() + seconds * 1000;
      while (performance.now() < until) {
        if ((await get(`${url}${PATH}`, agent)) === 200) n++;
        else errors++;
      }
      return { n, errors };
    };
    await loop(WARMUP_S);
    const t0 = performance.now();
    const c0 = cpuTicks(child.pid!);
    const { n, errors } = await loop(MEASURE_S);
    // Let the last children be reaped so their CPU is counted.
    await new Promise((r) => setTimeout(r, 600));
    const cpuS = (cpuTicks(child.pid!) - c0) / TICKS_PER_S;
    const wallS = (performance.now() - t0) / 1000;
    agent.destroy();
    return { side, model, rps: n / wallS, cpuMsPerRequest: (cpuS * 1000) / Math.max(n, 1), requests: n, errors };
  } finally {
    child.kill('SIGKILL');
  }
}

console.log(`# One request at a time: ${PATH}, 1 connection, ${MEASURE_S} s\n`);
console.log('| model | server | req/s | server CPU per request (ms) | requests | errors |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const model of ['thread-per-request', 'fork-per-request']) {
  for (const side of ['native', 'fallback', 'python'] as const) {
    const r = await measure(side, model);
    const label = side === 'python' ? 'Python (app.py)' : side === 'native' ? 'bundled, native addon' : 'bundled, Node fallback';
    console.log(`| ${model} | ${label} | ${r.rps.toFixed(1)} | ${r.cpuMsPerRequest.toFixed(3)} | ${r.requests} | ${r.errors} |`);
  }
}
