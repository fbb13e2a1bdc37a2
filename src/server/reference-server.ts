// The acceptor: one main thread owns the listening socket and every connection (node:http),
// as cheroot's acceptor and connection manager do, and hands each request to a pool worker.
// It also answers the out-of-band endpoints itself (stats, healthz, readyz), so they answer
// while every worker is busy.
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server, type Socket } from 'node:net';
import type { ServerSettings } from '../config/settings.js';
import { AcceptedQueue } from './accepted-queue.js';
import { resolveRoute, type Endpoint, type Route } from './routes.js';
import { parseWorkScale } from './work-scale.js';
import { ServerCounters, buildStatsDocument, type ServerStatsDocument } from './server-stats.js';
import { WorkerPool, type JobCallbacks, type JobSpec, type Slot } from './worker-pool.js';
import { GIL, SLOTF } from './shared-layout.js';
import { answerClientError, rawSimpleResponse } from './client-errors.js';

export interface ReferenceServerOptions {
  /** Where log lines go (stderr in the CLI). */
  log?: (line: string) => void;
  /** How long the worker threads may take to start. */
  readyTimeoutMs?: number;
}

export interface ReferenceServer {
  readonly url: string;
  readonly port: number;
  readonly settings: ServerSettings;
  readonly draining: boolean;
  /** Milliseconds from start() to every worker running. */
  readonly startupMs: number;
  stats(): ServerStatsDocument;
  /**
   * Stops accepting, lets /readyz answer 503 and refuses new requests, and resolves when every
   * accepted request has been answered (true) or when the deadline passes (false).
   */
  drain(deadlineMs: number): Promise<boolean>;
  /** Closes everything at once (workers terminated, connections destroyed). */
  close(): Promise<void>;
}

const OK_BODY = Buffer.from('ok\n');
const SERVER_HEADER = 'cpdiag-serve';

interface ConnState {
  exchange: Exchange | undefined;
  /** socket.bytesRead when the last response finished: more than this = a request has begun. */
  boundary: number;
  requests: number;
}

const CONN = Symbol('cpdiag.conn');
type TrackedSocket = Socket & { [CONN]?: ConnState };

/** One request on its way through the server: queue → worker → response. */
class Exchange implements JobCallbacks {
  slot: Slot | undefined;
  workerDone = false;
  responseDone = false;
  bodyBytes = 0;
  bodyComplete = false;
  bodyAborted = false;
  writePending = false;
  /** We closed the connection ourselves (timeout, 413): not a client disconnect. */
  closedByServer = false;

  constructor(
    readonly server: Acceptor,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly conn: ConnState,
    readonly endpoint: Endpoint,
    readonly job: JobSpec,
    readonly responseBytes: number,
    readonly chunkBytes: number,
  ) {}

  onChunk(slot: Slot): void {
    this.server.writeChunk(this, slot);
  }

  onDone(slot: Slot, status: number): void {
    this.server.finishJob(this, slot, status);
  }
}

class Acceptor implements ReferenceServer {
  readonly counters = new ServerCounters();
  readonly pool: WorkerPool;
  readonly queue: AcceptedQueue<Exchange>;
  readonly http: HttpServer;
  private readonly sockets = new Set<TrackedSocket>();
  private readonly startedAt = performance.now();
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;
  private fill = Buffer.alloc(64 * 1024, 'x');
  /** CPDIAG_WORK_SCALE: multiplies /work's io_ms and cpu_ms (gate power experiments). */
  private readonly workScale = parseWorkScale(process.env);
  private ready = false;
  private drainWaiters: (() => void)[] = [];
  draining = false;
  url = '';
  port = 0;
  startupMs = 0;

  constructor(readonly settings: ServerSettings, opts: ReferenceServerOptions) {
    this.log = opts.log ?? (() => {});
    // socket_timeout 0 would make cheroot's sockets non-blocking; here it means "no timeout".
    this.timeoutMs = Math.round(settings.socket_timeout * 1000);
    this.pool = new WorkerPool(settings.thread_pool, settings.gil, this.log);
    this.queue = new AcceptedQueue<Exchange>(settings.accepted_queue_size, settings.accepted_queue_timeout * 1000);
    this.http = createServer({
      // llhttp counts the request line and headers against this, as cheroot's SizeCheckWrapper.
      maxHeaderSize: settings.max_request_header_size > 0 ? settings.max_request_header_size : 0x7fffffff,
      // Timeouts are socket_timeout's alone (inactivity), handled in onTimeout, as in cheroot:
      // node's own whole-request and whole-head deadlines are off.
      requestTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: this.timeoutMs,
      connectionsCheckingInterval: 2_147_483_647,
    });
    this.http.timeout = this.timeoutMs;
    this.http.on('connection', (socket: TrackedSocket) => this.onConnection(socket));
    this.http.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    this.http.on('timeout', (socket: TrackedSocket) => this.onTimeout(socket));
    this.http.on('clientError', (err: NodeJS.ErrnoException, socket: TrackedSocket) => this.onClientError(err, socket));
  }

  async start(readyTimeoutMs: number): Promise<void> {
    const { socket_host: host, socket_port: port, socket_queue_size: backlog } = this.settings;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      // node treats backlog 0 as "default" (511); the kernel's floor is 1 anyway.
      this.http.listen({ host, port, backlog: Math.max(1, backlog) }, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const address = this.http.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    this.port = address.port;
    this.url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    await this.pool.whenReady(readyTimeoutMs);
    this.startupMs = performance.now() - this.startedAt;
    this.ready = true;
    this.http.on('error', (e) => this.log(`server error: ${e.message}`));
  }

  // ----- connections ------------------------------------------------------------------------

  private onConnection(socket: TrackedSocket): void {
    this.counters.connections++;
    socket[CONN] = { exchange: undefined, boundary: 0, requests: 0 };
    this.sockets.add(socket);
    socket.once('close', () => {
      this.counters.bytesReadClosed += socket.bytesRead;
      this.counters.bytesWrittenClosed += socket.bytesWritten;
      this.sockets.delete(socket);
    });
  }

  private onTimeout(socket: TrackedSocket): void {
    const conn = socket[CONN];
    if (!conn || socket.destroyed) return;
    const ex = conn.exchange;
    if (ex) {
      // A request is in progress: only an inactive *client* ends it. A request waiting in the
      // queue or a handler sleeping in its worker is not the client's fault (cheroot's timeout
      // is on socket operations only).
      const readingBody = ex.slot !== undefined && ex.endpoint === 'upload' && !ex.bodyComplete && !ex.bodyAborted;
      const writingResponse = ex.writePending || (ex.workerDone && ex.res.headersSent && !ex.res.writableFinished);
      if (readingBody || writingResponse) {
        // cheroot (measured, CherryPy 18.8) closes without a response in both cases.
        this.counters.timeoutCloses++;
        ex.closedByServer = true;
        if (ex.slot && !ex.workerDone) this.pool.abandon(ex.slot);
        socket.destroy();
      } else {
        socket.setTimeout(this.timeoutMs);
      }
      return;
    }
    if (conn.requests === 0 || socket.bytesRead > conn.boundary) {
      // Nothing yet on a fresh connection, or a request head begun: cheroot answers 408.
      this.counters.timeout408++;
      socket.end(rawSimpleResponse('408 Request Timeout', '', false));
      socket.destroySoon?.();
    } else {
      // An idle keep-alive connection expires silently (cheroot's connection manager).
      this.counters.timeoutCloses++;
      socket.destroy();
    }
  }

  private onClientError(err: NodeJS.ErrnoException, socket: TrackedSocket): void {
    const conn = socket[CONN];
    const ex = conn?.exchange;
    if (ex && ex.slot && !ex.bodyComplete) this.abortBody(ex);
    const outcome = answerClientError(err, socket, ex?.res.headersSent ?? false);
    switch (outcome) {
      case 'bad_request': this.counters.badRequest400++; break;
      case 'header_too_large': this.counters.headerTooLarge++; break;
      case 'timeout': this.counters.timeout408++; break;
      // With a request in progress its response's close counts the disconnect.
      case 'disconnect': if (!ex) this.counters.clientDisconnects++; break;
      case 'not_implemented': this.counters.badRequest400++; break;
      default: break;
    }
  }

  // ----- requests ---------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket as TrackedSocket;
    const conn = socket[CONN] ?? { exchange: undefined, boundary: 0, requests: 0 };
    conn.requests++;
    const route: Route = resolveRoute(req.url ?? '/', this.counters.accepted, this.workScale);
    switch (route.kind) {
      case 'stats':
        this.counters.outOfBand++;
        this.answer(res, 200, 'application/json', Buffer.from(JSON.stringify(this.stats())));
        req.resume();
        return;
      case 'healthz':
        this.counters.outOfBand++;
        this.answer(res, 200, 'text/plain', OK_BODY);
        req.resume();
        return;
      case 'readyz': {
        this.counters.outOfBand++;
        const ok = this.ready && !this.draining;
        this.answer(res, ok ? 200 : 503, 'text/plain', Buffer.from(ok ? 'ready\n' : this.draining ? 'draining\n' : 'starting\n'));
        req.resume();
        return;
      }
      case 'bad':
        this.counters.badParams++;
        this.answer(res, 400, 'text/plain', Buffer.from(`${route.message}\n`));
        req.resume();
        return;
      case 'job':
        break;
    }
    if (this.draining) {
      this.counters.rejected503++;
      this.answer(res, 503, 'text/plain', Buffer.from('Service Unavailable: draining\n'), true);
      req.resume();
      return;
    }
    this.counters.accepted++;
    const limit = this.settings.max_request_body_size;
    const declared = req.headers['content-length'];
    if (limit > 0 && declared !== undefined && Number(declared) > limit) {
      // cheroot refuses a declared oversize body before reading it.
      this.counters.tooLarge413++;
      this.answer(res, 413, 'text/plain', Buffer.from('The entity sent with the request exceeds the maximum allowed bytes.'), true);
      return;
    }
    const ex = new Exchange(this, req, res, conn, route.endpoint, route.job, route.responseBytes, route.chunkBytes);
    conn.exchange = ex;
    res.once('close', () => this.onResponseClosed(ex));
    const slot = this.pool.acquire();
    if (slot) this.dispatch(ex, slot);
    else this.queue.offer(ex, () => this.rejectFromQueue(ex));
  }

  private rejectFromQueue(ex: Exchange): void {
    this.counters.rejected503++;
    if (!ex.responseDone) {
      ex.closedByServer = true;
      this.answer(ex.res, 503, 'text/plain', Buffer.from('Service Unavailable: the accepted queue is full\n'), true);
    }
    this.checkDrained();
  }

  private dispatch(ex: Exchange, slot: Slot): void {
    ex.slot = slot;
    if (ex.endpoint === 'upload') {
      const limit = this.settings.max_request_body_size;
      ex.req.on('data', (chunk: Buffer) => {
        if (ex.bodyAborted) return;
        ex.bodyBytes += chunk.length;
        if (limit > 0 && ex.bodyBytes > limit) {
          // A chunked body that grows past the limit: 413 and close, as cheroot's ChunkedRFile.
          this.counters.tooLarge413++;
          this.abortBody(ex);
          if (!ex.res.headersSent) {
            ex.closedByServer = true;
            this.answer(ex.res, 413, 'text/plain', Buffer.from('The entity sent with the request exceeds the maximum allowed bytes.'), true);
          }
        }
      });
      ex.req.once('end', () => {
        if (ex.bodyAborted) return;
        ex.bodyComplete = true;
        this.pool.finishBody(slot, true, ex.bodyBytes);
      });
      ex.req.once('close', () => {
        if (!ex.bodyComplete) this.abortBody(ex);
      });
    } else {
      ex.req.resume();
    }
    this.pool.run(slot, ex.job, ex);
    // The client left while the request waited in the queue: the handler still runs (as in
    // cheroot, which cannot know), but there is no body to wait for.
    if (ex.endpoint === 'upload' && ex.responseDone) this.abortBody(ex);
  }

  private abortBody(ex: Exchange): void {
    if (ex.bodyAborted || ex.bodyComplete) return;
    ex.bodyAborted = true;
    if (ex.slot) this.pool.finishBody(ex.slot, false, ex.bodyBytes);
  }

  /** Stream: the worker has a chunk ready. Its ack waits until the socket has taken it. */
  writeChunk(ex: Exchange, slot: Slot): void {
    const res = ex.res;
    if (ex.responseDone || res.destroyed) {
      this.pool.abandon(slot);
      return;
    }
    if (!res.headersSent) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', Server: SERVER_HEADER, ...(this.draining ? { Connection: 'close' } : {}) });
    }
    ex.writePending = true;
    res.write(this.fillOf(ex.chunkBytes), () => {
      ex.writePending = false;
      this.pool.ack(slot);
    });
  }

  finishJob(ex: Exchange, slot: Slot, status: number): void {
    ex.workerDone = true;
    const res = ex.res;
    if (!ex.responseDone && !res.writableEnded && !res.destroyed) {
      if (ex.endpoint === 'stream' && res.headersSent) {
        res.end();
      } else if (status !== 0 && !res.headersSent) {
        this.writeJobResponse(ex, slot, status);
      }
    }
    this.maybeRelease(ex);
    this.checkDrained();
  }

  private writeJobResponse(ex: Exchange, slot: Slot, status: number): void {
    const c = this.counters;
    if (status >= 500) {
      c.errored++;
      this.answer(ex.res, status, 'text/plain', Buffer.from('Internal Server Error\n'));
      return;
    }
    switch (ex.endpoint) {
      case 'work':
        this.answer(ex.res, 200, 'text/plain', ex.responseBytes > 0 ? this.fillOf(ex.responseBytes) : OK_BODY);
        return;
      case 'upload':
        this.answer(ex.res, 200, 'application/json', Buffer.from(`{"bytes":${slot.num[SLOTF.BODY_BYTES]}}\n`));
        return;
      case 'stream':
        this.answer(ex.res, 200, 'application/octet-stream', Buffer.alloc(0));
        return;
      case 'leak_memory':
        c.leakMemoryBytes += Math.round((ex.job.argA ?? 0) * 1024);
        this.answer(ex.res, 200, 'application/json', Buffer.from(`{"retained_bytes":${c.leakMemoryBytes}}\n`));
        return;
      case 'leak_fd':
        c.leakFds++;
        this.answer(ex.res, 200, 'application/json', Buffer.from(`{"fd":${this.pool.result(slot)},"leaked_fds":${c.leakFds}}\n`));
        return;
      case 'leak_thread':
        c.leakThreads++;
        this.pool.spawnLeakThread(c.leakThreads);
        this.answer(ex.res, 200, 'application/json', Buffer.from(`{"leaked_threads":${c.leakThreads}}\n`));
        return;
      case 'not_found':
        this.answer(ex.res, 404, 'text/plain', Buffer.from('Not Found\n'));
        return;
      case 'index':
        this.answer(ex.res, 200, 'text/plain', OK_BODY);
        return;
    }
  }

  private onResponseClosed(ex: Exchange): void {
    ex.responseDone = true;
    const socket = ex.req.socket as TrackedSocket;
    if (ex.conn.exchange === ex) {
      ex.conn.exchange = undefined;
      ex.conn.boundary = socket.bytesRead;
    }
    if (ex.res.writableFinished) {
      this.counters.completed++;
    } else {
      if (!ex.closedByServer) this.counters.clientDisconnects++;
      if (ex.slot && !ex.workerDone) this.pool.abandon(ex.slot);
      else this.abortBody(ex);
    }
    this.maybeRelease(ex);
  }

  /** A slot is free again only when both its thread is done and the response is out. */
  private maybeRelease(ex: Exchange): void {
    const slot = ex.slot;
    if (!slot || !ex.workerDone || !ex.responseDone) return;
    ex.slot = undefined;
    this.pool.release(slot);
    const next = this.queue.take();
    if (next) {
      const free = this.pool.acquire();
      if (free) this.dispatch(next, free);
    }
    if (this.draining) this.checkDrained();
  }

  private answer(res: ServerResponse, status: number, type: string, body: Buffer, close = false): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': body.length, Server: SERVER_HEADER };
    if (close || this.draining) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
  }

  private fillOf(bytes: number): Buffer {
    if (bytes > this.fill.length) this.fill = Buffer.alloc(Math.max(bytes, this.fill.length * 2), 'x');
    return this.fill.subarray(0, bytes);
  }

  // ----- stats and shutdown -----------------------------------------------------------------

  stats(): ServerStatsDocument {
    let read = this.counters.bytesReadClosed;
    let written = this.counters.bytesWrittenClosed;
    for (const s of this.sockets) {
      read += s.bytesRead;
      written += s.bytesWritten;
    }
    return buildStatsDocument({
      counters: this.counters,
      settings: this.settings,
      uptimeS: (performance.now() - this.startedAt) / 1000,
      pid: process.pid,
      workers: this.pool.snapshot(),
      queueDepth: this.queue.depth,
      queueMax: this.queue.maxDepth,
      waitingToEnter: this.queue.waitingToEnter,
      bytesRead: read,
      bytesWritten: written,
      draining: this.draining,
      openConnections: this.sockets.size,
      gilSwitches: Atomics.load(this.pool.gilWords, GIL.SWITCHES),
      cpuConcurrencyMax: Atomics.load(this.pool.gilWords, GIL.CPU_ACTIVE_MAX),
      workScale: this.workScale,
    });
  }

  private get inFlight(): number {
    return this.pool.busyCount + this.queue.depth + this.queue.waitingToEnter;
  }

  private checkDrained(): void {
    if (!this.draining || this.inFlight > 0) return;
    this.http.closeIdleConnections();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  async drain(deadlineMs: number): Promise<boolean> {
    if (!this.draining) {
      this.draining = true;
      this.log(`draining: ${this.inFlight} request(s) in flight, deadline ${deadlineMs / 1000} s`);
      // Stop accepting, but keep idle keep-alive connections open (node's http close() would
      // drop them) so that their next request learns of the drain: /readyz 503, new work 503,
      // both with Connection: close. They are closed once the last request is answered.
      Server.prototype.close.call(this.http);
    }
    if (this.inFlight === 0) {
      this.http.closeIdleConnections();
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), deadlineMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async close(): Promise<void> {
    this.draining = true;
    this.http.close();
    for (const s of this.sockets) s.destroy();
    await this.pool.stop();
  }
}

/** Starts the reference server; resolves once it listens and every worker thread runs. */
export async function startReferenceServer(settings: ServerSettings, opts: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const server = new Acceptor(settings, opts);
  try {
    await server.start(opts.readyTimeoutMs ?? 60_000);
  } catch (e) {
    await server.close().catch(() => {});
    throw e;
  }
  return server;
}
