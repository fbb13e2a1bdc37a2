// A raw HTTP/1.1 client for protocol tests: sends exactly the bytes given (in steps, with
// pauses), collects everything the server sends until it closes or a deadline passes, and
// splits what came back into responses. No client library would send the malformed or
// pipelined bytes these tests need, nor show a response that should not have come.
import { connect } from 'node:net';

export interface RawStep {
  data: string | Buffer;
  /** Pause before sending this step. */
  delayMs?: number;
}

export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The whole body arrived (by Content-Length, chunked end, or the close that delimits it). */
  complete: boolean;
}

export interface RawOutcome {
  responses: ParsedResponse[];
  /** Bytes after the last response that are not a response (a server bug if any). */
  garbage: string;
  /** The server closed (FIN or reset) before the wait ran out. */
  closed: boolean;
  /** When the server closed, from the last step sent; undefined if it did not. */
  closeMs: number | undefined;
  raw: Buffer;
}

export interface RawExchangeOptions {
  /** How long to wait after the last step for more bytes or a close. */
  waitMs?: number;
  /** Stop waiting once this many final (non-1xx) responses have arrived and the server is quiet for quietMs. */
  expectResponses?: number;
  quietMs?: number;
}

/** Sends the steps on one fresh loopback connection; resolves with what came back. */
export function rawSteps(url: string, steps: RawStep[], opts: RawExchangeOptions = {}): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  const waitMs = opts.waitMs ?? 1500;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let lastSentAt = 0;
    let closedAt: number | undefined;
    let done = false;
    let waitTimer: NodeJS.Timeout | undefined;
    let quietTimer: NodeJS.Timeout | undefined;
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(waitTimer);
      clearTimeout(quietTimer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const { responses, garbage } = splitResponses(raw, closedAt !== undefined);
      resolve({ responses, garbage, closed: closedAt !== undefined, closeMs: closedAt === undefined ? undefined : closedAt - lastSentAt, raw });
    };
    const onClosed = () => {
      if (closedAt === undefined) closedAt = performance.now();
      finish();
    };
    socket.on('data', (b: Buffer) => {
      chunks.push(b);
      if (opts.expectResponses !== undefined) {
        const final = splitResponses(Buffer.concat(chunks), false).responses.filter((r) => r.status >= 200 && r.complete).length;
        if (final >= opts.expectResponses) {
          clearTimeout(quietTimer);
          quietTimer = setTimeout(finish, opts.quietMs ?? 150);
        }
      }
    });
    socket.on('end', onClosed);
    socket.on('close', onClosed);
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (chunks.length === 0 && lastSentAt === 0) {
        done = true;
        reject(e);
      } else onClosed();
    });
    socket.once('connect', async () => {
      for (const step of steps) {
        if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
        if (done || socket.destroyed) break;
        if (step.data.length > 0) socket.write(step.data);
        lastSentAt = performance.now();
      }
      if (lastSentAt === 0) lastSentAt = performance.now();
      if (!done) waitTimer = setTimeout(finish, waitMs);
    });
  });
}

/**
 * Splits a byte stream from a server into HTTP/1.x responses: status line, headers, then a
 * body delimited by Content-Length, chunked coding, or (neither) the close. What follows the
 * last response and does not parse as one is returned as garbage.
 */
export function splitResponses(raw: Buffer, closed: boolean): { responses: ParsedResponse[]; garbage: string } {
  const responses: ParsedResponse[] = [];
  let at = 0;
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at, 'latin1');
    const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(at, Math.min(raw.length, at + 16)).toString('latin1'));
    if (!statusMatch || headEnd < 0) break;
    const lines = raw.subarray(at, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusMatch[1]);
    let bodyAt = headEnd + 4;
    if (status < 200 || status === 204 || status === 304) {
      responses.push({ status, headers, body: Buffer.alloc(0), complete: true });
      at = bodyAt;
      continue;
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      const end = bodyAt + length;
      responses.push({ status, headers, body: raw.subarray(bodyAt, Math.min(end, raw.length)), complete: end <= raw.length });
      at = Math.min(end, raw.length);
      continue;
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', bodyAt, 'latin1');
        if (lineEnd < 0) break;
        const size = parseInt(raw.subarray(bodyAt, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size)) break;
        if (size === 0) {
          const trailerEnd = raw.indexOf('\r\n', lineEnd + 2, 'latin1');
          if (trailerEnd < 0) break;
          bodyAt = trailerEnd + 2;
          complete = true;
          break;
        }
        if (lineEnd + 2 + size + 2 > raw.length) break;
        parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
        bodyAt = lineEnd + 2 + size + 2;
      }
      responses.push({ status, headers, body: Buffer.concat(parts), complete });
      at = complete ? bodyAt : raw.length;
      continue;
    }
    // No length: the body runs to the close.
    responses.push({ status, headers, body: raw.subarray(bodyAt), complete: closed });
    at = raw.length;
  }
  return { responses, garbage: raw.subarray(at).toString('latin1') };
}
