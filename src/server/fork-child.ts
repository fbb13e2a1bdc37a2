// The child of the fork-per-request model's fallback (no native addon): receives one accepted
// connection from the master, serves its one request (Connection: close) and exits. Its whole
// life (process start, module load, the request, exit) is the fallback's real cost per request.
import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ThreadCpuClock, burnCpu } from './cpu-burn.js';
import { forkAnswer } from './fork-answer.js';
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

process.on('message', (m: ForkJob, socket: Socket | undefined) => {
  if (m?.cpdiag !== 'serve' || !socket) return;
  const http = createServer((req, res) => {
    res.once('close', () => process.exit(0));
    req.resume();
    const a = forkAnswer(resolveRoute(req.url ?? '/', 0, m.workScale), m.stats);
    const work = a.ioMs > 0 ? new Promise((r) => setTimeout(r, a.ioMs)) : Promise.resolve();
    work.then(() => {
      if (a.cpuMs > 0) burnCpu(a.cpuMs, new ThreadCpuClock(), undefined);
      answer(res, a.status, a.type, a.body);
    }).catch(() => answer(res, 500, 'text/plain', 'Internal Server Error\n'));
  });
  socket.once('close', () => process.exit(0));
  http.emit('connection', socket);
  socket.resume();
});
