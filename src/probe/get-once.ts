// One GET on its own connection, closed when it ends: how cpdiag reads a target's own pages (its
// stats) without holding any of its workers. A kept-alive connection left idle between reads
// (fetch()'s pool keeps them for seconds, and can even open one it never writes to) is an idle
// client to a thread-pool server: cheroot parks a worker in recv() on it until socket_timeout, so a
// pool of 2 serving load at half its capacity was cpdiag's own doing. `Connection: close` and a
// socket destroyed on every exit path leave nothing behind.
import http from 'node:http';
import https from 'node:https';

/** A stats page is a few KiB; anything far larger is not one and is not read whole. */
export const GET_ONCE_MAX_BYTES = 4 * 1024 * 1024;

export interface GetOnceResponse {
  status: number;
  body: string;
}

/** GETs `url` on a fresh connection; undefined on any failure, timeout or oversized body. */
export function getOnce(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<GetOnceResponse | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: GetOnceResponse | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(value);
    };
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { agent: false, headers: { ...headers, connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > GET_ONCE_MAX_BYTES) finish(undefined);
        else chunks.push(chunk);
      });
      res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => finish(undefined));
    });
    req.on('error', () => finish(undefined));
    const timer = setTimeout(() => finish(undefined), timeoutMs);
  });
}
