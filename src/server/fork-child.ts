// The child of the fork-per-request model: receives one accepted connection from the master,
// serves its one request (Connection: close) and exits. Its whole life (process start, module
// load, the request, exit) is the model's real cost per request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ThreadCpuClock, burnCpu } from './cpu-burn.js';
import { resolveRoute } from './routes.js';

interface ForkJob {
  cpdiag: 'serve';
  workScale: number;
  /** The master's stats at the fork: /_cpdiag/stats answers them (a child has none of its own). */
  stats: unknown;
}

function answer(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Server: 'cpdiag-serve', 'X-Cpdiag-Pid': process.pid, Connection: 'close' });
  res.end(body);
}

async function serve(job: ForkJob, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = resolveRoute(req.url ?? '/', 0, job.workScale);
  req.resume();
  switch (route.kind) {
    case 'stats': return answer(res, 200, 'application/json', JSON.stringify(job.stats));
    case 'healthz': return answer(res, 200, 'text/plain', 'ok\n');
    case 'readyz': return answer(res, 200, 'text/plain', 'ready\n');
    case 'bad': return answer(res, 400, 'text/plain', `${route.message}\n`);
    case 'headers': return answer(res, 501, 'text/plain', '/headers is not served by the fork-per-request model\n');
    case 'job': break;
  }
  if (route.endpoint === 'not_found') return answer(res, 404, 'text/plain', 'Not Found\n');
  if (route.endpoint !== 'work' && route.endpoint !== 'index') return answer(res, 501, 'text/plain', `${route.endpoint} is not served by the fork-per-request model\n`);
  const { ioMs = 0, cpuMs = 0 } = route.job;
  if (ioMs > 0) await new Promise((r) => setTimeout(r, ioMs));
  // One process, one thread: nothing to share a GIL with.
  if (cpuMs > 0) burnCpu(cpuMs, new ThreadCpuClock(), undefined);
  // fail=1: the handler raised after its work (a fork has no request number, so only a share of 1 fails every time).
  if (route.fail) return answer(res, 500, 'text/plain', 'Internal Server Error\n');
  answer(res, 200, 'text/plain', route.responseBytes > 0 ? Buffer.alloc(route.responseBytes, 'x') : 'ok\n');
}

process.on('message', (m: ForkJob, socket: Socket | undefined) => {
  if (m?.cpdiag !== 'serve' || !socket) return;
  const http = createServer((req, res) => {
    res.once('close', () => process.exit(0));
    serve(m, req, res).catch(() => answer(res, 500, 'text/plain', 'Internal Server Error\n'));
  });
  socket.once('close', () => process.exit(0));
  http.emit('connection', socket);
  socket.resume();
});
