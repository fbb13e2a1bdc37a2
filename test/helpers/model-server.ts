// What the deployment-model tests share: a bundled server with given settings for the length of a
// callback, one request on a fresh connection (which process answered it, and when), and the
// children a process has forked, read from /proc.
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { ServerSettings } from '../../src/config/settings.js';
import { startBundledServer } from '../../src/target/kinds/bundled.js';

export interface Reply { status: number; pid: number; body: string; doneAt: number }

/** One GET on its own connection: the status, the serving process (X-Cpdiag-Pid), the body, and when it ended. */
export function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pid: Number(res.headers['x-cpdiag-pid']), body, doneAt: performance.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function withServer<T>(settings: Partial<ServerSettings>, fn: (url: string, pid: number) => Promise<T>, env?: NodeJS.ProcessEnv): Promise<T> {
  const server = await startBundledServer(settings, { readyTimeoutMs: 60_000, env });
  try {
    return await fn(server.url, server.pid);
  } finally {
    await server.stop();
  }
}

/** The live children of `pid`, whichever of its threads forked them. */
export function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}
