// The fork-per-request model ("a forking server" in "Deploying CherryPy: deployment models";
// Python's socketserver.ForkingMixIn): the master only accepts; each connection goes to a new
// process (child_process.fork of fork-child.js, the socket passed as a handle) that serves one
// request and exits. Nothing bounds the number of children: under overload they pile up.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import type { ServerSettings } from '../config/settings.js';
import { parseWorkScale } from './work-scale.js';

const CHILD_URL = new URL('./fork-child.js', import.meta.url);

export interface ForkServer {
  readonly url: string;
  readonly startupMs: number;
  stats(): ForkStats;
  /** Stops accepting; resolves when every child has exited (true) or at the deadline (false). */
  drain(deadlineMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface ForkStats {
  schema: 'cpdiag.server-stats/1';
  pid: number;
  uptime_s: number;
  settings: ServerSettings;
  processes: { live: number; created: number; created_per_s: number };
  connections: { accepted: number };
  requests: { completed: number; errored: number; in_flight: number };
  threads: { total: number; busy: number; idle: number };
}

export async function startForkServer(settings: ServerSettings, log: (line: string) => void): Promise<ForkServer> {
  const startedAt = performance.now();
  const workScale = parseWorkScale(process.env);
  const children = new Set<ChildProcess>();
  let created = 0;
  let completed = 0;
  let errored = 0;
  let accepted = 0;
  let draining = false;
  const waiters: (() => void)[] = [];
  const uptimeS = () => (performance.now() - startedAt) / 1000;
  const stats = (): ForkStats => ({
    schema: 'cpdiag.server-stats/1',
    pid: process.pid,
    uptime_s: uptimeS(),
    settings,
    processes: { live: children.size, created, created_per_s: created / Math.max(uptimeS(), 1e-3) },
    connections: { accepted },
    requests: { completed, errored, in_flight: children.size },
    threads: { total: children.size, busy: children.size, idle: 0 },
  });

  // pauseOnConnect: the master never reads from a connection; the child does.
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (socket: Socket) => {
    accepted++;
    if (draining) {
      socket.destroy();
      return;
    }
    const child = fork(CHILD_URL, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    created++;
    children.add(child);
    child.on('error', (e) => log(`fork-per-request: child failed: ${e.message}`));
    child.once('exit', (code) => {
      children.delete(child);
      if (code === 0) completed++;
      else errored++;
      if (children.size === 0) for (const w of waiters.splice(0)) w();
    });
    // The handle moves to the child; the master's copy is closed once it is sent.
    child.send({ cpdiag: 'serve', workScale, stats: stats() }, socket, (e) => {
      if (e) {
        log(`fork-per-request: cannot hand the connection over: ${e.message}`);
        socket.destroy();
        child.kill();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: settings.socket_host, port: settings.socket_port, backlog: Math.max(1, settings.socket_queue_size) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    startupMs: performance.now() - startedAt,
    stats,
    async drain(deadlineMs) {
      draining = true;
      server.close();
      if (children.size === 0) return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), deadlineMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      draining = true;
      server.close();
      for (const c of children) c.kill('SIGKILL');
    },
  };
}
