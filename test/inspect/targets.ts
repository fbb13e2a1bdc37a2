// Real targets for the inspect tests: the bundled server (cpdiag serve) and the CherryPy example
// app, each started as a child whose pid is the server itself, plus a bounded loopback load loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

export const CPDIAG = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
export const CHERRYPY_APP = fileURLToPath(new URL('../../../examples/cherrypy/app.py', import.meta.url));
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface Target {
  proc: ChildProcess;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function startTarget(cmd: string, args: string[], parseUrl: (line: string) => string | undefined, timeoutMs = 15000): Promise<Target> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += String(d); });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`${cmd} not ready in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      proc.stdout!.on('data', (d) => {
        buf += String(d);
        for (const line of buf.split('\n')) {
          const u = parseUrl(line);
          if (u) { clearTimeout(timer); resolve(u); return; }
        }
      });
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${cmd} exited (${code}): ${stderr}`)); });
    });
    return { proc, pid: proc.pid!, url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function startBundledServer(threadPool: number): Promise<Target> {
  return startTarget(process.execPath, [CPDIAG, 'serve', '--socket-port', '0', '--thread-pool', String(threadPool)],
    (line) => (/^http:\/\/127\.0\.0\.1:\d+/.test(line.trim()) ? line.trim() : undefined));
}

export function startCherryPy(threadPool: number, socketQueueSize = 5): Promise<Target> {
  return startTarget(SYSTEM_PYTHON, [CHERRYPY_APP, '--port', '0', '--thread-pool', String(threadPool), '--socket-queue-size', String(socketQueueSize)],
    (line) => /^READY (http:\/\/\S+)/.exec(line.trim())?.[1]);
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
