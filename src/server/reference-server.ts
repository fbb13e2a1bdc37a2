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
import { WorkerPool, type JobCallbacks, type RequestPool, type Slot } from './worker-pool.js';
import { ThreadPerRequestPool } from './thread-per-request-pool.js';
import { NativeThreadPerRequestPool } from './native-thread-pool.js';
import { fallbackNotice, loadNativeAddon } from './native-addon.js';
import { GIL, SLOTF } from './shared-layout.js';
import { classifyClientError, rawSimpleResponse } from './client-errors.js';
import { checkRequestHead, type Refusal } from './request-checks.js';

export interface ReferenceServerOptions {
  /** Where log lines go (stderr in the CLI). */
  log?: (line: string) => void;
  /** How long the worker threads may take to start. */
  readyTimeoutMs?: number;
  /**
   * process-pool: /_cpdiag/stats answers for the whole pool (the master gathers every process's
   * document); given this process's own document, resolves with the aggregate.
   */
  aggregateStats?: (own: ServerStatsDocument) => Promise<unknown>;
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
/** The serving process, on every response: tells the models apart (fork-per-request, process-pool). */
const PID_HEADER = 'X-Cpdiag-Pid';
/** Pipelined requests parsed ahead of their turn before the connection stops being read. */
const MAX_PIPELINED = 16;
/** Longest a connection stays open after its final answer if the client does not close it. */
const MAX_LINGER_MS = 2_000;
const TOO_LARGE_MESSAGE = 'The entity sent with the request exceeds the maximum allowed bytes.';

/**
 * One client connection. As in cheroot, a connection's requests are served one at a time, in
 * order: node parses pipelined heads ahead, but each waits in `pipeline` until the response
 * before it is out, and only then takes (or queues for) a worker. That keeps responses in order
 * and lets every end of a connection be accounted for in one place (onConnectionClosed).
 */
interface ConnState {
  readonly socket: TrackedSocket;
  /** Requests whose responses are not done yet, in arrival order; [0] is the one being served. */
  pipeline: Exchange[];
  /** A worker slot held by a fresh connection from accept until its first request (cheroot 9). */
  held: Slot | undefined;
  /** Waiting in the accepted queue for a worker. */
  queued: boolean;
  requests: number;
  /** A response that closes the connection is decided: nothing after it is read or answered. */
  closing: boolean;
  /** The parser failed; node may report the same dead parser again (more data, EOF). */
  parseFailed: boolean;
  /** An answer for bytes that were not a request, sent once the responses before it are out. */
  pendingAnswer: Buffer | undefined;
  /**
   * Its request that waited in the queue when the connection ended: it still runs when a worker
   * is free (cheroot's worker would read it from the socket buffer and only fail to write).
   */
  orphan: Exchange | undefined;
  /** Reading paused because too many pipelined requests wait their turn. */
  pipelinePaused: boolean;
  /** socket.bytesRead when the last response finished: more than this = a request has begun. */
  boundary: number;
  ended: boolean;
}

const CONN = Symbol('cpdiag.conn');
type TrackedSocket = Socket & { [CONN]?: ConnState };

/** What the acceptor does with a request once it is the connection's turn. */
type Disposition =
  | { kind: 'refuse'; refusal: Refusal }
  | { kind: 'acceptor'; route: Route }
  | { kind: 'draining' }
  | { kind: 'job'; route: Extract<Route, { kind: 'job' }> };

/** One request on its way through the server: its turn → (queue → worker) → response. */
class Exchange implements JobCallbacks {
  slot: Slot | undefined;
  started = false;
  workerDone = false;
  responseDone = false;
  bodyBytes = 0;
  bodyComplete = false;
  bodyAborted = false;
  writePending = false;
  /** We closed the connection ourselves (timeout, 413): not a client disconnect. */
  closedByServer = false;
  /** Its body failed to parse: the error answer replaced the response. */
  answeredRaw = false;

  constructor(
    readonly server: Acceptor,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly conn: ConnState,
    readonly disposition: Disposition,
    readonly expectContinue: boolean,
  ) {}

  get isJob(): boolean {
    return this.disposition.kind === 'job';
  }

  get endpoint(): Endpoint | undefined {
    return this.disposition.kind === 'job' ? this.disposition.route.endpoint : undefined;
  }

  onChunk(slot: Slot): void {
    this.server.writeChunk(this, slot);
  }

  onDone(slot: Slot, status: number): void {
    this.server.finishJob(this, slot, status);
  }
}

class Acceptor implements ReferenceServer {
  readonly counters = new ServerCounters();
  readonly pool: RequestPool;
  readonly queue: AcceptedQueue<ConnState>;
  readonly http: HttpServer;
  private readonly sockets = new Set<TrackedSocket>();
  private readonly startedAt = performance.now();
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly aggregateStats: ReferenceServerOptions['aggregateStats'];
  private fill = Buffer.alloc(64 * 1024, 'x');
  /**
   * thread-per-request closes each connection after its response: its thread serves one connection
   * and ends, as socketserver.ThreadingMixIn's with an HTTP/1.0 handler (wsgiref's), so a client
   * pays a connect per request there too.
   */
  private readonly closeEach: boolean;
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
    this.closeEach = settings.model === 'thread-per-request';
    this.aggregateStats = opts.aggregateStats;
    this.pool = createPool(settings, this.log);
    this.queue = new AcceptedQueue<ConnState>(settings.accepted_queue_size, settings.accepted_queue_timeout * 1000);
    this.http = createServer({
      // llhttp counts the request line and headers against this, as cheroot's SizeCheckWrapper.
      maxHeaderSize: settings.max_request_header_size > 0 ? settings.max_request_header_size : 0x7fffffff,
      // Timeouts are socket_timeout's alone (inactivity), handled in onTimeout, as in cheroot:
      // node's own whole-request and whole-head deadlines are off, and so is its keep-alive
      // timer (it would expire idle connections at keepAliveTimeout + 1 s, and advertise a
      // Keep-Alive header cheroot does not send).
      requestTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: 0,
      connectionsCheckingInterval: 2_147_483_647,
      // A missing Host is CherryPy's to answer (400, connection kept), counted: see request-checks.
      requireHostHeader: false,
    });
    // A client that half-closes after its requests still gets their responses (cheroot reads
    // to EOF and answers what it read); node would otherwise end the socket at once.
    (this.http as HttpServer & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    this.http.timeout = this.timeoutMs;
    this.http.on('connection', (socket: TrackedSocket) => this.onConnection(socket));
    this.http.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, false));
    // Expect: 100-continue is answered in the request's turn, after the size check (cheroot
    // refuses an oversized body with 413 and no 100); other expectations are ignored, as cheroot.
    this.http.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, true));
    this.http.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, false));
    this.http.on('connect', (req: IncomingMessage, socket: TrackedSocket) => this.onConnect(req, socket));
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
    const conn: ConnState = {
      socket, pipeline: [], held: undefined, queued: false, requests: 0, closing: false,
      parseFailed: false, pendingAnswer: undefined, orphan: undefined, pipelinePaused: false, boundary: 0, ended: false,
    };
    socket[CONN] = conn;
    this.sockets.add(socket);
    socket.once('close', () => this.onConnectionClosed(conn));
    // cheroot 9 hands a fresh connection to a worker at once (or queues it for one): the
    // worker then blocks reading its first request. So does this server: a connection that
    // sends nothing holds a slot until socket_timeout. Workers are only ready after start().
    if (!this.ready) return;
    const slot = this.freeSlot();
    if (slot) this.hold(conn, slot);
    else this.enqueue(conn);
  }

  /** Every way a connection ends comes here: nothing it held may stay held. */
  private onConnectionClosed(conn: ConnState): void {
    const socket = conn.socket;
    conn.ended = true;
    this.counters.bytesReadClosed += socket.bytesRead;
    this.counters.bytesWrittenClosed += socket.bytesWritten;
    this.sockets.delete(socket);
    this.releaseHeld(conn);
    const first = conn.pipeline[0];
    // A request waiting in the queue for a worker still runs (cheroot's worker would read it
    // from the socket buffer and fail only when it writes): keep its place. Otherwise the
    // connection gives up its place.
    if (conn.queued && first && first.isJob && !first.started) conn.orphan = first;
    else this.unqueue(conn);
    // Later pipelined requests were never read by cheroot: they end unanswered, uncounted.
    for (const ex of [...conn.pipeline]) this.responseEnded(ex);
    this.feed();
    this.checkDrained();
  }

  private onTimeout(socket: TrackedSocket): void {
    const conn = socket[CONN];
    if (!conn || socket.destroyed) return;
    const ex = conn.pipeline[0];
    if (conn.queued) {
      // Waiting for a worker is not the client's fault: cheroot's timeout only starts once a
      // worker reads from the socket.
      socket.setTimeout(this.timeoutMs);
      return;
    }
    if (ex && !ex.responseDone) {
      // A request is in progress: only an inactive *client* ends it. A handler sleeping in its
      // worker is not the client's fault (cheroot's timeout is on socket operations only).
      const readingBody = ex.slot !== undefined && ex.endpoint === 'upload' && !ex.bodyComplete && !ex.bodyAborted;
      const writingResponse = ex.writePending || (ex.res.headersSent && !ex.res.writableFinished && (ex.workerDone || !ex.isJob));
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
    if (conn.closing || conn.parseFailed) {
      // The last answer is out; the client did not close its side: close ours.
      socket.destroy();
      return;
    }
    if (conn.held !== undefined || conn.requests === 0 || socket.bytesRead > conn.boundary) {
      // Nothing yet on a fresh connection, or a request head begun: cheroot answers 408.
      this.counters.timeout408++;
      this.releaseHeld(conn);
      this.feed();
      conn.closing = true;
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
    if (!conn) {
      socket.destroy();
      return;
    }
    // llhttp stays failed: every later chunk (and EOF) reports the same error again.
    if (conn.parseFailed) return;
    conn.parseFailed = true;
    const verdict = classifyClientError(err, socket.writable);
    // The error is in the body of the last request whose head arrived, if that body is unfinished.
    const last = conn.pipeline[conn.pipeline.length - 1];
    const inBody = last && !last.req.complete ? last : undefined;
    if (verdict.kind === 'disconnect') {
      // With a request in progress its response's end counts the disconnect.
      if (conn.pipeline.length === 0) this.counters.clientDisconnects++;
      socket.destroy();
      return;
    }
    // After a response that closes the connection cheroot reads nothing more: no answer.
    if (conn.closing) return;
    switch (verdict.outcome) {
      case 'header_too_large': this.counters.headerTooLarge++; break;
      case 'timeout': this.counters.timeout408++; break;
      default: this.counters.badRequest400++; break;
    }
    if (inBody) {
      // The answer replaces that request's response, in its turn.
      inBody.answeredRaw = true;
      if (inBody.slot && !inBody.bodyComplete) this.abortBody(inBody);
      if (inBody.started && inBody.res.headersSent) {
        // Too late for a status line: the error came in the middle of a body we are answering.
        inBody.closedByServer = true;
        socket.destroy();
        return;
      }
      if (inBody === conn.pipeline[0]) {
        inBody.closedByServer = true;
        this.endWith(conn, verdict.response);
      } else {
        conn.pendingAnswer = verdict.response;
        // The requests between are answered first; this one never runs.
        conn.pipeline.splice(conn.pipeline.indexOf(inBody), 1);
        inBody.responseDone = true;
      }
      return;
    }
    conn.pendingAnswer = verdict.response;
    this.advance(conn);
  }

  /** CONNECT: node hands the socket over (no parser any more). CherryPy answers 404 to it. */
  private onConnect(req: IncomingMessage, socket: TrackedSocket): void {
    const conn = socket[CONN];
    // node no longer reads or times this socket out: close it once the answer is out (nothing
    // more will be read from it), and bound it by socket_timeout meanwhile.
    socket.once('timeout', () => socket.destroy());
    socket.once('finish', () => socket.destroy());
    if (!conn || conn.closing) {
      socket.destroy();
      return;
    }
    conn.parseFailed = true;
    conn.requests++;
    this.counters.accepted++;
    this.counters.completed++;
    conn.pendingAnswer = rawSimpleResponse('404 Not Found', `The path '${req.url ?? ''}' was not found.`, true);
    this.advance(conn);
  }

  // ----- requests ---------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    const socket = req.socket as TrackedSocket;
    const conn = socket[CONN];
    // Bytes after a response that closes the connection are never read by cheroot.
    if (!conn || conn.ended || conn.closing || conn.parseFailed) {
      req.resume();
      return;
    }
    conn.requests++;
    const disposition = this.dispose(req);
    const ex = new Exchange(this, req, res, conn, disposition, expectContinue);
    conn.pipeline.push(ex);
    res.once('close', () => this.responseEnded(ex));
    // cheroot reads one request at a time; node parses ahead without bound. Stop reading while
    // many wait their turn, so a flood of pipelined requests cannot pile up objects.
    if (conn.pipeline.length >= MAX_PIPELINED && !conn.pipelinePaused) {
      conn.pipelinePaused = true;
      socket.pause();
    }
    // Connection: close, or HTTP/1.0 without keep-alive: the last request cheroot reads.
    if (!res.shouldKeepAlive || this.closeEach) conn.closing = true;
    if ((disposition.kind === 'refuse' && disposition.refusal.close) || disposition.kind === 'draining') conn.closing = true;
    this.advance(conn);
  }

  /** Decided when the head arrives (so counters and seeded draws follow arrival order). */
  private dispose(req: IncomingMessage): Disposition {
    const check = checkRequestHead({
      method: req.method ?? 'GET', url: req.url ?? '/', versionMajor: req.httpVersionMajor, versionMinor: req.httpVersionMinor,
      headers: req.headers, maxBodyBytes: this.settings.max_request_body_size,
    });
    if (!check.ok) {
      if (check.refusal.counter === 'too_large_413') this.counters.tooLarge413++;
      else this.counters.badRequest400++;
      return { kind: 'refuse', refusal: check.refusal };
    }
    const route = resolveRoute(check.path, this.counters.accepted, this.workScale);
    if (route.kind === 'bad') {
      this.counters.badParams++;
      return { kind: 'acceptor', route };
    }
    if (route.kind !== 'job') {
      this.counters.outOfBand++;
      return { kind: 'acceptor', route };
    }
    if (this.draining) {
      this.counters.rejected503++;
      return { kind: 'draining' };
    }
    this.counters.accepted++;
    return { kind: 'job', route };
  }

  /** Serves the connection's next request if it is its turn; sends a pending answer when none is left. */
  private advance(conn: ConnState): void {
    if (conn.ended) return;
    const ex = conn.pipeline[0];
    if (!ex) {
      if (conn.pendingAnswer) {
        const answer = conn.pendingAnswer;
        conn.pendingAnswer = undefined;
        this.releaseHeld(conn);
        this.unqueue(conn);
        this.feed();
        this.endWith(conn, answer);
      }
      return;
    }
    if (ex.started) return;
    const d = ex.disposition;
    if (d.kind !== 'job') {
      // Answered here, without a worker: a connection's first request is done with the one it held.
      ex.started = true;
      this.releaseHeld(conn);
      this.unqueue(conn);
      this.feed();
      if (d.kind === 'refuse') {
        ex.closedByServer = d.refusal.close;
        if (d.refusal.close) {
          this.endWith(conn, rawSimpleResponse(d.refusal.status, d.refusal.message, d.refusal.closeHeader));
          ex.answeredRaw = true;
          this.responseEnded(ex);
        } else {
          const status = Number(d.refusal.status.slice(0, 3));
          this.answer(ex.res, status, 'text/plain', Buffer.from(d.refusal.message, 'latin1'));
        }
        ex.req.resume();
        return;
      }
      if (ex.expectContinue) ex.res.writeContinue();
      if (d.kind === 'draining') {
        this.answer(ex.res, 503, 'text/plain', Buffer.from('Service Unavailable: draining\n'), true);
      } else {
        this.answerOutOfBand(ex.res, d.route, ex.req);
      }
      ex.req.resume();
      return;
    }
    if (conn.held) {
      const slot = conn.held;
      conn.held = undefined;
      this.dispatch(ex, slot);
      return;
    }
    if (conn.queued) return;
    const slot = this.freeSlot();
    if (slot) this.dispatch(ex, slot);
    else this.enqueue(conn);
  }

  private answerOutOfBand(res: ServerResponse, route: Route, req: IncomingMessage): void {
    switch (route.kind) {
      case 'headers': {
        // What a CherryPy app sees without tools.proxy: request.remote.ip is the peer (the proxy
        // when there is one) and absolute URLs are built from Host; the X-Forwarded-* values are
        // what tools.proxy would use instead.
        const h = req.headers;
        const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v) ?? null;
        const body = {
          host: one(h.host),
          x_forwarded_for: one(h['x-forwarded-for']),
          x_forwarded_host: one(h['x-forwarded-host']),
          x_forwarded_proto: one(h['x-forwarded-proto']),
          x_forwarded_server: one(h['x-forwarded-server']),
          peer_address: req.socket.remoteAddress ?? null,
          peer_port: req.socket.remotePort ?? null,
        };
        this.answer(res, 200, 'application/json', Buffer.from(JSON.stringify(body)));
        return;
      }
      case 'stats':
        if (this.aggregateStats) {
          this.aggregateStats(this.stats()).then(
            (doc) => this.answer(res, 200, 'application/json', Buffer.from(JSON.stringify(doc))),
            (e: Error) => this.answer(res, 500, 'text/plain', Buffer.from(`stats: ${e.message}\n`)),
          );
        } else {
          this.answer(res, 200, 'application/json', Buffer.from(JSON.stringify(this.stats())));
        }
        return;
      case 'healthz':
        this.answer(res, 200, 'text/plain', OK_BODY);
        return;
      case 'readyz': {
        const ok = this.ready && !this.draining;
        this.answer(res, ok ? 200 : 503, 'text/plain', Buffer.from(ok ? 'ready\n' : this.draining ? 'draining\n' : 'starting\n'));
        return;
      }
      case 'bad':
        this.answer(res, 400, 'text/plain', Buffer.from(`${route.message}\n`));
        return;
      case 'job':
        return;
    }
  }

  // ----- slots and the queue ----------------------------------------------------------------

  /** A free slot, but only when nobody waits: a waiting connection is served first (FIFO). */
  private freeSlot(): Slot | undefined {
    if (this.queue.depth > 0 || this.queue.waitingToEnter > 0) return undefined;
    return this.pool.acquire();
  }

  private hold(conn: ConnState, slot: Slot): void {
    conn.held = slot;
    this.pool.hold(slot);
    // cheroot's worker starts its socket_timeout read now.
    conn.socket.setTimeout(this.timeoutMs);
  }

  private releaseHeld(conn: ConnState): void {
    const slot = conn.held;
    if (!slot) return;
    conn.held = undefined;
    this.pool.release(slot);
  }

  private enqueue(conn: ConnState): void {
    conn.queued = true;
    this.queue.offer(conn, () => this.rejectFromQueue(conn));
  }

  private unqueue(conn: ConnState): void {
    if (!conn.queued) return;
    conn.queued = false;
    this.queue.remove(conn);
  }

  /** Hands free slots to waiting connections, oldest first. */
  private feed(): void {
    while (this.queue.depth > 0) {
      const slot = this.pool.acquire();
      if (!slot) return;
      const conn = this.queue.take()!;
      conn.queued = false;
      const ex = conn.pipeline[0] ?? conn.orphan;
      conn.orphan = undefined;
      if (ex && ex.isJob && !ex.started) this.dispatch(ex, slot);
      else if (!conn.ended) this.hold(conn, slot);
      else this.pool.release(slot);
    }
  }

  private rejectFromQueue(conn: ConnState): void {
    conn.queued = false;
    this.counters.rejected503++;
    const ex = conn.pipeline[0];
    if (ex && !ex.started) {
      // Its request still counts as accepted but will never run.
      ex.started = true;
      ex.closedByServer = true;
      this.answer(ex.res, 503, 'text/plain', Buffer.from('Service Unavailable: the accepted queue is full\n'), true);
    } else if (!conn.ended) {
      this.endWith(conn, rawSimpleResponse('503 Service Unavailable', 'Service Unavailable: the accepted queue is full\n', true));
    }
    conn.closing = true;
    this.checkDrained();
  }

  private dispatch(ex: Exchange, slot: Slot): void {
    if (ex.disposition.kind !== 'job') return;
    const route = ex.disposition.route;
    ex.started = true;
    ex.slot = slot;
    if (ex.expectContinue && !ex.responseDone) ex.res.writeContinue();
    if (route.endpoint === 'upload') {
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
            ex.conn.closing = true;
            this.answer(ex.res, 413, 'text/plain', Buffer.from(TOO_LARGE_MESSAGE), true);
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
    this.pool.run(slot, route.job, ex);
    // The client left while the request waited in the queue: the handler still runs (as in
    // cheroot, which cannot know), but there is no body to wait for.
    if (route.endpoint === 'upload' && ex.responseDone) this.abortBody(ex);
  }

  private abortBody(ex: Exchange): void {
    if (ex.bodyAborted || ex.bodyComplete) return;
    ex.bodyAborted = true;
    if (ex.slot) this.pool.finishBody(ex.slot, false, ex.bodyBytes);
  }

  /** Stream: the worker has a chunk ready. Its ack waits until the socket has taken it. */
  writeChunk(ex: Exchange, slot: Slot): void {
    const res = ex.res;
    if (ex.responseDone || res.destroyed || ex.answeredRaw) {
      this.pool.abandon(slot);
      return;
    }
    if (!res.headersSent) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', Server: SERVER_HEADER, [PID_HEADER]: process.pid, ...(this.draining || this.closeEach ? { Connection: 'close' } : {}) });
    }
    ex.writePending = true;
    res.write(this.fillOf(ex.disposition.kind === 'job' ? ex.disposition.route.chunkBytes : 1), () => {
      ex.writePending = false;
      this.pool.ack(slot);
    });
  }

  finishJob(ex: Exchange, slot: Slot, status: number): void {
    ex.workerDone = true;
    const res = ex.res;
    if (!ex.responseDone && !ex.answeredRaw && !res.writableEnded && !res.destroyed) {
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
    if (ex.disposition.kind !== 'job') return;
    const route = ex.disposition.route;
    const c = this.counters;
    // route.fail: the application's own failure after its work (the handler raised).
    if (status >= 500 || route.fail) {
      c.errored++;
      this.answer(ex.res, status >= 500 ? status : 500, 'text/plain', Buffer.from('Internal Server Error\n'));
      return;
    }
    switch (route.endpoint) {
      case 'work':
        this.answer(ex.res, 200, 'text/plain', route.responseBytes > 0 ? this.fillOf(route.responseBytes) : OK_BODY);
        return;
      case 'upload':
        this.answer(ex.res, 200, 'application/json', Buffer.from(`{"bytes":${slot.num[SLOTF.BODY_BYTES]}}\n`));
        return;
      case 'stream':
        this.answer(ex.res, 200, 'application/octet-stream', Buffer.alloc(0));
        return;
      case 'leak_memory':
        c.leakMemoryBytes += Math.round((route.job.argA ?? 0) * 1024);
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

  /**
   * A request's response is over: written (res 'close' after 'finish'), cut off (the socket
   * closed under it), or never to be written (its connection ended first). Idempotent.
   */
  private responseEnded(ex: Exchange): void {
    if (ex.responseDone) return;
    ex.responseDone = true;
    const conn = ex.conn;
    const i = conn.pipeline.indexOf(ex);
    if (i >= 0) conn.pipeline.splice(i, 1);
    conn.boundary = conn.socket.bytesRead;
    if (ex.isJob && ex.started) {
      if (ex.res.writableFinished && !ex.answeredRaw) {
        this.counters.completed++;
      } else {
        if (!ex.closedByServer && !ex.answeredRaw) this.counters.clientDisconnects++;
        if (ex.slot && !ex.workerDone) this.pool.abandon(ex.slot);
        else this.abortBody(ex);
      }
    } else if (ex.isJob && i === 0 && !ex.closedByServer) {
      // The client left while its request waited for a worker.
      this.counters.clientDisconnects++;
    }
    if (conn.pipelinePaused && conn.pipeline.length <= MAX_PIPELINED / 2 && !conn.ended) {
      conn.pipelinePaused = false;
      conn.socket.resume();
    }
    const slot = this.releasable(ex);
    if (slot) this.pool.release(slot);
    // The connection's next request goes behind those already waiting, as cheroot's put_conn
    // requeues a connection with buffered data before its worker takes the next from the queue.
    this.advance(conn);
    if (slot) this.feed();
    if (this.draining) this.checkDrained();
  }

  /** A slot is free again only when both its thread is done and the response is out. */
  private releasable(ex: Exchange): Slot | undefined {
    const slot = ex.slot;
    if (!slot || !ex.workerDone || !ex.responseDone) return undefined;
    ex.slot = undefined;
    return slot;
  }

  private maybeRelease(ex: Exchange): void {
    const slot = this.releasable(ex);
    if (!slot) return;
    this.pool.release(slot);
    this.feed();
    if (this.draining) this.checkDrained();
  }

  /** Sends a final answer on the raw socket and closes after it: nothing may follow. */
  private endWith(conn: ConnState, bytes: Buffer): void {
    conn.closing = true;
    const socket = conn.socket;
    if (socket.destroyed || socket.writableEnded) return;
    // Half-close and let the client read the answer and close first (closing at once with its
    // unread bytes in our buffer would send a reset that can destroy the answer); a client that
    // keeps the connection open, or keeps sending, is cut off after a short linger.
    socket.end(bytes);
    const lingerMs = this.timeoutMs > 0 ? Math.min(this.timeoutMs, MAX_LINGER_MS) : MAX_LINGER_MS;
    socket.once('finish', () => setTimeout(() => socket.destroy(), lingerMs).unref());
  }

  private answer(res: ServerResponse, status: number, type: string, body: Buffer, close = false): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': body.length, Server: SERVER_HEADER, [PID_HEADER]: process.pid };
    if (close || this.draining || this.closeEach) headers.Connection = 'close';
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
      ...(this.settings.model === 'thread-per-request' ? { native: this.pool.native === true } : {}),
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
      // Connections that have sent nothing yet hold (or wait for) a worker but will get no work
      // now: close them, as cheroot's stop() does, so they do not hold the drain up.
      for (const socket of this.sockets) {
        const conn = socket[CONN];
        if (!conn || conn.pipeline.length > 0 || (!conn.held && !conn.queued)) continue;
        this.releaseHeld(conn);
        this.unqueue(conn);
        socket.destroy();
      }
      this.feed();
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

/**
 * The threads that run requests, by model: a fixed pool (thread-pool; each process of a
 * process-pool), one thread that serves one request at a time (single), or a new thread per
 * connection (thread-per-request).
 */
function createPool(settings: ServerSettings, log: (line: string) => void): RequestPool {
  if (settings.model === 'thread-per-request') {
    const native = loadNativeAddon();
    if (native.addon) return new NativeThreadPerRequestPool(native.addon, settings.gil, log);
    log(fallbackNotice('thread-per-request', 'a Node worker thread (a V8 isolate)', native.reason));
    return new ThreadPerRequestPool(settings.gil, log);
  }
  return new WorkerPool(settings.model === 'single' ? 1 : settings.thread_pool, settings.gil, log);
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
