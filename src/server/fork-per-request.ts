// The fork-per-request model ("a forking server" in "Deploying CherryPy: deployment models";
// Python's socketserver.ForkingMixIn): the master accepts; each connection's request is served
// by a new process that exits after it. Nothing bounds the number of children: under overload
// they pile up.
// With the native addon the master forks itself (fork(): the warm process, copy-on-write, as
// os.fork in CPython): it reads the request (node:http) and builds the response, the child does
// the handler's work, writes the response with its own pid, closes and exits; the master reaps
// its children on a short timer. CPython's child reads the request itself: the same few µs of
// parsing, done before the fork here. Without the addon (the fallback) each connection goes to a
// new node process (child_process.fork of fork-child.js, the socket passed as a handle), which
// pays a process start and module load per request.
import { fork, type ChildProcess } from 'node:child_process';
import { STATUS_CODES, createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { ServerSettings } from '../config/settings.js';
import { forkAnswer } from './fork-answer.js';
import { fallbackNotice, loadNativeAddon, type NativeAddon } from './native-addon.js';
import { resolveRoute } from './routes.js';
import { parseWorkScale } from './work-scale.js';

const CHILD_URL = new URL('./fork-child.js', import.meta.url);
/** How often the master reaps exited children while any live (CPython's ForkingMixIn reaps between requests and every 0.5 s). */
const REAP_INTERVAL_MS = 5;

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
  /** The children are fork()s of this process (the native addon), not new node processes. */
  native: boolean;
  settings: ServerSettings;
  processes: { live: number; created: number; created_per_s: number };
  connections: { accepted: number };
  requests: { completed: number; errored: number; in_flight: number };
  threads: { total: number; busy: number; idle: number };
}

/** The children, however they were made: counted, awaited on drain, killed on close. */
class Children {
  private readonly live = new Map<number | ChildProcess, () => void>();
  private readonly waiters: (() => void)[] = [];
  created = 0;
  completed = 0;
  errored = 0;

  get size(): number {
    return this.live.size;
  }

  add(key: number | ChildProcess, kill: () => void): void {
    this.created++;
    this.live.set(key, kill);
  }

  exited(key: number | ChildProcess, code: number | null): void {
    if (!this.live.delete(key)) return;
    if (code === 0) this.completed++;
    else this.errored++;
    if (this.live.size === 0) for (const w of this.waiters.splice(0)) w();
  }

  whenNone(): Promise<void> {
    return this.live.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  killAll(): void {
    for (const kill of this.live.values()) kill();
  }
}

/** The response bytes, with the offset where the child inserts its X-Cpdiag-Pid header. */
function responseBytes(status: number, type: string, body: string | Buffer): { bytes: Buffer; pidAt: number } {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const before = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${type}\r\nContent-Length: ${payload.length}\r\nServer: cpdiag-serve\r\nDate: ${new Date().toUTCString()}\r\n`;
  const head = Buffer.from(`${before}Connection: close\r\n\r\n`, 'latin1');
  return { bytes: Buffer.concat([head, payload]), pidAt: Buffer.byteLength(before, 'latin1') };
}

/** The native master: node:http reads the request; a fork() of this process answers it. */
function nativeServer(addon: NativeAddon, children: Children, workScale: number, stats: () => ForkStats, log: (line: string) => void): Server {
  let reaper: NodeJS.Timeout | undefined;
  const reap = () => {
    const flat = addon.forkReap();
    for (let i = 0; i + 1 < flat.length; i += 2) children.exited(flat[i], flat[i + 1]);
    if (children.size === 0 && reaper) {
      clearInterval(reaper);
      reaper = undefined;
    }
  };
  const http = createHttpServer({ noDelay: true }, (req: IncomingMessage) => {
    const socket = req.socket;
    // A request pipelined behind the first: the child serves one request and closes, as the fallback's.
    if (socket.destroyed) return;
    const fd = (socket as Socket & { _handle?: { fd?: number } })._handle?.fd;
    const a = forkAnswer(resolveRoute(req.url ?? '/', 0, workScale), stats());
    const { bytes, pidAt } = responseBytes(a.status, a.type, a.body);
    try {
      if (typeof fd !== 'number' || fd < 0) throw new Error('the connection has no file descriptor');
      const pid = addon.forkServe(fd, a.ioMs, a.cpuMs, bytes, pidAt);
      children.add(pid, () => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch { /* already gone */ }
      });
      reaper ??= setInterval(reap, REAP_INTERVAL_MS);
    } catch (e) {
      log(`fork-per-request: cannot fork: ${(e as Error).message}`);
      children.errored++;
    }
    // The child has its own copy of the connection: closing ours sends nothing (the child's
    // shutdown sends the FIN after the response).
    socket.destroy();
  });
  return http;
}

/** The fallback master: a new node process per connection, the socket passed as a handle. */
function fallbackServer(children: Children, workScale: number, stats: () => ForkStats, log: (line: string) => void): Server {
  // pauseOnConnect: the master never reads from a connection; the child does.
  return createServer({ pauseOnConnect: true, noDelay: true }, (socket: Socket) => {
    const child = fork(CHILD_URL, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.add(child, () => child.kill('SIGKILL'));
    child.on('error', (e) => log(`fork-per-request: child failed: ${e.message}`));
    child.once('exit', (code) => children.exited(child, code));
    // The handle moves to the child; the master's copy is closed once it is sent.
    child.send({ cpdiag: 'serve', workScale, stats: stats() }, socket, (e) => {
      if (e) {
        log(`fork-per-request: cannot hand the connection over: ${e.message}`);
        socket.destroy();
        child.kill();
      }
    });
  });
}

export async function startForkServer(settings: ServerSettings, log: (line: string) => void): Promise<ForkServer> {
  const startedAt = performance.now();
  const workScale = parseWorkScale(process.env);
  const native = loadNativeAddon();
  if (!native.addon) log(fallbackNotice('fork-per-request', 'a new node process (child_process.fork)', native.reason));
  const children = new Children();
  let accepted = 0;
  let draining = false;
  const uptimeS = () => (performance.now() - startedAt) / 1000;
  const stats = (): ForkStats => ({
    schema: 'cpdiag.server-stats/1',
    pid: process.pid,
    uptime_s: uptimeS(),
    native: native.addon !== undefined,
    settings,
    processes: { live: children.size, created: children.created, created_per_s: children.created / Math.max(uptimeS(), 1e-3) },
    connections: { accepted },
    requests: { completed: children.completed, errored: children.errored, in_flight: children.size },
    threads: { total: children.size, busy: children.size, idle: 0 },
  });
  const server = native.addon ? nativeServer(native.addon, children, workScale, stats, log) : fallbackServer(children, workScale, stats, log);
  // Counted before either handler sees the connection; one that comes while draining is closed.
  server.prependListener('connection', (socket: Socket) => {
    accepted++;
    if (draining) socket.destroy();
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
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
      const drained = await Promise.race([children.whenNone().then(() => true), deadline]);
      clearTimeout(timer);
      return drained;
    },
    async close() {
      draining = true;
      server.close();
      children.killAll();
    },
  };
}
