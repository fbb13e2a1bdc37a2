// Request target → what to do with it. Pure: the acceptor calls it for every request head.
import { OP, type OpCode } from './shared-layout.js';
import { DISTRIBUTIONS, drawWithMean, makeRandom, type Distribution } from './distributions.js';
import type { JobSpec } from './worker-pool.js';

/** Bounds on query parameters, so one request cannot pin a worker for hours or eat the RAM. */
export const PARAM_LIMITS = {
  io_ms: 600_000,
  cpu_ms: 60_000,
  bytes: 100 * 1024 * 1024,
  chunks: 100_000,
  chunk_kb: 1024,
  delay_ms: 60_000,
  kb: 1024 * 1024,
  /** A share of requests, 0..1. */
  fail: 1,
} as const;

export const STATS_PATH = '/_cpdiag/stats';
/** Static files the application serves itself (the proxy's static location takes them over). */
export const STATIC_PREFIX = '/static/';
/** Equal to DEFAULT_STATIC_BYTES in src/proxy/static-files.ts (the server imports nothing of the tool). */
export const STATIC_DEFAULT_BYTES = 16 * 1024;

export type Route =
  | { kind: 'stats' }
  | { kind: 'healthz' }
  /** What the server sees of the client: Host, X-Forwarded-*, the peer address (as an app would log it). */
  | { kind: 'headers' }
  | { kind: 'readyz' }
  /**
   * `fail`: the handler does its work and then fails (an exception in the application): the server
   * answers 500 Internal Server Error, as CherryPy does for an unhandled exception.
   */
  | { kind: 'job'; endpoint: Endpoint; job: JobSpec; responseBytes: number; chunkBytes: number; fail?: boolean }
  | { kind: 'bad'; message: string };

export type Endpoint = 'work' | 'upload' | 'stream' | 'leak_memory' | 'leak_fd' | 'leak_thread' | 'index' | 'not_found';

const ENDPOINT_OPS: Record<string, [Endpoint, OpCode]> = {
  '/': ['index', OP.INDEX],
  '/index': ['index', OP.INDEX],
  '/work': ['work', OP.WORK],
  '/upload': ['upload', OP.UPLOAD],
  '/stream': ['stream', OP.STREAM],
  '/leak/memory': ['leak_memory', OP.LEAK_MEMORY],
  '/leak/fd': ['leak_fd', OP.LEAK_FD],
  '/leak/thread': ['leak_thread', OP.INDEX],
};

class BadParam extends Error {}

function numberParam(query: URLSearchParams | undefined, name: keyof typeof PARAM_LIMITS, fallback: number): number {
  const text = query?.get(name);
  if (text === null || text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new BadParam(`${name}=${text}: expected a number >= 0`);
  if (value > PARAM_LIMITS[name]) throw new BadParam(`${name}=${text}: at most ${PARAM_LIMITS[name]}`);
  return value;
}

/**
 * Whether request number `index` is one of the failing share: exactly ⌊n × share⌋ of the first n
 * requests fail, spread evenly (a share of 0.25 fails every fourth), so a run repeats exactly.
 */
export function failsAt(index: number, share: number): boolean {
  return share > 0 && Math.floor((index + 1) * share) > Math.floor(index * share);
}

/**
 * Maps a request target to a route. `requestIndex` numbers the requests of this server, so a
 * seeded distribution draws the same service times for the same request order.
 */
export function resolveRoute(target: string, requestIndex: number, workScale = 1): Route {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (path === STATS_PATH) return { kind: 'stats' };
  if (path === '/healthz') return { kind: 'healthz' };
  if (path === '/headers') return { kind: 'headers' };
  if (path === '/readyz') return { kind: 'readyz' };
  // /static/<name>: a file served by a worker of the pool, as CherryPy's tools.staticdir does
  // (?bytes= its size, 16 KiB by default — the size cpdiag's proxy writes for that path).
  const isStatic = path.startsWith(STATIC_PREFIX) && path.length > STATIC_PREFIX.length;
  const entry = ENDPOINT_OPS[path] ?? (isStatic ? ENDPOINT_OPS['/work'] : undefined);
  if (!entry) return { kind: 'job', endpoint: 'not_found', job: { op: OP.NOT_FOUND }, responseBytes: 0, chunkBytes: 0 };
  const [endpoint, op] = entry;
  const query = q < 0 ? undefined : new URLSearchParams(target.slice(q + 1));
  try {
    switch (endpoint) {
      case 'work': {
        let ioMs = numberParam(query, 'io_ms', 0);
        let cpuMs = numberParam(query, 'cpu_ms', 0);
        const bytes = numberParam(query, 'bytes', isStatic ? STATIC_DEFAULT_BYTES : 0);
        const distText = query?.get('dist') ?? 'const';
        if (!(DISTRIBUTIONS as readonly string[]).includes(distText)) throw new BadParam(`dist=${distText}: expected one of ${DISTRIBUTIONS.join(', ')}`);
        const dist = distText as Distribution;
        if (dist !== 'const') {
          const seedText = query?.get('seed');
          const seed = seedText ? Number(seedText) : 1;
          if (!Number.isInteger(seed)) throw new BadParam(`seed=${seedText}: expected a whole number`);
          const random = makeRandom(seed + requestIndex);
          ioMs = Math.min(drawWithMean(dist, ioMs, random), PARAM_LIMITS.io_ms);
          cpuMs = Math.min(drawWithMean(dist, cpuMs, random), PARAM_LIMITS.cpu_ms);
        }
        const failShare = numberParam(query, 'fail', 0);
        // workScale (CPDIAG_WORK_SCALE): the one place a slower or faster handler is made.
        return {
          kind: 'job', endpoint, job: { op, ioMs: ioMs * workScale, cpuMs: cpuMs * workScale }, responseBytes: Math.round(bytes), chunkBytes: 0,
          ...(failsAt(requestIndex, failShare) ? { fail: true } : {}),
        };
      }
      case 'stream': {
        const chunks = Math.round(numberParam(query, 'chunks', 10));
        const chunkKb = numberParam(query, 'chunk_kb', 1);
        const delayMs = numberParam(query, 'delay_ms', 10);
        return { kind: 'job', endpoint, job: { op, argA: chunks, argB: chunkKb, argC: delayMs }, responseBytes: 0, chunkBytes: Math.max(1, Math.round(chunkKb * 1024)) };
      }
      case 'leak_memory': {
        const kb = numberParam(query, 'kb', 64);
        return { kind: 'job', endpoint, job: { op, argA: kb }, responseBytes: 0, chunkBytes: 0 };
      }
      default:
        return { kind: 'job', endpoint, job: { op }, responseBytes: 0, chunkBytes: 0 };
    }
  } catch (e) {
    if (e instanceof BadParam) return { kind: 'bad', message: e.message };
    throw e;
  }
}
