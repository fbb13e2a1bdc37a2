// Small helpers for the server tests: raw sockets (to send what a client library would not),
// stats polling, and /proc counts of the server process.
import { connect, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';

export interface RawResult {
  text: string;
  /** The server closed the connection (FIN or reset) before the wait ran out. */
  closed: boolean;
  elapsedMs: number;
}

export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends bytes on a fresh connection and collects what comes back until close or waitMs. */
export async function rawExchange(url: string, data: string | Buffer, waitMs = 3000): Promise<RawResult> {
  const s = await openSocket(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, elapsedMs: performance.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    s.on('data', (b: Buffer) => chunks.push(b));
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    if (data.length > 0) s.write(data);
  });
}

export interface SimpleResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(url: string, agent?: Agent, method = 'GET', body?: string): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (t: string) => (text += t));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function getStats(url: string): Promise<any> {
  const r = await httpGet(`${url}/_cpdiag/stats`);
  return JSON.parse(r.body);
}

/** Polls until pred(stats) holds, or fails after timeoutMs with the last stats. */
export async function waitForStats(url: string, pred: (s: any) => boolean, timeoutMs = 3000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  for (;;) {
    last = await getStats(url);
    if (pred(last)) return last;
    if (Date.now() > deadline) throw new Error(`stats condition not met in ${timeoutMs} ms: ${JSON.stringify({ threads: last.threads, queue: last.queue, requests: last.requests })}`);
    await sleep(20);
  }
}

export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function procStatus(pid: number): { rssBytes: number; threads: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    rssBytes: Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0) * 1024,
    threads: Number(/Threads:\s+(\d+)/.exec(text)?.[1] ?? 0),
  };
}
