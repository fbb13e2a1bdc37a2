// Slow clients on raw sockets, run beside the main load for socket_timeout experiments: a slow
// uploader (body trickled at upload_bytes_per_s), a slow reader (response read at
// read_bytes_per_s with the socket paused in between), or an idle keep-alive holder. A thread-
// pool server holds a worker for each of them while they dawdle; a server whose socket timeout is
// shorter than their pauses cuts them off, and that is what gets counted here.
import net from 'node:net';
import type { ErrorKind } from './error-kind.js';
import type { RequestSpec, SlowClientSpec } from './load-plan.js';
import type { LoadResult } from './load-result.js';
import { classifyError, httpErrorKind, isSuccessStatus } from './error-kind.js';
import { requestBody } from './mix.js';
import { ResponseReader } from './response-reader.js';

export type SlowClientOutcome = NonNullable<LoadResult['slow_clients']>;

export interface SlowClientGroup {
  count: number;
  spec: SlowClientSpec;
  request: RequestSpec;
}

/**
 * Slow transfers move this share of a second's bytes at a time: the gap between two writes (or
 * reads) is chunk / rate, e.g. 100 ms at 100 B/s, and 1 s at 1 B/s (chunks are at least 1 byte).
 * The gap is what a server's per-socket timeout compares against.
 */
export const SLOW_CHUNK_SHARE_OF_SECOND = 0.1;
/** Default body of a slow upload when the request names none. */
export const SLOW_UPLOAD_DEFAULT_BYTES = 1024;
/** A hard cap besides the phase's end (a spec with no slow part would otherwise loop at full speed). */
const MAX_ATTEMPTS_PER_CLIENT = 100_000;
/** Pause between attempts, so that a refusing server is not hammered in a tight loop. */
const RETRY_PAUSE_MS = 20;

export function slowChunk(bytesPerS: number): { bytes: number; gapMs: number } {
  const bytes = Math.max(1, Math.round(bytesPerS * SLOW_CHUNK_SHARE_OF_SECOND));
  return { bytes, gapMs: (bytes / bytesPerS) * 1000 };
}

type AttemptResult = { ok: true } | { ok: false; kind: ErrorKind } | { cancelled: true };

function buildHead(url: URL, req: RequestSpec, bodyLength: number): Buffer {
  const lines = [`${req.method.toUpperCase()} ${req.path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: keep-alive'];
  for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`${k}: ${v}`);
  if (bodyLength > 0) lines.push(`Content-Length: ${bodyLength}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

/** One slow request (and, for idle holders, the hold and a second request on the same socket). */
function attemptOnce(url: URL, group: SlowClientGroup, endMs: number, now: () => number, stopSignal: AbortSignal): Promise<AttemptResult> {
  const { spec, request } = group;
  let body = requestBody(request);
  if (spec.upload_bytes_per_s && !body) body = Buffer.alloc(SLOW_UPLOAD_DEFAULT_BYTES, 'x');
  const head = buildHead(url, request, body?.length ?? 0);
  const method = request.method.toUpperCase();

  return new Promise<AttemptResult>((resolve) => {
    const timers = new Set<NodeJS.Timeout>();
    let settled = false;
    let reader = new ResponseReader(method);
    let phase: 'request' | 'hold' | 'second' = 'request';
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) });

    const later = (fn: () => void, ms: number): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const settle = (r: AttemptResult): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      clearTimeout(endTimer);
      stopSignal.removeEventListener('abort', onStop);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(r);
    };
    const onStop = (): void => settle({ cancelled: true });
    // Bounded by the phase: whatever is still under way at the end is cancelled, not failed.
    const endTimer = setTimeout(onStop, Math.max(0, endMs - now()));
    stopSignal.addEventListener('abort', onStop, { once: true });

    const onResponseComplete = (): void => {
      const status = reader.head!.status;
      if (!isSuccessStatus(status)) return settle({ ok: false, kind: httpErrorKind(status) });
      if (spec.idle_hold_s && phase === 'request' && reader.head!.keepAlive) {
        // Hold the keep-alive connection idle; a server that expires it closes on us.
        phase = 'hold';
        later(() => {
          phase = 'second';
          reader = new ResponseReader(method);
          socket.write(head);
          if (body) socket.write(body);
        }, spec.idle_hold_s * 1000);
        return;
      }
      settle({ ok: true });
    };

    const feed = (chunk: Buffer): void => {
      if (settled) return;
      if (phase === 'hold') return settle({ ok: false, kind: 'other' }); // unsolicited bytes
      if (reader.push(chunk)) onResponseComplete();
      else if (reader.malformed) settle({ ok: false, kind: 'other' });
    };

    socket.on('error', (err) => settle({ ok: false, kind: classifyError(err) }));
    socket.on('close', () => {
      if (settled) return;
      if (phase !== 'hold' && reader.end()) return onResponseComplete();
      settle({ ok: false, kind: 'closed' });
    });

    if (spec.read_bytes_per_s) {
      // Paused mode: take at most one chunk per gap; the kernel buffers fill and TCP flow
      // control pushes back on the server, as a slow network reader would.
      const { bytes, gapMs } = slowChunk(spec.read_bytes_per_s);
      socket.pause();
      const readSome = (): void => {
        if (settled) return;
        const available = socket.readableLength;
        if (available > 0) {
          const chunk = socket.read(Math.min(bytes, available)) as Buffer | null;
          if (chunk) feed(chunk);
        }
        if (!settled) later(readSome, gapMs);
      };
      socket.on('readable', () => undefined); // keeps the stream pulling into its buffer
      later(readSome, gapMs);
    } else {
      socket.on('data', feed);
    }

    socket.once('connect', () => {
      socket.write(head);
      if (!body) return;
      if (!spec.upload_bytes_per_s) {
        socket.write(body);
        return;
      }
      const { bytes, gapMs } = slowChunk(spec.upload_bytes_per_s);
      let offset = 0;
      const writeSome = (): void => {
        if (settled || socket.destroyed) return;
        socket.write(body!.subarray(offset, offset + bytes));
        offset += bytes;
        if (offset < body!.length) later(writeSome, gapMs);
      };
      later(writeSome, gapMs);
    });
  });
}

/**
 * Runs every group's slow clients until endMs (or stop). Each client repeats its slow request on
 * a fresh connection; attempts cut short by the end of the phase are not counted.
 */
export async function runSlowClients(
  url: URL,
  groups: SlowClientGroup[],
  endMs: number,
  now: () => number,
  stopSignal: AbortSignal,
): Promise<SlowClientOutcome> {
  const outcome: SlowClientOutcome = { attempted: 0, completed: 0, failed: 0, by_kind: {} };
  const loops: Promise<void>[] = [];
  for (const group of groups) {
    for (let i = 0; i < group.count; i++) {
      loops.push(
        (async () => {
          for (let n = 0; n < MAX_ATTEMPTS_PER_CLIENT && !stopSignal.aborted && now() < endMs; n++) {
            const r = await attemptOnce(url, group, endMs, now, stopSignal);
            if ('cancelled' in r) break;
            outcome.attempted++;
            if (r.ok) {
              outcome.completed++;
            } else {
              outcome.failed++;
              outcome.by_kind[r.kind] = (outcome.by_kind[r.kind] ?? 0) + 1;
              await new Promise((res) => setTimeout(res, Math.min(RETRY_PAUSE_MS, Math.max(0, endMs - now()))));
            }
          }
        })(),
      );
    }
  }
  await Promise.all(loops);
  return outcome;
}
