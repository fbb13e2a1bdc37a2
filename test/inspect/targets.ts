// Real targets for the inspect tests: the bundled server (cpdiag serve) and the CherryPy example
// app, each started as a child whose pid is the server itself, plus a bounded loopback load loop.
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { resolveSettings } from '../../src/config/settings.js';
import { spawnTarget } from '../../src/target/spawn-target.js';
import { spawnBundledServer } from '../helpers/bundled-server.js';

export const CPDIAG = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
export const CHERRYPY_APP = fileURLToPath(new URL('../../../examples/cherrypy/app.py', import.meta.url));
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface Target {
  proc: ChildProcess;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** The bundled server as cpdiag starts it (its pid is the server itself). */
export async function startBundledServer(threadPool: number): Promise<Target> {
  const server = await spawnBundledServer({ thread_pool: threadPool }, { readyTimeoutMs: 15_000 });
  return { proc: server.child, pid: server.pid, url: server.url, stop: () => server.stop(3000) };
}

/** The CherryPy example app, through the same supervised spawn path; it prints "READY http://...". */
export async function startCherryPy(threadPool: number, socketQueueSize = 5): Promise<Target> {
  const target = await spawnTarget({
    kind: 'command',
    argv: [SYSTEM_PYTHON, CHERRYPY_APP, '--port', '0', '--thread-pool', String(threadPool), '--socket-queue-size', String(socketQueueSize)],
    settings: resolveSettings({ thread_pool: threadPool, socket_queue_size: socketQueueSize }),
    readiness: { kind: 'stdout-url' },
    readyTimeoutMs: 15_000,
  });
  return { proc: target.child!, pid: target.pid, url: target.url, stop: () => target.stop() };
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export interface Load {
  stop(): Promise<number>;
}

/**
 * `concurrency` loops each sending `path` back to back (closed loop), optionally paced to at most
 * one request per `paceMs` per loop. Bounded: it stops at stop(), after maxMs, or after maxRequests.
 */
export function startLoad(base: string, path: string, opts: { concurrency: number; maxMs: number; maxRequests?: number; paceMs?: number }): Load {
  let stopped = false;
  let done = 0;
  const deadline = Date.now() + opts.maxMs;
  const max = opts.maxRequests ?? 100000;
  const loop = async () => {
    while (!stopped && Date.now() < deadline && done < max) {
      const t0 = Date.now();
      await get(base + path, 10000);
      done++;
      if (opts.paceMs) {
        const wait = opts.paceMs - (Date.now() - t0);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  const loops = Array.from({ length: opts.concurrency }, loop);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return done;
    },
  };
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
